"""Pets: which pretrained bodies the breed head reads (issue 32), by cross-validation over every Oxford photo.

    python -m shared.ops.benchmarks.pets_bodies [--quick]

For each body (Lite2 alone, as before; Lite0 alone; both side by side, the cpu preset's default now), the cpu
recipe's breed head (`heads.fit_breeds`: balanced weights, the preset's C and breed prior) is fitted on the frozen
body's features of the photo and its mirror image (`train.features_of`, cached) and answers each held-out photo,
over stratified 5-fold splits of the 866 Oxford photos drawn with 4 seeds (one seed with --quick). Breed top-1 is
the mean over breeds of each breed's share right, as on the card. Every body sees photos of the preset's size,
centre-cropped as the (first) body's weights expect. Two other readings of the same features are measured beside them: the ImageNet
classifier's logits as extra inputs, and the square root of the features.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from shared.ops import bench

LITE2, LITE0 = "tf_efficientnet_lite2", "tf_efficientnet_lite0"
SEEDS = (42, 0, 1, 2)


def features(arch: str, cfg, rows) -> tuple[np.ndarray, np.ndarray]:
    "(features [views x photos x C], ImageNet logits of the first body [views x photos x 1000]) of `arch`."
    from shared.tasks.pets import train
    cfg = replace(cfg, arch=arch)
    learn = train.learner(cfg, rows, sorted(set(rows.label)))
    x = train.features_of(learn, cfg, rows)
    w, b = (p.detach().numpy() for p in (learn.model[2].weight, learn.model[2].bias))
    return x, x @ w.T + b


def breed_top1(x: np.ndarray, y: np.ndarray, cfg, seed: int) -> float:
    "Cross-validated breed top-1 (per-breed mean) of the cpu recipe's breed head on features x."
    from shared.tasks.pets import heads
    from shared.serving.runtime import softmax
    n = int(y.max()) + 1
    fold = heads.fold_of([f"oxford/{v}" for v in y], 5, seed)
    top = np.zeros(len(y), np.int64)
    for f in range(5):
        train, test = fold != f, fold == f
        w, b = heads.fit_breeds(x[:, train], y[train], n, cfg)
        top[test] = softmax(x[0, test] @ w.numpy().T + b.numpy()).argmax(1)
    return heads.per_breed_mean(top == y, y)


def run(args) -> list[dict]:
    from shared.tasks.pets.config import PRESETS, Config
    from shared.tasks.pets.data import items
    cfg = Config(**PRESETS["cpu"])
    df, breeds = items(cfg)
    rows = df[df.label.isin(breeds)].drop_duplicates("path").reset_index(drop=True)
    y = np.array([list(breeds).index(v) for v in rows.label])
    lite2, logits2 = features(LITE2, cfg, rows)
    lite0, _ = features(LITE0, cfg, rows)  # its own crop_pct (0.875) at the preset's size
    both, _ = features(f"{LITE2}+{LITE0}", cfg, rows)
    assert np.allclose(both[..., :lite2.shape[-1]], lite2, atol=1e-3), "the side-by-side body is not Lite2 then Lite0"
    variants = {
        "Lite2 alone (before)": lite2,
        "Lite0 alone": lite0,
        "Lite2 + Lite0 side by side (adopted)": both,
        "Lite2 + its ImageNet logits x 0.3": np.concatenate([lite2, 0.3 * logits2], -1),
        "Lite2, square root of the features": np.sqrt(np.maximum(lite2, 0)),
        "Lite2 + Lite0, square root of the features": np.sqrt(np.maximum(both, 0)),
    }
    seeds = SEEDS[:1] if args.quick else SEEDS
    out = []
    for name, x in variants.items():
        scores = [breed_top1(x.astype(np.float32), y, cfg, s) for s in seeds]
        out.append({"features": name, "width": x.shape[-1], "breed_top1_mean": round(float(np.mean(scores)), 4),
                    **{f"seed_{s}": round(v, 4) for s, v in zip(seeds, scores)}, "photos": len(y)})
        print(out[-1], flush=True)
    return out


if __name__ == "__main__":
    bench.main("pets_bodies", run)
