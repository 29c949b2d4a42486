"""Colorize: black-and-white photos in colour, with a fastai U-Net that classifies each pixel's colour.

config.py (settings), colour.py (sRGB <-> CIE Lab, for numpy and torch), data.py (the photo folders),
train.py (fastai), serve.py (ONNX Runtime), evaluate.py (the card's metrics through the serving path),
card.py (the model card's text).
"""
