"""Recommend: MovieLens collaborative filtering that serves visitors who were never in the training data.

config.py (settings), data.py (MovieLens), train.py (fastai collab_learner), serve.py (fold-in and ranking:
numpy and ONNX Runtime), evaluate.py (the new-visitor metrics through the serving path), card.py (card text).
"""
