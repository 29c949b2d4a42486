"""The sentiment card's metrics, measured through the serving Predictor: accuracy on the validation reviews, and
the TF-IDF + logistic regression bar on the same reviews (scikit-learn; training side)."""
from __future__ import annotations

import numpy as np

from dataclasses import replace

from .config import train_config
from .data import read_reviews


def evaluate(predictor, limit: int = 0, data: str | None = None, baseline: bool | None = None,
             url: str | None = None, api_name: str = "/predict") -> dict:
    """Accuracy of `predictor` on the validation reviews of the model's own data (`data` to override; `limit`: the
    first `limit` of them, a fixed slice). For the two models of a transformer artifact: the verdict's, each model's,
    on the validation reviews after those its combination was fitted on. The TF-IDF baseline runs on the full set
    only (the n-gram model's cfg.baseline, or `baseline`). `url`: the same reviews, the answers of the Space served there, over HTTP
    (`predictor` then only names the reviews: load the model that Space serves)."""
    cfg = train_config(predictor.config.get("train_config", {}))
    if data:
        cfg = replace(cfg, data=data)
    df = read_reviews(cfg)
    valid = df[df.is_valid]
    both = hasattr(predictor, "transformer")
    if both:  # the combination's weights were fitted on the first validation reviews: score the others
        valid = valid[cfg.valid_samples:]
    valid = valid[:limit or None]
    accuracy = lambda probs: round(float(np.mean([bool(p) and max(p, key=p.get) == label
                                                  for p, label in zip(probs, valid.label)])), 4)
    texts = list(valid.text)
    errors = 0
    if url:  # a review the Space did not answer counts as a wrong answer, and the count is reported
        from .remote import space_answers
        answers = space_answers(url, texts, api_name)
        errors = sum(a is None for a in answers)
        answers = [a or ({}, {}, {}) for a in answers]
    elif both:  # one review per call through `read`, what /predict serves (int8 activations are quantised per
        # call, so a batch's other reviews would shift a review's answer a little): the verdict and each model's
        answers = [(v.probs, v.transformer, v.baseline.probs) for v in map(predictor.read, texts)]
    else:
        answers = [(p, None, None) for p in predictor.predict(texts)]
    out = {"accuracy": accuracy([a[0] for a in answers]), "n_valid_reviews": int(len(valid))}
    if both:  # and what is served: the window and the weights export chose
        out.update(transformer_accuracy=accuracy([a[1] for a in answers]),
                   baseline_accuracy=accuracy([a[2] for a in answers]), skipped_fit_reviews=cfg.valid_samples,
                   served_weights="int8" if predictor.config.get("quantized") else "float32",
                   serve_tokens=predictor.config["max_tokens"])
    if url:
        out["unanswered_reviews"] = errors
    if (getattr(cfg, "baseline", False) if baseline is None else baseline) and not limit:  # the n-gram part's flag
        out.update(tfidf_baseline(df))
    return out


def tfidf_baseline(df) -> dict:
    """The bar to beat: scikit-learn TF-IDF over word 1-2 grams + logistic regression, trained on the training
    reviews, scored on the validation ones. Its C is the best of a small grid *on the validation set*, which
    flatters the baseline (the fastai model gets no such help)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    train, valid = df[~df.is_valid], df[df.is_valid]
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x_train, x_valid = vec.fit_transform(train.text), vec.transform(valid.text)
    y_train, y_valid = (train.label == "positive").values, (valid.label == "positive").values
    best = max((float((LogisticRegression(C=c, max_iter=2000).fit(x_train, y_train).predict(x_valid) == y_valid)
                      .mean()), c) for c in (1.0, 10.0, 100.0))
    return {"tfidf_lr_accuracy": round(best[0], 4), "tfidf_lr_C": best[1]}
