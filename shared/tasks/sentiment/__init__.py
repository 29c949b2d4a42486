"""Sentiment: a movie review -> positive or negative, and which words decided it.

config.py (settings), text.py (tokenisation shared by both sides), train.py (fastai), serve.py (ONNX Runtime),
evaluate.py (the card's metrics through the serving path), card.py (the model card's text).
"""
