"""The pets training side: an ImageNet-pretrained timm network with a linear head, trained with fastai.

The network: the timm body (its last feature map) -> global average pooling -> dropout -> one linear layer whose
outputs are the 37 breeds then (cat, dog). Ending in average pooling and a linear layer makes the class activation
map exact: the serving side's heatmap is the feature map times the head's weights (= Grad-CAM for this network).
"""
from __future__ import annotations

from dataclasses import asdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from fastai.metrics import Metric

from shared import artifact, pretrained
from shared.tasks.pets.card import base_model, card  # noqa: F401  (card: the task interface)
from shared.tasks.pets.config import PRESETS, SPECIES, Config, is_cat_breed, species_of  # noqa: F401
from shared.tasks.pets.data import items


# ---------------------------------------------------------------- the network
def build_model(config: dict) -> nn.Module:
    "The network of `config` with random weights: nn.Sequential(timm body -> feature map, pooled linear head)."
    import timm
    if not timm.is_model(config["arch"]):
        raise artifact.ArtifactError(f"unknown architecture {config['arch']!r} (not a timm model name)")
    body = timm.create_model(config["arch"], pretrained=False, num_classes=0, global_pool="")
    head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(config.get("dropout", 0.0)),
                         nn.Linear(body.num_features, config["n_out"]))
    return nn.Sequential(body, head)


def pretrained_body(arch: str) -> dict:
    "The ImageNet weights of `arch`'s body (no classifier), by the names `build_model`'s body uses."
    body = pretrained.create(arch, num_classes=0, global_pool="")
    return body.state_dict()


