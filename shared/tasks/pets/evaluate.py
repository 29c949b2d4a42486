"""The pets card's metrics, measured through the serving Predictor: cat-or-dog accuracy on every held-out photo,
breed top-1 and top-5 on the held-out Oxford photos (or accuracy on your own labels' held-out photos)."""
from __future__ import annotations

import numpy as np

from shared.images import open_image

from .config import Config, is_cat_breed, train_config


def evaluate(predictor, limit: int = 0, data: str | None = None, tta: bool | None = None) -> dict:
    """The card's metrics for `predictor` on the held-out photos of the model's own data (`data`: other Oxford
    folders, comma-separated), the first `limit` of them (a fixed slice) if given."""
    from .data import items
    cfg = train_config(predictor.config.get("train_config", {}))
    if data:
        cfg = Config(**{**cfg.__dict__, "oxford": data, "cats_dogs": ""})
    df, _ = items(Config(**{**cfg.__dict__, "max_train_samples": 0}))
    return evaluate_items(predictor, df[df.is_valid][:limit or None], tta=tta)


def evaluate_items(predictor, df, bs: int = 32, tta: bool | None = None) -> dict:
    "Scores of `predictor` on the photos of `df` (columns path, label); tta: None = as the model serves."
    probs = np.concatenate([predictor.probabilities([open_image(p) for p in df.path[i:i + bs]], tta=tta)
                            for i in range(0, len(df), bs)])
    return scores(probs, list(df.label), predictor.labels, predictor.species)


def scores(probs: np.ndarray, truth: list[str], labels: list[str], species: list[str]) -> dict:
    n = len(labels)
    if not species:  # your own labels
        ok = [labels[i] == t for i, t in zip(probs.argmax(-1), truth)]
        return {"accuracy": round(float(np.mean(ok)), 4), "n_valid_photos": len(truth)}
    kind = [t if t in species else ("cat" if is_cat_breed(t) else "dog") for t in truth]
    species_ok = [species[i] == k for i, k in zip(probs[:, n:].argmax(-1), kind)]
    known = [i for i, t in enumerate(truth) if t in labels]
    top5 = np.argsort(-probs[known, :n], -1)[:, :5]
    breed_ok = [labels[top[0]] == truth[i] for i, top in zip(known, top5)]
    in_top5 = [truth[i] in [labels[j] for j in top] for i, top in zip(known, top5)]
    other = [i for i, t in enumerate(truth) if t not in labels]
    share = lambda rows: round(float(np.mean([species_ok[i] for i in rows])), 4) if rows else None  # noqa: E731
    return {"cat_dog_accuracy": round(float(np.mean(species_ok)), 4),
            "breed_top1_accuracy": round(float(np.mean(breed_ok)), 4) if known else None,
            "breed_top5_accuracy": round(float(np.mean(in_top5)), 4) if known else None,
            "cat_dog_accuracy_oxford": share(known), "cat_dog_accuracy_kaggle": share(other),
            "n_valid_photos": len(truth), "n_valid_breed_photos": len(known)}
