"""The pets training side: an ImageNet-pretrained timm network with a linear head, trained with fastai.

The network: the timm body (its last feature map) -> global average pooling -> dropout -> one linear layer whose
outputs are the 37 breeds then (cat, dog). Ending in average pooling and a linear layer makes the class activation
map exact: the serving side's heatmap is the feature map times the head's weights (= Grad-CAM for this network).
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from fastai.metrics import Metric
from fastai.vision.core import PILImage
from fasttransform import Transform

from shared.serving import artifact
from shared.training import checkpoint
from shared.serving import weights
from shared.training import pretrained
from shared.tasks.pets.card import base_model, card  # noqa: F401  (card: the task interface)
from shared.tasks.pets.config import PRESETS, SPECIES, Config, archs, is_cat_breed, species_of  # noqa: F401
from shared.tasks.pets.crop import centre_crop
from shared.tasks.pets.data import items


# ---------------------------------------------------------------- the network
class Bodies(nn.Module):
    """Several timm bodies on the same photo, their feature maps side by side (channels concatenated): a
    linear head on their pooled features is an ensemble of the bodies that one logistic regression fits at once.
    Every body must reduce the photo by the same factor (the EfficientNet-Lites: 32), so the maps line up and the
    class activation map stays exact."""

    def __init__(self, bodies):
        super().__init__()
        self.bodies = nn.ModuleList(bodies)
        self.num_features = sum(b.num_features for b in bodies)

    def forward(self, x):
        return torch.cat([b(x) for b in self.bodies], 1)


class PetsNet(nn.Sequential):
    """(timm body -> feature map, pooled linear head) and, for the pets data, a third part: the pretrained ImageNet
    classifier, kept as it came (never trained: fastai's optimiser gets the first two parts only). Only model.onnx
    uses it (its `imagenet` output: what the photo looks like when it is no cat or dog); fastai sees body -> head."""

    def forward(self, x):
        return self[1](self[0](x))


def build_model(config: dict) -> nn.Module:
    """The network of `config` with random weights: PetsNet(timm body -> feature map, pooled linear head[, ImageNet
    classifier when config["imagenet_labels"] is set])."""
    import timm
    for arch in archs(config["arch"]):
        if not timm.is_model(arch):
            raise artifact.ArtifactError(f"unknown architecture {arch!r} (not a timm model name)")
    bodies = [timm.create_model(a, pretrained=False, num_classes=0, global_pool="") for a in archs(config["arch"])]
    body = bodies[0] if len(bodies) == 1 else Bodies(bodies)
    head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(config.get("dropout", 0.0)),
                         nn.Linear(body.num_features, config["n_out"]))
    imagenet = [nn.Linear(body.num_features, len(config["imagenet_labels"]))] if config.get("imagenet_labels") else []
    return PetsNet(body, head, *imagenet)


def pretrained_body(arch: str) -> dict:
    "The ImageNet weights of `arch`'s body or bodies (no classifier), by the names `build_model`'s body uses."
    bodies = [pretrained.create(a, num_classes=0, global_pool="") for a in archs(arch)]
    return (bodies[0] if len(bodies) == 1 else Bodies(bodies)).state_dict()


def pretrained_imagenet(arch: str) -> tuple[dict, list[str]]:
    """The pretrained ImageNet classifier of `arch` ({weight, bias}; of several bodies, the first one's, reading its
    own features: zero weights on the others') and its 1,000 class names (timm's, short)."""
    import timm
    from timm.data import ImageNetInfo
    info = ImageNetInfo()
    names = [info.index_to_description(i).split(",")[0].strip() for i in range(1000)]
    first, *others = archs(arch)
    state = pretrained.create(first).classifier.state_dict()
    if others:  # their widths only: the networks' shapes, no weights read
        width = sum(timm.create_model(a, pretrained=False, num_classes=0).num_features for a in others)
        state["weight"] = torch.cat([state["weight"], state["weight"].new_zeros(len(names), width)], 1)
    return state, names


class Served(nn.Module):
    """What model.onnx computes: logits, the class activation maps (feature map x head weights, one map per
    output; their spatial mean plus the bias is the logits exactly), the pooled features (for teaching new
    labels on the same body) and, when the network has it, the pretrained ImageNet classifier's logits."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.body, self.linear = model[0], model[1][-1]
        self.imagenet = model[2] if len(model) > 2 else None

    def forward(self, x):
        fmap = self.body(x)
        cams = torch.einsum("nchw,kc->nkhw", fmap, self.linear.weight)
        features = fmap.mean((2, 3))
        out = (self.linear(features), cams, features)
        return out + (self.imagenet(features),) if self.imagenet is not None else out


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
    from shared.training.export import float16_weights, onnx_bytes, pads_into_convs
    model = static_padding(model.float().eval(), config["size"])
    example = torch.zeros(1, 3, config["size"], config["size"])
    outputs = ["logits", "cams", "features"] + (["imagenet"] if len(model) > 2 else [])
    return pads_into_convs(float16_weights(onnx_bytes(
        Served(model), (example,), ["x"], outputs, dynamic_axes={"x": {0: "batch"}, **{o: {0: "batch"} for o in outputs}},
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
def preprocessing(cfg: Config) -> dict:
    "How photos become size x size (ServingConfig's crop_pct, interpolation): the weights' own eval transform."
    if not cfg.crop:
        return {"crop_pct": None, "interpolation": "bilinear"}
    crop_pct, interpolation = pretrained.crop(archs(cfg.arch)[0])
    return {"crop_pct": crop_pct, "interpolation": interpolation}


def stats(arch: str) -> tuple:
    "The normalisation (mean, std) every body of `arch` was trained with (they must agree: one photo feeds them all)."
    found = {pretrained.stats(a) for a in archs(arch)}
    if len(found) > 1:
        raise ValueError(f"the bodies of {arch} expect different normalisations: {found}")
    return found.pop()


class CentreCrop(Transform):
    "A fastai item transform doing exactly what the serving Predictor does to a photo (`crop.centre_crop`)."
    order = 1  # where fastai's Resize sits

    def __init__(self, size: int, crop_pct: float | None, interpolation: str):
        super().__init__()
        self.size, self.crop_pct, self.interpolation = size, crop_pct, interpolation

    def encodes(self, x: PILImage):
        return PILImage(centre_crop(x, self.size, self.crop_pct, self.interpolation))


def crop_transform(cfg: Config) -> CentreCrop:
    return CentreCrop(cfg.size, **preprocessing(cfg))


def dataloaders(cfg: Config, df, labels):
    from fastai.vision.all import (CategoryBlock, ColReader, ColSplitter, DataBlock, ImageBlock, Normalize,
                                   aug_transforms)
    mean, std = stats(cfg.arch)
    block = DataBlock(
        blocks=(ImageBlock, CategoryBlock(vocab=list(labels) + list(species_of(cfg)), sort=False)),
        get_x=ColReader("path"), get_y=ColReader("label"), splitter=ColSplitter("is_valid"),
        item_tfms=crop_transform(cfg),
        batch_tfms=[*aug_transforms(max_zoom=cfg.max_zoom), Normalize.from_stats(mean, std)])
    return block.dataloaders(df, bs=cfg.bs, num_workers=cfg.workers)


def learner(cfg: Config, df=None, labels=None):
    "fastai Learner: the pretrained body (frozen for the first epochs by fine_tune) and a fresh linear head."
    from fastai.learner import Learner
    from fastai.torch_core import params
    if df is None:
        df, labels = items(cfg)
    negatives = df[df.label == "neither"]
    dls = dataloaders(cfg, df[df.label != "neither"], labels)
    species = species_lookup(labels, species_of(cfg))
    imagenet = cfg.pretrained and bool(species_of(cfg)) and all(map(weights.known, archs(cfg.arch)))
    imagenet_state, imagenet_labels = pretrained_imagenet(cfg.arch) if imagenet else (None, None)
    config = {"arch": cfg.arch, "n_out": len(labels) + len(species_of(cfg)), "dropout": cfg.dropout,
              "imagenet_labels": imagenet_labels}
    model = build_model(config)
    if cfg.pretrained:
        model[0].load_state_dict(pretrained_body(cfg.arch))
    if imagenet:
        model[2].load_state_dict(imagenet_state)
        model[2].requires_grad_(False)
    metrics = [BreedAccuracy(len(labels))] + ([SpeciesAccuracy(species)] if len(species) else [])
    learn = Learner(dls, model, loss_func=PetsLoss(len(labels), species, cfg.breed_weight, cfg.label_smoothing,
                                                   cfg.species_mix),
                    metrics=metrics, wd=cfg.wd, splitter=lambda m: [params(m[0]), params(m[1])])
    learn.breeds, learn.imagenet_labels, learn.negatives = list(labels), imagenet_labels, negatives
    learn.neither, learn.cv_metrics = None, {}
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
    fit_neither(learn, cfg)
    if cfg.folds and cfg.cached_features and not cfg.epochs and species_of(cfg) and len(learn.model) > 2:
        learn.cv_metrics = cross_validate(learn, cfg)
        print(f"cross-validation: {learn.cv_metrics}", flush=True)
    return learn


@torch.inference_mode()
def body_features(learn, df, views: int = 1, cache: dict | None = None) -> list[torch.Tensor]:
    """Pooled body features of the photos of `df` through the validation transforms (resize, normalise), for each
    of `views` views (the photo, its mirror image). The frozen body runs in ONNX Runtime (eval mode: exactly the
    network's numbers, several times faster than eager PyTorch on a CPU). Features already in `cache` (path ->
    views x C; see `FeatureCache`) are not computed again, and new ones are added to it."""
    from shared.serving import runtime
    from shared.training.export import onnx_bytes
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


def feature_cache(learn, size: int, cfg: Config | None = None) -> FeatureCache:
    "The cache of features of `learn`'s body at `size` px (and `cfg`'s preprocessing)."
    import hashlib
    import os
    from pathlib import Path
    digest = hashlib.sha256()
    for k, v in learn.model[0].state_dict().items():
        digest.update(k.encode() + v.detach().cpu().numpy().tobytes())
    folder = Path(os.environ.get("CHAPTER_ONE_CACHE", Path.home() / ".cache" / "chapter-one-spaces"))
    how = preprocessing(cfg) if cfg is not None else {"crop_pct": None}
    kind = f"-crop{how['crop_pct']}-{how['interpolation']}" if how["crop_pct"] else ""
    return FeatureCache(folder / f"pets-features-{digest.hexdigest()[:16]}-{size}{kind}.npz")


def features_of(learn, cfg: Config, df) -> np.ndarray:
    "The body's pooled features of `df`'s photos [views x photos x C], from the feature cache (computed once)."
    views = body_features(learn, df, max(1, cfg.views), feature_cache(learn, cfg.size, cfg))
    return np.stack([v.numpy() for v in views])


def fit_head_on_features(learn, cfg: Config):
    """The frozen stage of fine_tune, solved exactly: the body is frozen, so the head is a multinomial logistic
    regression on its pooled features (computed once per photo and view), a convex problem that L-BFGS solves to
    its optimum with an L2 penalty (1 / head_c, as scikit-learn's C) and balanced class weights (`heads`). The label
    rows of the head learn from the labelled photos, every breed weighing the same, with the prior correction
    `breed_prior`; the cat/dog rows from every photo, with the labelled photos (close-up pet portraits) and the
    others (Kaggle's small photos) weighing the same, so neither kind of photo decides alone. A few dozen photos
    per label is where this beats gradient steps: nothing to tune but the penalty."""
    from shared.tasks.pets import heads
    vocab = list(learn.dls.vocab)
    df = learn.dls.train.items.drop_duplicates("path").reset_index(drop=True)
    x = features_of(learn, cfg, df)
    y = np.array([vocab.index(label) for label in df.label])
    linear = learn.model[1][-1]
    n = len(learn.breeds)
    known = y < n
    with torch.no_grad():
        linear.weight[:n], linear.bias[:n] = heads.fit_breeds(x[:, known], y[known], n, cfg)
        if species_of(cfg):
            species = learn.loss_func.species_of[torch.from_numpy(y)].numpy()
            linear.weight[n:], linear.bias[n:] = heads.fit_species(x, species, known, cfg)
    return linear


def fit_neither(learn, cfg: Config) -> dict | None:
    """The 'neither' rule (`heads.fit_neither`) from the training pet photos and the photos with no cat or dog, on
    the body's features (computed once) and the pretrained ImageNet classifier."""
    from shared.tasks.pets import heads
    if len(learn.model) < 3 or not species_of(cfg) or not len(learn.negatives):
        return None
    df = learn.dls.train.items.drop_duplicates("path").reset_index(drop=True)
    kinds = np.where(df.label.isin(learn.breeds), "oxford", "kaggle")
    negatives = learn.negatives[~learn.negatives.is_valid]
    w, b = (p.detach().cpu().numpy() for p in (learn.model[2].weight, learn.model[2].bias))
    learn.neither = heads.fit_neither(features_of(learn, cfg, df), kinds, features_of(learn, cfg, negatives), w, b, cfg)
    return learn.neither


def cross_validate(learn, cfg: Config) -> dict:
    """The card's numbers: stratified k-fold cross-validation over every photo (training and held-out Oxford and
    Kaggle photos, the photos with no cat or dog), on the cached features (`heads.cross_validate`)."""
    import pandas as pd

    from shared.tasks.pets import heads
    from shared.tasks.pets.config import ServingConfig
    items = pd.concat([learn.dls.train.items, learn.dls.valid.items]).drop_duplicates("path")
    pets = items[items.label.isin(list(learn.breeds) + list(SPECIES))]
    rows = pd.concat([pets.assign(kind=np.where(pets.label.isin(learn.breeds), "oxford", "kaggle")),
                      learn.negatives.assign(kind=[Path(p).parent.parent.name for p in learn.negatives.path])])
    rows = rows.reset_index(drop=True)
    x = features_of(learn, cfg, rows)
    w, b = (p.detach().cpu().numpy() for p in (learn.model[2].weight, learn.model[2].bias))
    _, config = artifact_of(learn, cfg)
    return heads.cross_validate(x, rows, list(learn.breeds), w, b, cfg, ServingConfig.from_dict(config))


# ---------------------------------------------------------------- artifact
def export(learn, cfg: Config) -> tuple[dict, dict, bytes]:
    """The artifact, once: weights, config (fit's cross-validation as `training_metrics`) and model.onnx. The
    held-out numbers are measured on the saved folder (`shared.training.evaluate`)."""
    from shared.training.export import servable
    state, config = artifact_of(learn, cfg)
    return state, {**config, "training_metrics": dict(learn.cv_metrics)}, servable("pets", state, config)


def artifact_of(learn, cfg: Config) -> tuple[dict, dict]:
    "The weights (float16) and the serving config of the learner, as the artifact holds them."
    from shared.training.export import half_rounded
    from shared.tasks.pets.config import ServingConfig
    mean, std = stats(cfg.arch)
    serving = ServingConfig(arch=cfg.arch, labels=list(learn.breeds), species=list(species_of(cfg)), size=cfg.size,
                            mean=list(mean), std=list(std), dropout=cfg.dropout, tta="flip" if cfg.tta else None,
                            species_mix=cfg.species_mix if species_of(cfg) else 0.0,
                            base_model=base_model(cfg), **preprocessing(cfg),
                            imagenet_labels=getattr(learn, "imagenet_labels", None),
                            neither=getattr(learn, "neither", None))
    # float16 storage (half the size): the learner's weights are rounded first, so it answers as the artifact does
    state = {k: v.half() if v.is_floating_point() else v
             for k, v in half_rounded(learn.model.float()).state_dict().items()}
    return state, {**serving.to_dict(), "train_config": asdict(cfg)}


def fastai_learner(source, photos: list[str]):
    """A fastai Learner around an artifact's weights, rebuilt without any pickle (for `learn.predict` baselines
    and notebooks). `photos`: any few image files, only used to build the DataLoaders."""
    import pandas as pd
    from shared.tasks.pets.config import train_config
    config, state, _ = checkpoint.load_torch(source, task="pets")
    cfg = train_config({**config["train_config"], "workers": 0, "pretrained": False})
    df = pd.DataFrame({"path": photos, "label": config["labels"][0], "is_valid": [i % 2 == 0 for i in range(len(photos))]})
    learn = learner(cfg, df, config["labels"])
    if config.get("imagenet_labels"):
        learn.model.append(nn.Linear(learn.model[1][-1].in_features, len(config["imagenet_labels"])))
    checkpoint.load_weights(learn.model, state, config)
    return learn
