"""Teach the pets network new labels from a few photos: the pretrained body's features of each photo (and of its
mirror image), a multinomial logistic regression on them (numpy), an honest held-out estimate, and the taught
model as a standard artifact folder (safetensors + ONNX + config.json + card). Serving side: no torch.

    photos.py    a visitor's .zip (one folder per label) -> photos by label, or a clear message why not
    ../logistic.py  the head: balanced, L2-penalised multinomial logistic regression by L-BFGS, in numpy (the
                 training side's heads use the same)
    teacher.py   teach(zip, predictor) -> Taught (features, head, cross-validated estimate); classify
    report.py    what the visitor sees: the report text and the confusion-matrix picture
    model.py     Taught -> artifact folder (the base model with its head replaced) and its .zip
"""
