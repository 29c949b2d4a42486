"""The cpu recipe's heads, fitted on the frozen body's features, and their stratified k-fold cross-validation.

Everything here works on cached features (views x photos x C), so a fit is seconds and the cross-validation that
the card reports refits every head on k-1 folds and answers the held-out fold exactly as the Space does
(`serve.answer`: the same numpy code on the same logits).

- breeds: multinomial logistic regression, every breed weighing the same in the loss (balanced class weights),
  then the logits' prior correction (`breed_prior`): the log of each breed's share of the training photos,
  times `breed_prior`, is subtracted from its bias, so a breed is not named more often because more of its photos
  were seen.
- cat/dog: logistic regression on every photo, Oxford's portraits and Kaggle's small photos weighing the same.
- neither: a logistic regression of pets against photos with no cat or dog, on the features and the pretrained
  ImageNet classifier's log-odds of its cat and dog classes (`fit_neither`), its bias set so that `false_neither`
  of the training pet photos (each kind apart) come out "neither".
"""
from __future__ import annotations

import numpy as np
import torch

from shared.training.intervals import wilson

from . import logistic
from .config import Config, ServingConfig, is_cat_breed
from .serve import answer, logit, pet_mass  # noqa: F401

# ImageNet-1k classes of a dog (151 Chihuahua ... 268 Mexican hairless), of the dog's wild kin (269 timber wolf ...
# 280 grey fox: ImageNet takes many a samoyed for an Arctic fox, a shiba inu for a dingo) and of a domestic cat
# (281 tabby ... 285 Egyptian cat); the big cats (286 cougar ...) are not counted
PET_CLASSES = list(range(151, 286))


def solve_logistic(x: np.ndarray, y: np.ndarray, n_classes: int, c: float, steps: int = 200, groups=None, start=None):
    """`logistic.fit` (the one objective, in numpy), returning (W, b) as torch tensors for the network's linear layer.
    `start`: (W, b) to start from (a fit on more photos: cross-validation's folds converge sooner)."""
    w, b = logistic.fit(x, y, n_classes, c, steps, start=None if start is None else tuple(map(np.asarray, start)),
                        groups=groups)
    return torch.from_numpy(w), torch.from_numpy(b)


def fit_breeds(x: np.ndarray, y: np.ndarray, n: int, cfg: Config, start=None):
    "(W, b) of the breed rows from features [views x photos x C] and breed ids; the prior correction in b."
    w, b = solve_logistic(x.reshape(-1, x.shape[-1]), np.tile(y, len(x)), n,
                          cfg.head_c, start=start)
    share = np.bincount(y, minlength=n) / len(y)
    share = np.where(share > 0, share, share[share > 0].min())  # a breed with no photo here: as the rarest one
    return w, b - cfg.breed_prior * torch.from_numpy(np.log(share)).float()


def fit_species(x: np.ndarray, species: np.ndarray, known: np.ndarray, cfg: Config, start=None, steps: int = 200):
    "(W, b) of the cat/dog rows: every photo, the Oxford (known breed) and the other photos weighing the same."
    v = len(x)
    return solve_logistic(x.reshape(-1, x.shape[-1]), np.tile(species, v), 2,
                          cfg.species_c, groups=np.tile(known.astype(np.int64) * 2 + species, v),
                          start=start, steps=steps)


def neither_inputs(x: np.ndarray, imagenet_w: np.ndarray, imagenet_b: np.ndarray, scale: float) -> np.ndarray:
    "[features | scale x logit(ImageNet cat-and-dog probability)] of features x [photos x C]: the neither rule's inputs."
    m = pet_mass(x @ imagenet_w.T + imagenet_b, {"classes": PET_CLASSES})
    return np.concatenate([x, scale * logit(m)[:, None]], 1).astype(np.float32)


def fit_neither(x_pets: np.ndarray, kinds: np.ndarray, x_others: np.ndarray, imagenet_w: np.ndarray,
                imagenet_b: np.ndarray, cfg: Config) -> dict:
    """The neither rule: a logistic regression, pets (Oxford's, Kaggle's) against the photos with no cat or dog
    (each of the three weighing the same), on the body's features and the pretrained ImageNet classifier's log-odds
    of a cat or dog class (scaled by `neither_scale`, so the penalty holds it back less than the features: it is what
    carries "neither" to kinds of photo never trained on). Its bias is then set so that `false_neither` of the
    training pet photos of each kind (or fewer) come out "neither". x_*: features [views x photos x C]."""
    v, c = len(x_pets), x_pets.shape[-1]
    z = np.concatenate([neither_inputs(x, imagenet_w, imagenet_b, cfg.neither_scale) for x in
                        [*x_pets, *x_others]])
    group = np.concatenate([*([np.where(kinds == "oxford", 0, 1)] * v), *([np.full(x_others.shape[1], 2)] * v)])
    w, b = solve_logistic(z, (group == 2).astype(np.int64), 2, cfg.neither_c, groups=group)
    w, b = (w[1] - w[0]).numpy().astype(np.float64), float(b[1] - b[0])
    score = neither_inputs(x_pets[0], imagenet_w, imagenet_b, cfg.neither_scale) @ w + b
    cut = max(float(np.quantile(score[kinds == k], 1 - cfg.false_neither)) for k in np.unique(kinds))
    return {"classes": PET_CLASSES, "weight": [round(float(a), 7) for a in w[:c]],
            "imagenet": round(float(w[c] * cfg.neither_scale), 6), "bias": round(b - cut, 6)}


