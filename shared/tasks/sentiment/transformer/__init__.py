"""The fine-tuned transformer (all-MiniLM-L6-v2): wordpiece.py (its input, both sides), train.py (the fastai Learner),
export.py (weights, model.onnx, and every serving choice: window, int8, the verdict's weights), serve.py
(`Predictor.load(folder)`: `tokenizers` + ONNX Runtime)."""
