"""The pets card's metrics, measured through the serving Predictor: cat-or-dog accuracy on every held-out photo,
breed top-1 and top-5 on the held-out Oxford photos (or accuracy on your own labels' held-out photos)."""
from __future__ import annotations

import numpy as np

from shared.serving.images import open_image

from .config import Config, breed_of, is_cat_breed, train_config


def evaluate(predictor, limit: int = 0, data: str | None = None, tta: bool | None = None) -> dict:
    """The card's metrics for `predictor` on the held-out photos of the model's own data (its held-out Oxford and
    Kaggle photos and photos with no cat or dog), the first `limit` of them (a fixed slice) if given. `data`: other
    folders of photos named the Oxford way (`Bengal_12.jpg`, `pug_3.jpg`; comma-separated): every photo in them."""
    import pandas as pd

    from .data import items, oxford_files
    cfg = train_config(predictor.config.get("train_config", {}))
    if data:
        files = oxford_files(Config(**{**cfg.__dict__, "oxford": data}))
        df = pd.DataFrame({"path": [str(p) for p in files], "label": [breed_of(p) for p in files]})
        return evaluate_items(predictor, df[:limit or None], tta=tta)
    if not predictor.neither:
        cfg = Config(**{**cfg.__dict__, "negatives": ""})
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
    kind = [t if t in species or t == "neither" else ("cat" if is_cat_breed(t) else "dog") for t in truth]
    said = [species[i] for i in probs[:, n:].argmax(-1)]
    pets = [i for i, k in enumerate(kind) if k != "neither"]
    others = [i for i, k in enumerate(kind) if k == "neither"]
    rate = lambda rows: round(float(np.mean([said[i] == "neither" for i in rows])), 4) if rows else None  # noqa: E731
    neither = {"neither_rate": rate(others), "false_neither": rate(pets),
               "n_valid_neither_photos": len(others)} if others or "neither" in species else {}
    truth, probs, kind, said = [truth[i] for i in pets], probs[pets], [kind[i] for i in pets], [said[i] for i in pets]
    species_ok = [s == k for s, k in zip(said, kind)]
    known = [i for i, t in enumerate(truth) if t in labels]
    top5 = np.argsort(-probs[known, :n], -1)[:, :5]
    breed_ok = [labels[top[0]] == truth[i] for i, top in zip(known, top5)]
    in_top5 = [truth[i] in [labels[j] for j in top] for i, top in zip(known, top5)]
    other = [i for i, t in enumerate(truth) if t not in labels]
    share = lambda rows: round(float(np.mean([species_ok[i] for i in rows])), 4) if rows else None  # noqa: E731
    return {"cat_dog_accuracy": round(float(np.mean(species_ok)), 4) if species_ok else None,
            "breed_top1_accuracy": round(float(np.mean(breed_ok)), 4) if known else None,
            "breed_top5_accuracy": round(float(np.mean(in_top5)), 4) if known else None,
            "cat_dog_accuracy_oxford": share(known), "cat_dog_accuracy_kaggle": share(other),
            "n_valid_photos": len(truth), "n_valid_breed_photos": len(known), **neither}
