"""Sentiment: a movie review -> positive or negative, and which words decided it. Three parts:

ngram/ (the n-gram baseline, NBSVM++: its config.json, tokenisation, training, serving), transformer/ (the fine-tuned
MiniLM: its input, training, export with every serving choice, serving), verdict.py (both models, one verdict).
serve.py gives the Space the Predictor its folder's config.json names; train.py is what the training CLI calls;
lineage.py trains the default model's passes in order (one command). config.py (training settings), data.py (the
reviews), evaluate.py (the card's metrics through the serving Predictor), card.py (the cards' text), ui.py, words.py.
"""