class Served(nn.Module):
    """What model.onnx computes: logits, the class activation maps (feature map x head weights, one map per
    output; their spatial mean plus the bias is the logits exactly) and the pooled features (for teaching new
    labels on the same body)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.body, self.linear = model[0], model[1][-1]

    def forward(self, x):
        fmap = self.body(x)
        cams = torch.einsum("nchw,kc->nkhw", fmap, self.linear.weight)
        features = fmap.mean((2, 3))
        return self.linear(features), cams, features


class StaticSame(nn.Conv2d):
    "A convolution after a fixed zero padding `pads` (left, right, top, bottom): timm's Conv2dSame for one input size."
    pads: tuple[int, int, int, int]

    def forward(self, x):
        return F.conv2d(F.pad(x, self.pads), self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def static_padding(model: nn.Module, size: int) -> nn.Module:
    """A copy of `model` in which timm's TF-style 'same' convolutions (Conv2dSame: the padding worked out from the
    input's height and width at every call, exported as a chain of Shape, Ceil, Pad... nodes) pad by the fixed
    amounts that size x size photos need. The same numbers; the exported pads are constants (`pads_into_convs`)."""
    import copy

    from timm.layers.conv2d_same import Conv2dSame
    from timm.layers.padding import pad_same_arg
    model = copy.deepcopy(model)
    sizes = {}
    hooks = [m.register_forward_pre_hook(lambda m, args: sizes.__setitem__(m, list(args[0].shape[-2:])))
             for m in model.modules() if isinstance(m, Conv2dSame)]
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for h in hooks:
        h.remove()
    for m, hw in sizes.items():
        m.pads = tuple(pad_same_arg(hw, list(m.kernel_size), list(m.stride), list(m.dilation)))
        m.__class__ = StaticSame  # same parameters, same names
    return model


def to_onnx(model: nn.Module, config: dict) -> bytes:
    """model.onnx: x (batch, 3, size, size) -> logits, cams, features. Weights stored as float16 (BatchNorm left
    unfolded so the stored numbers are the safetensors' own; ONNX Runtime fuses it at start): half the size. The
    'same' paddings are fixed for size x size photos and moved into the convolutions (about 10% faster)."""
    from shared.export import float16_weights, onnx_bytes, pads_into_convs
    model = static_padding(model.float().eval(), config["size"])
    example = torch.zeros(1, 3, config["size"], config["size"])
    return pads_into_convs(float16_weights(onnx_bytes(
        Served(model), (example,), ["x"], ["logits", "cams", "features"],
        dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}, "cams": {0: "batch"}, "features": {0: "batch"}},
        fold_constants=False)))


# ---------------------------------------------------------------- loss and metrics
class PetsLoss(nn.Module):
    "Cross-entropy on cat/dog for every photo, plus on the breed for photos whose breed is known."

    def __init__(self, n_breeds: int, species_of: torch.Tensor, breed_weight: float = 1.0, smoothing: float = 0.0,
                 species_mix: float = 0.0):
        super().__init__()
        self.n_breeds, self.breed_weight, self.smoothing, self.species_mix = n_breeds, breed_weight, smoothing, species_mix
        self.register_buffer("species_of", species_of)

    def forward(self, out, targ):
        if not len(self.species_of):  # your own labels: one plain cross-entropy
            return F.cross_entropy(out, targ, label_smoothing=self.smoothing)
        loss = F.cross_entropy(out[:, self.n_breeds:], self.species_of[targ], label_smoothing=self.smoothing)
        known = targ < self.n_breeds
        if known.any():
            loss = loss + self.breed_weight * F.cross_entropy(out[known, :self.n_breeds], targ[known],
                                                              label_smoothing=self.smoothing)
        return loss

    def activation(self, out):
        "What learn.predict / get_preds report, as the Space serves it: label softmax, then cat/dog (see species_mix)."
        if not len(self.species_of):
            return out.softmax(-1)
        breeds = out[:, :self.n_breeds].softmax(-1)
        from_breeds = breeds @ F.one_hot(self.species_of[:self.n_breeds], 2).to(breeds.dtype)
        log_head, log_breeds = out[:, self.n_breeds:].log_softmax(-1), from_breeds.clamp(min=1e-12).log()
        species = ((1 - self.species_mix) * log_head.clamp(min=float(np.log(1e-12)))
                   + self.species_mix * log_breeds).softmax(-1)
        return torch.cat([breeds, species], -1)

    def decodes(self, probs):
        return probs[:, :self.n_breeds].argmax(-1)


def species_lookup(breeds, species=SPECIES) -> torch.Tensor:
    "Label index -> species index (0 cat, 1 dog) for the vocab breeds + ('cat', 'dog'); empty without species."
    if not species:
        return torch.zeros(0, dtype=torch.long)
    return torch.tensor([0 if is_cat_breed(b) else 1 for b in breeds] + [0, 1])


class BreedAccuracy(Metric):
    "Top-1 over the photos whose label is a breed (or one of your own labels)."
    def __init__(self, n_breeds): self.n_breeds, self.ok, self.n = n_breeds, 0, 0
    def reset(self): self.ok = self.n = 0

    def accumulate(self, learn):
        out, targ = learn.pred, learn.yb[0]
        keep = targ < self.n_breeds
        self.ok += (out[keep, :self.n_breeds].argmax(-1) == targ[keep]).sum().item()
        self.n += int(keep.sum())

    @property
    def value(self): return self.ok / self.n if self.n else float("nan")
    @property
    def name(self): return "breed_acc"


class SpeciesAccuracy(Metric):
    def __init__(self, species_of): self.species_of, self.ok, self.n = species_of, 0, 0
    def reset(self): self.ok = self.n = 0

    def accumulate(self, learn):
        out, targ = learn.pred, learn.yb[0]
        n_breeds = len(self.species_of) - 2
        self.ok += (out[:, n_breeds:].argmax(-1) == self.species_of.to(targ.device)[targ]).sum().item()
        self.n += len(targ)

    @property
    def value(self): return self.ok / self.n if self.n else float("nan")
    @property
    def name(self): return "cat_dog_acc"


# ---------------------------------------------------------------- data and learner
def dataloaders(cfg: Config, df, labels):
    from fastai.vision.all import (CategoryBlock, ColReader, ColSplitter, DataBlock, ImageBlock, Normalize,
                                   Resize, ResizeMethod, aug_transforms)
    mean, std = pretrained.stats(cfg.arch)
    block = DataBlock(
        blocks=(ImageBlock, CategoryBlock(vocab=list(labels) + list(species_of(cfg)), sort=False)),
        get_x=ColReader("path"), get_y=ColReader("label"), splitter=ColSplitter("is_valid"),
        item_tfms=Resize(cfg.size, method=ResizeMethod.Squish),
        batch_tfms=[*aug_transforms(max_zoom=cfg.max_zoom), Normalize.from_stats(mean, std)])
    return block.dataloaders(df, bs=cfg.bs, num_workers=cfg.workers)


def learner(cfg: Config, df=None, labels=None):
    "fastai Learner: the pretrained body (frozen for the first epochs by fine_tune) and a fresh linear head."
    from fastai.learner import Learner
    from fastai.torch_core import params
    if df is None:
        df, labels = items(cfg)
    dls = dataloaders(cfg, df, labels)
    species = species_lookup(labels, species_of(cfg))
    config = {"arch": cfg.arch, "n_out": len(labels) + len(species_of(cfg)), "dropout": cfg.dropout}
    model = build_model(config)
    if cfg.pretrained:
        model[0].load_state_dict(pretrained_body(cfg.arch))
    metrics = [BreedAccuracy(len(labels))] + ([SpeciesAccuracy(species)] if len(species) else [])
    learn = Learner(dls, model, loss_func=PetsLoss(len(labels), species, cfg.breed_weight, cfg.label_smoothing,
                                                   cfg.species_mix),
                    metrics=metrics, wd=cfg.wd, splitter=lambda m: [params(m[0]), params(m[1])])
    learn.breeds = list(labels)
    if cfg.mixed_precision and torch.cuda.is_available():
        learn = learn.to_fp16()
    return learn


# ---------------------------------------------------------------- schedule
def fit(learn, cfg: Config):
    """fastai's fine_tune: `freeze_epochs` of the head on the frozen pretrained body, then `epochs` of the whole
    network at half the rate with discriminative rates. With `cached_features` (the cpu preset) the frozen stage is
    solved exactly on the body's features, computed once per photo and view (`fit_head_on_features`)."""
    if cfg.cached_features:
        fit_head_on_features(learn, cfg)
        if cfg.epochs:
            learn.unfreeze()
            learn.fit_one_cycle(cfg.epochs, slice(cfg.lr / 200, cfg.lr / 2))
    elif cfg.freeze_epochs or cfg.epochs:
        learn.fine_tune(cfg.epochs, cfg.lr, freeze_epochs=cfg.freeze_epochs)
    return learn


@torch.inference_mode()
def body_features(learn, df, views: int = 1, cache: dict | None = None) -> list[torch.Tensor]:
    """Pooled body features of the photos of `df` through the validation transforms (resize, normalise), for each
    of `views` views (the photo, its mirror image). The frozen body runs in ONNX Runtime (eval mode: exactly the
    network's numbers, several times faster than eager PyTorch on a CPU). Features already in `cache` (path ->
    views x C; see `FeatureCache`) are not computed again, and new ones are added to it."""
    from shared import runtime
    from shared.export import onnx_bytes
    pooled = nn.Sequential(learn.model[0], nn.AdaptiveAvgPool2d(1), nn.Flatten()).eval()
    cache = {} if cache is None else cache
    todo = df[~df.path.isin(list(cache))]
    forward, new = None, [[] for _ in range(views)]
    for (x,) in (learn.dls.test_dl(todo, bs=learn.dls.bs) if len(todo) else []):
        x = x.as_subclass(torch.Tensor)
        if forward is None:
            forward = pooled
            if x.device.type == "cpu":
                onnx = runtime.OnnxModel(onnx_bytes(pooled, (x[:1],), ["x"], ["f"], {"x": {0: "n"}, "f": {0: "n"}}),
                                         threads=torch.get_num_threads())
                forward = lambda t: torch.from_numpy(onnx(t.numpy()))  # noqa: E731
        for v in range(views):
            new[v].append(forward(x.flip(3) if v % 2 else x).float().cpu())
    if len(todo):
        cache.update(dict(zip(todo.path, torch.stack([torch.cat(n) for n in new], 1).numpy())))
    return [torch.from_numpy(np.stack([cache[p][v] for p in df.path])) for v in range(views)]


class FeatureCache(dict):
    """path -> (views x C) features of one body at one size, kept in one .npz (numpy arrays only, never a pickle)
    under $CHAPTER_ONE_CACHE. Keyed by a digest of the body's weights and the input size, so any other weights
    (a fine-tuned body, --init-from) get their own cache."""

    def __init__(self, file):
        super().__init__()
        self.file = file
        if file.is_file():
            with np.load(file, allow_pickle=False) as z:
                self.update(zip(z["paths"].tolist(), z["features"]))

    def update(self, other):
        super().update(other)
        if other:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_suffix(".tmp.npz")
            np.savez(tmp, paths=np.array(list(self)), features=np.stack(list(self.values())))
            tmp.replace(self.file)


def feature_cache(learn, size: int) -> FeatureCache:
    "The cache of features of `learn`'s body at `size` px."
    import hashlib
    import os
    from pathlib import Path
    digest = hashlib.sha256()
    for k, v in learn.model[0].state_dict().items():
        digest.update(k.encode() + v.detach().cpu().numpy().tobytes())
    folder = Path(os.environ.get("CHAPTER_ONE_CACHE", Path.home() / ".cache" / "chapter-one-spaces"))
    return FeatureCache(folder / f"pets-features-{digest.hexdigest()[:16]}-{size}.npz")


def fit_head_on_features(learn, cfg: Config):
    """The frozen stage of fine_tune, solved exactly: the body is frozen, so the head is a multinomial logistic
    regression on its pooled features (computed once per photo and view), a convex problem that L-BFGS solves to
    its optimum with an L2 penalty (1 / head_c, as scikit-learn's C) and balanced class weights. The label rows of
    the head learn from the labelled photos; the cat/dog rows from every photo, with the labelled photos (close-up
    pet portraits) and the others (Kaggle's small photos) weighing the same, so neither kind of photo decides alone.
    A few dozen photos per label is where this beats gradient steps: nothing to tune but the penalty."""
    vocab = list(learn.dls.vocab)
    df = learn.dls.train.items.drop_duplicates("path").reset_index(drop=True)
    views = body_features(learn, df, max(1, cfg.views), feature_cache(learn, cfg.size))
    x = torch.cat(views)
    y = torch.tensor([vocab.index(label) for label in df.label]).repeat(len(views))
    linear = learn.model[1][-1]
    n = len(learn.breeds)
    with torch.no_grad():
        known = y < n
        w, b = solve_logistic(x[known], y[known], n, cfg.head_c)
        linear.weight[:n], linear.bias[:n] = w, b
        if species_of(cfg):
            species = learn.loss_func.species_of[y]
            w, b = solve_logistic(x, species, 2, cfg.head_c, groups=known.long() * 2 + species)
            linear.weight[n:], linear.bias[n:] = w, b
    return linear


def solve_logistic(x: torch.Tensor, y: torch.Tensor, n_classes: int, c: float, steps: int = 200, groups=None):
    """Multinomial logistic regression with balanced weights and an L2 penalty on the weights:
    minimise sum_i w_i CE(x_i W^T + b, y_i) + ||W||^2 / (2c), by L-BFGS. Returns (W, b). The weights w_i give every
    class (or every group of `groups`, ids from 0) the same total weight, as scikit-learn's 'balanced'."""
    x, y = x.double(), y.long()
    cell = y if groups is None else groups.long()
    counts = torch.bincount(cell).double()
    sample_w = (len(cell) / ((counts > 0).sum() * counts))[cell]
    w = torch.zeros(n_classes, x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(n_classes, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=steps, tolerance_grad=1e-6, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = (F.cross_entropy(x @ w.T + b, y, reduction="none") * sample_w).sum() + (w * w).sum() / (2 * c)
        loss.backward()
        return loss
    with torch.enable_grad():
        opt.step(closure)
    return w.detach().float(), b.detach().float()


# ---------------------------------------------------------------- artifact and evaluation
def export(learn, cfg: Config) -> tuple[dict, dict]:
    from shared.export import half_rounded
    from shared.tasks.pets.config import ServingConfig
    mean, std = pretrained.stats(cfg.arch)
    serving = ServingConfig(arch=cfg.arch, labels=list(learn.breeds), species=list(species_of(cfg)), size=cfg.size,
                            mean=list(mean), std=list(std), dropout=cfg.dropout, tta="flip" if cfg.tta else None,
                            species_mix=cfg.species_mix if species_of(cfg) else 0.0,
                            base_model=base_model(cfg))
    # float16 storage (half the size): the learner's weights are rounded first, so it answers as the artifact does
    state = {k: v.half() if v.is_floating_point() else v
             for k, v in half_rounded(learn.model.float()).state_dict().items()}
    return state, {**serving.to_dict(), "train_config": asdict(cfg)}


def evaluate(learn, cfg: Config) -> dict:
    "The card's metrics, measured through the serving path (the exported weights in model.onnx, as a Space runs it)."
    from shared.evaluate import serving_predictor
    from shared.tasks.pets.evaluate import evaluate_items
    state, config = export(learn, cfg)
    return evaluate_items(serving_predictor("pets", state, config), learn.dls.valid.items)


def fastai_learner(source, photos: list[str]):
    """A fastai Learner around an artifact's weights, rebuilt without any pickle (for `learn.predict` baselines
    and notebooks). `photos`: any few image files, only used to build the DataLoaders."""
    import pandas as pd
    from shared.tasks.pets.config import train_config
    config, state, _ = artifact.load_torch(source, task="pets")
    cfg = train_config({**config["train_config"], "workers": 0, "pretrained": False})
    df = pd.DataFrame({"path": photos, "label": config["labels"][0], "is_valid": [i % 2 == 0 for i in range(len(photos))]})
    learn = learner(cfg, df, config["labels"])
    artifact.load_weights(learn.model, state, config)
    return learn
