"""The pets model on photos it never trained on, through the serving Predictor (model.onnx), one row per kind:

    python -m shared.ops.benchmarks.pets_unseen          # PETS_MODEL=folder for another model than spaces/pets/model

held-out Oxford photos, held-out Kaggle photos, 1,000 Kaggle photos the model never used at all (past its
`cats_dogs_share`, first by the file-name hash), held-out photos with no cat or dog, and a sky-over-grass gradient.
"""
from __future__ import annotations

import os

import numpy as np
from PIL import Image

from shared.training.data import REPO, data_dir
from shared.ops import bench


def sky_over_grass() -> Image.Image:
    "The issue's example of a photo of neither: blue sky fading into green grass."
    t = np.linspace(0, 1, 300)[:, None, None]
    return Image.fromarray(np.broadcast_to(np.array([135, 190, 250]) * (1 - t) + np.array([40, 140, 40]) * t,
                                           (300, 400, 3)).astype(np.uint8))


def row(kind: str, scores: dict) -> dict:
    return {"photos": kind, "n": scores["n_valid_photos"] + scores.get("n_valid_neither_photos", 0),
            "cat_dog": scores["cat_dog_accuracy"] if scores["n_valid_photos"] else None,
            "breed_top1": scores["breed_top1_accuracy"], "false_neither": scores.get("false_neither"),
            "neither_on_non_pets": scores.get("neither_rate")}


def run(args) -> list[dict]:
    import pandas as pd

    from shared.tasks.pets.data import items, stable_fraction
    from shared.tasks.pets.config import train_config
    from shared.tasks.pets.evaluate import evaluate_items
    from shared.tasks.pets.serve import Predictor
    predictor = Predictor.load(os.environ.get("PETS_MODEL") or REPO / "spaces" / "pets" / "model")
    cfg = train_config(predictor.config.get("train_config", {}))
    df, _ = items(cfg)
    held_out = df[df.is_valid]
    kinds = {"held-out Oxford": held_out[held_out.label.isin(predictor.labels)],
             "held-out Kaggle": held_out[held_out.label.isin(["cat", "dog"])],
             "held-out, no cat or dog": held_out[held_out.label == "neither"]}
    unused = sorted((p for p in (data_dir() / cfg.cats_dogs).glob("*.jpg") if stable_fraction(p.name) >= cfg.cats_dogs_share),
                    key=lambda p: stable_fraction(p.name))[:50 if args.quick else 1000]
    kinds["Kaggle never used"] = pd.DataFrame({"path": [str(p) for p in unused],
                                               "label": [p.name.split(".")[0] for p in unused]})
    rows = [row(kind, evaluate_items(predictor, rows)) for kind, rows in kinds.items() if len(rows)]
    _, species, looks_like = predictor.classify([sky_over_grass()])[0]
    rows.append({"photos": "sky over grass (drawn)", "n": 1, "answer": max(species, key=species.get),
                 "p": round(max(species.values()), 3), "looks_like": looks_like})
    return rows


if __name__ == "__main__":
    bench.main("pets_unseen", run)