# ---------------------------------------------------------------- cross-validation (the card's numbers)
def fold_of(groups, folds: int, seed: int = 0) -> np.ndarray:
    "Stratified folds: each group's items (shuffled with a fixed seed) dealt round-robin into `folds` folds."
    rng = np.random.default_rng(seed)
    groups = np.asarray(groups)
    out = np.empty(len(groups), np.int64)
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        out[rng.permutation(idx)] = (np.arange(len(idx)) + rng.integers(folds)) % folds
    return out


def per_breed_mean(ok: np.ndarray, y: np.ndarray) -> float:
    "Breed top-1 as the card reports it: the mean over breeds of each breed's share right (every breed the same)."
    return float(np.mean([ok[y == b].mean() for b in np.unique(y)]))


def per_breed_interval(ok: np.ndarray, y: np.ndarray, rounds: int = 2000, seed: int = 0) -> list[float]:
    "95% interval of the per-breed mean accuracy: a bootstrap that resamples the photos within each breed."
    rng = np.random.default_rng(seed)
    groups = [ok[y == b] for b in np.unique(y)]
    means = [np.mean([g[rng.integers(len(g), size=len(g))].mean() for g in groups]) for _ in range(rounds)]
    return [round(float(q), 4) for q in np.quantile(means, [0.025, 0.975])]


def answer_views(x: np.ndarray, w: np.ndarray, b: np.ndarray, serving: ServingConfig, sol: np.ndarray,
                 imagenet_w: np.ndarray, imagenet_b: np.ndarray) -> np.ndarray:
    """What the Space answers (`serve.answer`) for photos whose features are x [views x photos x C], view 1 the
    mirror image: the answer to the photo, or with serving.tta "flip" the mean of the answers to both views."""
    views = x[:2] if serving.tta == "flip" else x[:1]
    return np.mean([answer(v @ w.T + b, serving, sol, v @ imagenet_w.T + imagenet_b, v) for v in views], 0)


def cross_validate(x: np.ndarray, rows, breeds: list[str], imagenet_w: np.ndarray, imagenet_b: np.ndarray,
                   cfg: Config, serving: ServingConfig) -> dict:
    """Stratified k-fold cross-validation of every head and the neither rule: each photo (Oxford by breed, Kaggle by
    cat/dog, non-pets by folder) is answered once by heads fitted without it, through `serve.answer`.
    x: features [views x photos x C]; rows: DataFrame (path, label, kind) with kind oxford / kaggle / a negatives
    folder. Each held-out photo is answered as the Space answers it (`answer_views`: flip TTA when it serves it).
    Returns the card's metrics: means, 95% intervals and photo counts."""
    n = len(breeds)
    label, kind = rows.label.to_numpy(), rows.kind.to_numpy()
    pet = np.isin(kind, ["oxford", "kaggle"])
    fold = fold_of([f"{k}/{lab}" for k, lab in zip(kind, label)], cfg.folds, cfg.seed)
    known = np.isin(label, breeds)
    y = np.array([breeds.index(v) if v in breeds else -1 for v in label])
    species = np.array([0 if (v == "cat" or (v in breeds and is_cat_breed(v))) else 1 for v in label])
    sol = np.stack([np.array([is_cat_breed(b), not is_cat_breed(b)], np.float32) for b in breeds])
    probs = np.zeros((len(label), n + 3), np.float32)
    start = fit_species(x[:, pet], species[pet], known[pet], cfg)  # every fold's species fit starts from here
    for f in range(cfg.folds):
        train, test = (fold != f), fold == f
        wb, bb = fit_breeds(x[:, train & known], y[train & known], n, cfg)
        ws, bs = fit_species(x[:, train & pet], species[train & pet], known[train & pet], cfg, start, steps=60)
        neither = fit_neither(x[:, train & pet], kind[train & pet], x[:, train & ~pet], imagenet_w, imagenet_b, cfg)
        w, b = torch.cat([wb, ws]).numpy(), torch.cat([bb, bs]).numpy()
        folded = ServingConfig(**{**serving.__dict__, "neither": neither})
        probs[test] = answer_views(x[:, test], w, b, folded, sol, imagenet_w, imagenet_b)
    top_breed, top_kind = probs[:, :n].argmax(1), probs[:, n:].argmax(1)
    ok_breed = top_breed[known] == y[known]
    metrics = {"cv_folds": cfg.folds,
               "breed_top1": round(per_breed_mean(ok_breed, y[known]), 4),
               "breed_top1_interval": per_breed_interval(ok_breed, y[known]),
               "breed_photos": int(known.sum())}
    for name, rows_of in (("oxford", kind == "oxford"), ("kaggle", kind == "kaggle")):
        ok = int((top_kind[rows_of] == species[rows_of]).sum())
        wrong_neither = int((top_kind[rows_of] == 2).sum())
        total = int(rows_of.sum())
        metrics |= {f"cat_dog_{name}": round(ok / total, 4), f"cat_dog_{name}_interval": wilson(ok, total),
                    f"false_neither_{name}": round(wrong_neither / total, 4),
                    f"false_neither_{name}_interval": wilson(wrong_neither, total), f"{name}_photos": total}
    for folder in sorted(set(kind[~pet])):
        rows_of = kind == folder
        ok, total = int((top_kind[rows_of] == 2).sum()), int(rows_of.sum())
        metrics |= {f"neither_{folder}": round(ok / total, 4), f"neither_{folder}_interval": wilson(ok, total),
                    f"{folder}_photos": total}
    return metrics
