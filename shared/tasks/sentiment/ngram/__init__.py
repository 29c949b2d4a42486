"""The n-gram baseline (NBSVM++): config.py (what its config.json holds), text.py (tokenisation, both sides),
train.py (fastai, torch), serve.py (`Predictor.load(folder)`: ONNX Runtime, numpy; each word's exact push)."""
