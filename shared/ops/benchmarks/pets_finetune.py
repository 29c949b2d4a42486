"""Pets: whole-network fine_tune against the head alone, on the same stratified folds (issue 32, item 2).

    python -m shared.ops.benchmarks.pets_finetune baseline     # head-only recipe: the card's CV (+ levers on its folds)
    python -m shared.ops.benchmarks.pets_finetune fold F [--epochs E --lr LR --cap K --tag T]   # fine-tune fold F
    python -m shared.ops.benchmarks.pets_finetune report [--tag T]    # the table over the folds done

Results go to $PETS_FINETUNE_OUT (default tests/artifacts/pets-finetune/); BENCHMARKS.md has the table.

Folds: `heads.fold_of` over the card's own rows (Oxford by breed, Kaggle by cat/dog, non-pets by folder), seed 42,
5 folds: the Oxford photos' folds are exactly those of the card's cross-validation (`make train-pets`).
Fine-tune = fastai's fine_tune with the exact frozen stage (the cpu preset's `fit` with epochs > 0): the head solved
exactly on the frozen pretrained body's cached features, then the unfrozen network by fit_one_cycle with
discriminative rates (fastai's fine_tune: lr / 2, body lr / 200, pct_start 0.3, div 5), breeds drawn balanced
(each epoch: every photo of a breed, at most `cap` per breed, fresh draws each epoch), fastai's aug_transforms,
the centre crop of the weights' pretrained_cfg.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from shared import REPO
from shared.serving.runtime import softmax
from shared.tasks.pets import heads, train
from shared.tasks.pets.config import PRESETS, Config, ServingConfig, is_cat_breed
from shared.tasks.pets.data import items
from shared.training.intervals import wilson

ARCH = "tf_efficientnet_lite2"  # the body this comparison was run with (before the cpu preset's second body)
OUT = Path(os.environ.get("PETS_FINETUNE_OUT", REPO / "tests" / "artifacts" / "pets-finetune"))
torch.set_num_threads(2)


def card_rows(cfg):
    "The rows of train.cross_validate, in its order: pets (train then held out), then the photos with no pet."
    df, breeds = items(cfg)
    neg, main = df[df.label == "neither"], df[df.label != "neither"]
    its = pd.concat([main[~main.is_valid], main[main.is_valid]]).drop_duplicates("path")
    pets = its[its.label.isin(list(breeds) + ["cat", "dog"])]
    rows = pd.concat([pets.assign(kind=np.where(pets.label.isin(breeds), "oxford", "kaggle")),
                      neg.assign(kind=[Path(p).parent.parent.name for p in neg.path])]).reset_index(drop=True)
    fold = heads.fold_of([f"{k}/{lab}" for k, lab in zip(rows.kind, rows.label)], cfg.folds, cfg.seed)
    return rows.assign(fold=fold), list(breeds)


def cached(paths):
    z = np.load(sorted(Path.home().glob(".cache/chapter-one-spaces/pets-features-933c654798b21b15-260-crop0.89-*.npz"))[0])
    index = {p: i for i, p in enumerate(z["paths"].tolist())}
    f = z["features"]
    return np.stack([f[[index[p] for p in paths], v] for v in range(f.shape[1])])


def serving():
    return ServingConfig.from_dict(json.loads((REPO / "spaces/pets/model/config.json").read_text()))


def sol_of(breeds):
    return np.stack([np.array([is_cat_breed(b), not is_cat_breed(b)], np.float32) for b in breeds])


def scores(pred_breed, y, pred_species=None, species=None) -> dict:
    ok = pred_breed == y
    out = {"breed_top1": round(float(np.mean([ok[y == b].mean() for b in np.unique(y)])), 4),
           "breed_top1_interval": heads.per_breed_interval(ok, y), "breed_photos": int(len(y)),
           "breed_photo_level": round(float(ok.mean()), 4)}
    if pred_species is not None:
        k = int((pred_species == species).sum())
        out |= {"cat_dog_oxford": round(k / len(species), 4), "cat_dog_oxford_interval": wilson(k, len(species))}
    return out


# ---------------------------------------------------------------- the head alone
def baseline(args):
    cfg = Config(**PRESETS["cpu"], arch=ARCH)
    rows, breeds = card_rows(cfg)
    x = cached(rows.path.tolist())
    w, b = (t.numpy() for t in train.pretrained_imagenet(cfg.arch)[0].values())
    plain = []
    orig = heads.answer

    def recording(logits, serve, sol, imagenet=None, features=None):
        plain.append(orig(logits, ServingConfig(**{**serve.__dict__, "neither": None}), sol))
        return orig(logits, serve, sol, imagenet, features)
    heads.answer = recording
    t = time.time()
    card = heads.cross_validate(x, rows, breeds, w, b, cfg, serving())
    heads.answer = orig
    print(f"head-only CV as the card ({time.time() - t:.0f}s): {card}", flush=True)
    ox = (rows.kind == "oxford").to_numpy()
    fold = rows.fold.to_numpy()
    y = np.array([breeds.index(v) if v in breeds else -1 for v in rows.label])
    species = np.array([0 if (v == "cat" or (v in breeds and is_cat_breed(v))) else 1 for v in rows.label])
    probs = np.zeros((len(rows), len(breeds) + 2), np.float32)
    for f, p in enumerate(plain):
        probs[fold == f] = p
    n = len(breeds)
    no_neither = scores(probs[ox, :n].argmax(1), y[ox], probs[ox, n:].argmax(1), species[ox])
    print(f"head-only, cat/dog without 'neither': {no_neither}", flush=True)
    result = {"card": card, "no_neither": no_neither, "levers": []}
    # levers on the breed head: the same folds, Oxford photos only (fit_breeds sees only them anyway)
    xo, yo, fo = x[:, ox], y[ox], fold[ox]
    for c, prior in [(0.3, 0.5), (0.1, 0.5), (1.0, 0.5), (0.3, 0.25), (0.3, 0.75)]:
        lc = replace(cfg, head_c=c, breed_prior=prior)
        logits = np.zeros((2, len(yo), n), np.float32)
        for f in range(cfg.folds):
            tr, te = fo != f, fo == f
            wb, bb = heads.fit_breeds(xo[:, tr], yo[tr], n, lc)
            logits[:, te] = xo[:, te] @ wb.numpy().T + bb.numpy()
        for tta in (False, True):
            lg = logits.mean(0) if tta else logits[0]
            row = {"head_c": c, "breed_prior": prior, "flip_tta": tta, **scores(lg.argmax(1), yo)}
            print(row, flush=True)
            result["levers"].append(row)
    (OUT / "baseline.json").write_text(json.dumps(result, indent=1))


def paired(ok_a, ok_b, y, rounds=2000, seed=0) -> dict:
    "b against a on the same photos: photos each gets right alone, exact McNemar p, 95% bootstrap of the per-breed gain."
    from math import comb
    gain, loss = int((ok_b & ~ok_a).sum()), int((ok_a & ~ok_b).sum())
    k, m = min(gain, loss), gain + loss
    p = min(1.0, 2 * sum(comb(m, i) for i in range(k + 1)) / 2 ** m) if m else 1.0
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)]
    diffs = []
    for _ in range(rounds):
        idx = [g[rng.integers(len(g), size=len(g))] for g in groups]
        diffs.append(np.mean([ok_b[i].mean() - ok_a[i].mean() for i in idx]))
    return {"only_b_right": gain, "only_a_right": loss, "mcnemar_p": round(p, 4),
            "per_breed_gain": round(float(np.mean([ok_b[g].mean() - ok_a[g].mean() for g in groups])), 4),
            "per_breed_gain_interval": [round(float(q), 4) for q in np.quantile(diffs, [0.025, 0.975])]}


def tta(args):
    "Flip TTA (serving averages the answers to the photo and its mirror) on the head alone: the card's CV, then paired."
    cfg = Config(**PRESETS["cpu"], arch=ARCH)
    rows, breeds = card_rows(cfg)
    x = cached(rows.path.tolist())
    w, b = (t.numpy() for t in train.pretrained_imagenet(cfg.arch)[0].values())
    out = {}
    for mode in ((None, "flip") if not os.environ.get("PAIRED_ONLY") else ()):
        t = time.time()
        out[str(mode)] = heads.cross_validate(x, rows, breeds, w, b, cfg, ServingConfig(**{**serving().__dict__, "tta": mode}))
        print(f"tta={mode} ({time.time() - t:.0f}s): {out[str(mode)]}", flush=True)
    ox = (rows.kind == "oxford").to_numpy()
    y = np.array([breeds.index(v) for v in rows.label[ox]])
    xo, n = x[:, ox], len(breeds)
    for seed in (cfg.seed, 0, 1):
        fo = rows.fold.to_numpy()[ox] if seed == cfg.seed else heads.fold_of(y, cfg.folds, seed)
        p = np.zeros((2, len(y), n), np.float32)
        for f in range(cfg.folds):
            tr, te = fo != f, fo == f
            wb, bb = heads.fit_breeds(xo[:, tr], y[tr], n, cfg)
            p[:, te] = softmax(xo[:, te] @ wb.numpy().T + bb.numpy())
        a, bt = p[0].argmax(1) == y, p.mean(0).argmax(1) == y
        out[f"paired_seed{seed}"] = {"no_tta": scores(p[0].argmax(1), y)["breed_top1"],
                                     "flip_tta": scores(p.mean(0).argmax(1), y)["breed_top1"], **paired(a, bt, y)}
        print(seed, out[f"paired_seed{seed}"], flush=True)
    (OUT / "tta.json").write_text(json.dumps(out, indent=1))


# ---------------------------------------------------------------- fine_tune, one fold
from fastai.callback.core import Callback  # noqa: E402


class FrozenBNStats(Callback):
    "BatchNorm layers keep their pretrained running statistics while the network trains (their weights still learn)."
    def before_train(self):
        for m in self.learn.model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.eval()


def fold_run(args):
    cfg = Config(**PRESETS["cpu"], arch=ARCH)
    rows, breeds = card_rows(cfg)
    ox = rows[rows.kind == "oxford"]
    tr, te = ox[ox.fold != args.fold], ox[ox.fold == args.fold]
    if os.environ.get("SMOKE"):
        tr, te = tr.groupby("label").head(2), te[:10]
    rng = np.random.default_rng(cfg.seed + args.fold)
    draws = [g.iloc[rng.permutation(len(g))[:args.cap]] for _ in range(args.epochs) for _, g in tr.groupby("label")]
    df = pd.concat([pd.concat(draws).assign(is_valid=False), te.assign(is_valid=True)])[["path", "label", "is_valid"]]
    fcfg = replace(cfg, epochs=args.epochs, cats_dogs="", negatives="", workers=0, bs=args.bs, lr=args.lr)
    t0 = time.time()
    learn = train.learner(fcfg, df, breeds)
    train.fit_head_on_features(learn, fcfg)  # the frozen stage, exact (on the cached pretrained features)
    t1 = time.time()
    learn.unfreeze()
    # fastai's fine_tune after its frozen stage: base_lr / 2, lr_mult 100, pct_start 0.3, div 5; the balanced
    # draws of all `epochs` epochs are one pass (one cycle over the same number of steps)
    learn.fit_one_cycle(1, slice(args.lr / 2 / 100, args.lr / 2), pct_start=0.3, div=5.0,
                        cbs=[FrozenBNStats()] if args.bn_frozen else [])
    t2 = time.time()
    print(f"fold {args.fold}: {len(df) - len(te)} draws ({args.epochs} epochs of {len(tr)} photos, cap {args.cap}), "
          f"frozen stage {t1 - t0:.0f}s, unfrozen {t2 - t1:.0f}s", flush=True)
    f_tr = np.stack([v.numpy() for v in train.body_features(learn, tr.assign(is_valid=False), views=2)])
    f_te = np.stack([v.numpy() for v in train.body_features(learn, te.assign(is_valid=True), views=2)])
    lin = learn.model[1][-1]
    np.savez(OUT / f"ft-{args.tag}-fold{args.fold}.npz", train_idx=tr.index.to_numpy(), test_idx=te.index.to_numpy(),
             f_train=f_tr, f_test=f_te, w=lin.weight.detach().numpy(), b=lin.bias.detach().numpy(),
             seconds=np.array([t1 - t0, t2 - t1, time.time() - t2]), draws=np.array(len(df) - len(te)),
             setting=np.array(json.dumps(vars(args))))
    print(f"fold {args.fold}: features {time.time() - t2:.0f}s; saved", flush=True)


# ---------------------------------------------------------------- the table
def report(args):
    cfg = Config(**PRESETS["cpu"], arch=ARCH)
    rows, breeds = card_rows(cfg)
    n, serve, sol = len(breeds), ServingConfig(**{**serving().__dict__, "neither": None}), sol_of(breeds)
    y = np.array([breeds.index(v) if v in breeds else -1 for v in rows.label])
    species = np.array([0 if (v in breeds and is_cat_breed(v)) else 1 for v in rows.label])
    files = sorted(OUT.glob(f"ft-{args.tag}-fold*.npz"))
    if not files:
        return print("no folds yet")
    preds = {k: {} for k in ("head_only", "head_only_tta", "network", "network_prior", "refit", "refit_tta")}
    secs, pretrained_x = [], cached(rows.path.tolist())
    iw, ib = (t.numpy() for t in train.pretrained_imagenet(cfg.arch)[0].values())
    mass = []
    for file in files:
        z = np.load(file)
        te, trn = z["test_idx"], z["train_idx"]
        secs.append(z["seconds"])
        cap = json.loads(str(z["setting"]))["cap"]  # each epoch's draws: every photo of a breed, at most cap
        share = np.minimum(np.bincount(y[trn], minlength=n), cap) / np.minimum(np.bincount(y[trn], minlength=n), cap).sum()
        lg = z["f_test"][0] @ z["w"].T + z["b"]
        preds["network"][file] = (te, answer_of(lg, serve, sol, n))
        lp = lg.copy()
        lp[:, :n] -= cfg.breed_prior * np.log(share)
        preds["network_prior"][file] = (te, answer_of(lp, serve, sol, n))
        wb, bb = heads.fit_breeds(z["f_train"], y[trn], n, cfg)
        ws, bs = heads.fit_species(z["f_train"], species[trn], np.ones(len(trn), bool), cfg)
        wr, br = torch.cat([wb, ws]).numpy(), torch.cat([bb, bs]).numpy()
        preds["refit"][file] = (te, answer_of(z["f_test"][0] @ wr.T + br, serve, sol, n))
        preds["refit_tta"][file] = (te, np.mean([answer_of(v @ wr.T + br, serve, sol, n) for v in z["f_test"]], 0))
        xp_tr, xp_te = pretrained_x[:, trn], pretrained_x[:, te]  # the head alone: the same photos, the same recipe
        wb, bb = heads.fit_breeds(xp_tr, y[trn], n, cfg)
        ws, bs = heads.fit_species(xp_tr, species[trn], np.ones(len(trn), bool), cfg)
        wr, br = torch.cat([wb, ws]).numpy(), torch.cat([bb, bs]).numpy()
        preds["head_only"][file] = (te, answer_of(xp_te[0] @ wr.T + br, serve, sol, n))
        preds["head_only_tta"][file] = (te, np.mean([answer_of(v @ wr.T + br, serve, sol, n) for v in xp_te], 0))
        pm = heads.pet_mass
        mass.append((pm(z["f_test"][0] @ iw.T + ib, {"classes": heads.PET_CLASSES}),
                     pm(pretrained_x[0, te] @ iw.T + ib, {"classes": heads.PET_CLASSES})))
    out = {"folds": len(files), "train_seconds_per_fold": [[round(float(t), 1) for t in s] for s in secs]}
    ok = {}
    for k, d in preds.items():
        te = np.concatenate([v[0] for v in d.values()])
        p = np.concatenate([v[1] for v in d.values()])
        out[k] = scores(p[:, :n].argmax(1), y[te], p[:, n:].argmax(1), species[te])
        ok[k] = p[:, :n].argmax(1) == y[te]
    for k in ("network", "network_prior", "refit", "refit_tta", "head_only_tta"):
        out[k]["against_head_only"] = paired(ok["head_only"], ok[k], y[te])
    base = json.loads((OUT / "baseline.json").read_text())
    ox_te = np.concatenate([np.load(f)["test_idx"] for f in files])
    # the head alone on exactly these photos (when not every fold is done)
    out["head_only_card"] = {k: v for k, v in base["card"].items() if k.startswith(("breed", "cat_dog_oxford", "cv"))}
    ft, pt = (np.concatenate(m) for m in zip(*mass))
    out["imagenet_pet_mass_median"] = {"fine_tuned_body": round(float(np.median(ft)), 4),
                                       "pretrained_body": round(float(np.median(pt)), 4),
                                       "below_0.5": [int((ft < 0.5).sum()), int((pt < 0.5).sum()), len(ft)]}
    out["photos"] = len(ox_te)
    print(json.dumps(out, indent=1))
    (OUT / f"report-{args.tag}.json").write_text(json.dumps(out, indent=1))


def answer_of(logits, serve, sol, n):
    return heads.answer(logits.astype(np.float32), serve, sol)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m shared.ops.benchmarks.pets_finetune", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["baseline", "tta", "fold", "report"])
    p.add_argument("fold", nargs="?", type=int, default=0)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--cap", type=int, default=12)
    p.add_argument("--bs", type=int, default=32)
    p.add_argument("--tag", default="a")
    p.add_argument("--bn-frozen", action="store_true")
    a = p.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    {"baseline": baseline, "tta": tta, "fold": fold_run, "report": report}[a.what](a)


if __name__ == "__main__":
    main()
