"""The gallery: every Space in one Gradio app (`python -m shared.gallery`; the combined Space's app).

    app.py    the landing page, one route per Space, the embed pages, the examples' sample requests
    words.py  its words in English and Korean
"""
