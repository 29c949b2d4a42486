"""Colorize, training side (fastai, timm, torch): colour bins, the rebalanced loss, the learner (pretrained encoder,
U-Net decoder), its schedule and the temperature's choice, export, ONNX."""
from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
import torch
import torch.nn.functional as F

from shared.serving import artifact
from shared.training import pretrained
from shared.serving.images import open_image

from .card import base_model, card  # noqa: F401  (card: the training CLI writes it)
from .colour import lab_to_rgb, lightness
from .config import COLOUR_TOLERANCE, L_MEAN, L_STD, PRESETS, Config, ServingConfig  # noqa: F401  (PRESETS: the CLI)
from .data import per_group, repeats, scan
from .network import Decoder, Encoder, Net, widths


# ---------------------------------------------------------------- colour bins
def ab_bins(grid: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    """The a/b bins inside the sRGB gamut: centres (Q, 2), and a lookup table over the full square grid
    of centres (-110..110) that maps every grid cell to its nearest in-gamut bin (Q of them)."""
    axis = torch.arange(-110, 111, grid, dtype=torch.float32)
    a, b = torch.meshgrid(axis, axis, indexing="ij")
    L = torch.linspace(1, 99, 50).view(50, 1, 1).expand(50, *a.shape)
    lab = torch.stack([L, a.expand_as(L), b.expand_as(L)], 1)  # (50, 3, n, n)
    lin = lab_to_rgb(lab, clip=False)
    ok = ((lin >= -1e-4) & (lin <= 1 + 1e-4)).all(1).any(0)  # some lightness shows this colour in sRGB
    centres = torch.stack([a[ok], b[ok]], -1)
    grid_ab = torch.stack([a.flatten(), b.flatten()], -1)
    lut = torch.cdist(grid_ab, centres).argmin(-1).view(a.shape)
    return centres, lut


def soft_encode(ab: torch.Tensor, lut: torch.Tensor, grid: int):
    """True colours (B, 2, H, W) -> the four nearest grid bins and their bilinear weights, (B, 4, H, W) each:
    a soft target whose mean is the true colour (bins outside the gamut hand their weight to the nearest one)."""
    n = lut.shape[0]
    pos = ((ab + 110) / grid).clamp(0, n - 1 - 1e-4)
    i0, frac = pos.floor().long(), pos - pos.floor()
    ia, ib = i0[:, 0], i0[:, 1]
    fa, fb = frac[:, 0], frac[:, 1]
    lut = lut.to(ab.device)
    idx = torch.stack([lut[ia, ib], lut[ia + 1, ib], lut[ia, ib + 1], lut[ia + 1, ib + 1]], 1)
    w = torch.stack([(1 - fa) * (1 - fb), fa * (1 - fb), (1 - fa) * fb, fa * fb], 1)
    return idx, w


def decode_ab(logits: torch.Tensor, centres: torch.Tensor, temperature: float) -> torch.Tensor:
    "Annealed mean: logits (B, Q, H, W) -> colour (B, 2, H, W)."
    p = (logits.float() / temperature).softmax(1)
    return torch.einsum("bqhw,qc->bchw", p, centres.to(p))


def rebalance_weights(prior: torch.Tensor, lam: float) -> torch.Tensor:
    "Zhang et al.'s class weights: inverse of (prior mixed with uniform), normalised so the expected weight is 1."
    q = prior.numel()
    w = 1 / ((1 - lam) * prior + lam / q)
    return w / (prior * w).sum()


def smooth_prior(counts: torch.Tensor, lut: torch.Tensor, q: int) -> torch.Tensor:
    "Bin frequencies from per-grid-cell counts, smoothed with a Gaussian of sigma 5 Lab units as in the paper."
    k = torch.tensor([math.exp(-2.0), 1.0, math.exp(-2.0)])
    kernel = (k[:, None] * k[None]).view(1, 1, 3, 3)
    smooth = F.conv2d(counts.view(1, 1, *counts.shape).float(), kernel, padding=1)[0, 0]
    prior = torch.zeros(q).index_add_(0, lut.flatten(), smooth.flatten())
    prior = prior + 1e-6
    return prior / prior.sum()


# ---------------------------------------------------------------- data
class ReadPhoto:
    "DataBlock get_x: a row's photo as RGB, decoded at reduced size (JPEG draft) when it is far larger than needed."
    def __init__(self, side: int): self.side = side
    def __call__(self, row): return open_image(row["path"], max_side=self.side)


def split_lab(b):
    "Batch transform (after augmentation): (RGB,) -> (normalised L, true a/b). Written once, used by every batch."
    from fastai.torch_core import TensorBase, TensorImage
    x, ab = lightness(b[0], L_MEAN, L_STD)
    return TensorImage(x), TensorBase(ab)


def dataloaders(cfg: Config, df):
    """Photos -> random crops and flips -> (normalised L, true a/b); df.is_valid is fastai's validation set; training
    photos of the kinds in cfg.oversample appear that many times."""
    from fastai.vision.all import (ColSplitter, DataBlock, Flip, ImageBlock, ItemTransform, RandomResizedCrop)

    class SplitLab(ItemTransform):
        order = 100  # after IntToFloatTensor and the flips
        def encodes(self, b): return split_lab(b)

    block = DataBlock(blocks=(ImageBlock,), get_x=ReadPhoto(2 * cfg.size), splitter=ColSplitter("is_valid"),
                      item_tfms=RandomResizedCrop(cfg.size, min_scale=0.35, ratio=(0.8, 1.25)),
                      batch_tfms=[Flip(), SplitLab()])
    times = np.where(df.is_valid, 1, repeats(df.path, cfg.oversample))
    return block.dataloaders(df.loc[df.index.repeat(times)].reset_index(drop=True), bs=cfg.bs, num_workers=cfg.workers)


# ---------------------------------------------------------------- loss and metrics
def at_size(ab: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    "The true colour averaged down to the predictions' resolution (the network decodes at a quarter of its input)."
    return ab if ab.shape[-2:] == like.shape[-2:] else F.adaptive_avg_pool2d(ab, like.shape[-2:])


class ColorLoss(torch.nn.Module):
    "Rebalanced cross-entropy between the predicted bin distribution and the soft-encoded true colour."

    def __init__(self, centres, lut, weights, grid: int, temperature: float):
        super().__init__()
        self.grid, self.temperature = grid, temperature
        self.register_buffer("centres", centres)
        self.register_buffer("lut", lut)
        self.register_buffer("weights", weights)

    def forward(self, logits, ab):
        idx, w = soft_encode(at_size(ab, logits), self.lut, self.grid)
        logp = F.log_softmax(logits.float(), 1)
        nll = -(w * logp.gather(1, idx)).sum(1)
        pixel_weight = (w * self.weights.to(w)[idx]).sum(1)
        return (pixel_weight * nll).mean()

    def activation(self, logits):  # what learn.get_preds returns: the annealed-mean colour
        return decode_ab(logits, self.centres, self.temperature)

    def decodes(self, ab):
        return ab


def ab_error(loss: ColorLoss):
    "Mean absolute a/b error (Lab units) of the annealed-mean colour: a progress number while training."
    from fastai.metrics import Metric

    class AbError(Metric):
        def reset(self): self.total, self.n = 0.0, 0
        def accumulate(self, learn):
            err = (loss.activation(learn.pred) - at_size(learn.yb[0], learn.pred)).abs().mean()
            self.total += err.item() * len(learn.yb[0])
            self.n += len(learn.yb[0])
        @property
        def value(self): return self.total / self.n if self.n else float("nan")
        @property
        def name(self): return "ab_error"
    return AbError()


# ---------------------------------------------------------------- learner and schedule
def learner(cfg: Config):
    """A fastai Learner: the U-Net (pretrained encoder, fresh decoder; two parameter groups, so `freeze` trains the
    decoder alone), the rebalanced colour loss, the training and tuning photos (the held-out ones are kept apart)."""
    from fastai.learner import Learner
    from fastai.torch_core import params
    centres, lut = ab_bins(cfg.grid)
    df, counts, skipped = scan(cfg, lut.shape[0])
    if not all((df.split == s).any() for s in ("train", "tune", "test")):
        raise ValueError(f"need training, tuning and held-out photos; got {len(df)} photos in {cfg.folders}")
    fit_df = df[df.split != "test"].assign(is_valid=lambda d: d.split == "tune").reset_index(drop=True)
    prior = smooth_prior(torch.from_numpy(counts), lut, len(centres))
    weights = rebalance_weights(prior, cfg.rebalance)
    loss = ColorLoss(centres, lut, weights, cfg.grid, cfg.temperature or 0.38)
    config = {"arch": cfg.arch, "decoder": cfg.decoder, "n_out": len(centres), **norms(cfg.arch)}
    model = build_model(config)
    if cfg.pretrained:
        model.encoder.body.load_state_dict(pretrained_encoder(cfg.arch, model.encoder.body))
    learn = Learner(dataloaders(cfg, fit_df), model, loss_func=loss, metrics=[ab_error(loss)], wd=cfg.wd,
                    splitter=lambda m: [params(m.encoder), params(m.decoder)])
    learn.freeze()
    learn.colour = dict(centres=centres, prior=prior, weights=weights, skipped=skipped, fit_df=fit_df,
                        valid_paths=per_group(df.path[df.split == "test"], cfg.eval_photos), n_train=int((df.split == "train").sum()))
    if cfg.mixed_precision and torch.cuda.is_available():
        learn = learn.to_fp16()
    return learn


def norms(arch: str) -> dict:
    "The network's input normalisations: of L (serving feeds it) and of the grey photo (the encoder's weights')."
    mean, std = pretrained.stats(arch)
    return {"l_mean": L_MEAN, "l_std": L_STD, "rgb_mean": list(mean), "rgb_std": list(std)}


def pretrained_encoder(arch: str, body: torch.nn.Module) -> dict:
    "The ImageNet weights of `arch` under the names of its timm features_only `body` (the classifier's end left out)."
    full = pretrained.create(arch, num_classes=0).state_dict()
    return {k: full[k] for k in body.state_dict()}


def fit(learn, cfg: Config):
    """fastai's fine_tune: `freeze_epochs` of the decoder on the frozen pretrained encoder, then `epochs` of the
    whole network (discriminative rates). With `cached_features` (the cpu preset) the frozen stage runs on the
    encoder's features computed once per photo and view (`features.fit_decoder`). The annealed-mean temperature
    is chosen by `export`, through the served network."""
    if cfg.cached_features:
        from .features import fit_decoder
        if cfg.freeze_epochs:  # 0 (with --init-from): the weights as they are, the serving rules chosen again
            fit_decoder(learn, cfg, learn.colour["fit_df"])
        if cfg.epochs:
            learn.unfreeze()
            learn.fit_one_cycle(cfg.epochs, slice(cfg.lr / 100, cfg.lr / 10))
    elif cfg.freeze_epochs or cfg.epochs:
        learn.fine_tune(cfg.epochs, cfg.lr, freeze_epochs=cfg.freeze_epochs)
    return learn


def choose_temperature(predictor, tuning_paths, cfg: Config) -> dict:
    """The annealed-mean temperature (and the confidence rule, with `cfg.confidence`), chosen on the tuning photos
    (never the held-out ones) through the serving `predictor`: the most accurate setting (the best PSNR gain over
    the grey input in its worst kind of photo) among those whose colourfulness is at least `min_colourfulness` of
    the truth's in every kind (`pick_temperature`); with `rule_choice='margins'` (and the rule), the setting that
    clears every bar of `config.BARS` by the widest margin (`pick_rule`). Returns the serving config's
    temperature, confidence and the table."""
    from .evaluate import rule_table, temperature_table
    if cfg.rule_choice not in ("colourful", "margins"):
        raise ValueError(f"rule_choice {cfg.rule_choice!r}: 'colourful' or 'margins'")
    few = per_group(tuning_paths, cfg.tune_photos)
    table = rule_table(predictor, few) if cfg.confidence else temperature_table(predictor, few)
    margins = cfg.confidence and cfg.rule_choice == "margins"
    best = pick_rule(table) if margins else pick_temperature(table, cfg.min_colourfulness)
    print("temperature and strength on the tuning photos (worst kind of photo):", *table, f"chosen: {best}",
          sep="\n  ", flush=True)
    confidence = {"sigma0": best["sigma0"], "gain": best["gain"]} if best.get("sigma0") else None
    return {"temperature": best["temperature"], "confidence": confidence, "temperature_table": table}


def pick_rule(table: list[dict]) -> dict:
    """The row of `rule_table` to serve: the one that clears every bar of `config.BARS` by the widest margin (the
    largest smallest margin, in standard errors on the tuning photos: `evaluate.bar_margins`); so that a bar an
    unseen set of photos is measured against is not cleared by a hair on the tuning photos only. Ties: the more
    accurate in its worst kind; rows without a margin (no kind of BARS among the photos) last."""
    return max(table, key=lambda r: (-math.inf if r["margin"] is None else r["margin"], r["psnr_gain"]))


def pick_temperature(table: list[dict], min_colourfulness: float) -> dict:
    """The row of `temperature_table` to serve: the most accurate (best worst-kind PSNR gain) of those colourful
    enough (worst-kind colourfulness ratio >= `min_colourfulness`); when none is, the most accurate of the most
    colourful ones (within COLOUR_TOLERANCE of the best), not a far less accurate one for a hair more colour."""
    colour = lambda r: r["colourfulness_ratio"]
    most = max(map(colour, table))
    ok = [r for r in table if colour(r) >= min_colourfulness] or [r for r in table if colour(r) >= most - COLOUR_TOLERANCE]
    return max(ok, key=lambda r: r["psnr_gain"])


# ---------------------------------------------------------------- artifact
def export(learn, cfg: Config) -> tuple[dict, dict, bytes]:
    """The artifact, once: weights, config and model.onnx. Unless the config fixes it, the temperature (and the
    confidence rule) is chosen here on the tuning photos, through the served network (model.onnx takes the
    temperature as an input: the same file serves whichever is chosen) and returned in the config."""
    from shared.training.export import servable
    from .serve import Predictor
    state, config = artifact_of(learn, cfg)
    onnx = servable("colorize", state, config)
    if not cfg.temperature:
        df = learn.colour["fit_df"]
        config = {**config, **choose_temperature(Predictor(config, onnx), list(df.path[df.is_valid]), cfg)}
    return state, config, onnx


def artifact_of(learn, cfg: Config) -> tuple[dict, dict]:
    "Weights in float16 (the artifact stays small; serving computes in float32) and every serving rule as JSON."
    from shared.training.export import half_rounded
    c = learn.colour
    serving = ServingConfig(size=cfg.size, ab_centres=c["centres"].tolist(),
                            temperature=cfg.temperature or learn.loss_func.temperature, confidence=None,
                            mirror=cfg.mirror)
    config = {"task": "colorize", "arch": cfg.arch, "decoder": cfg.decoder, **serving.to_dict(),
              **norms(cfg.arch), "n_out": len(c["centres"]), "grid": cfg.grid, "output_stride": 4,
              "colour_space": "CIE Lab D65, sRGB", "base_model": base_model(cfg),
              "class_weights": [round(w, 5) for w in c["weights"].tolist()], "temperature_table": [],
              "skipped_greyscale": c["skipped"], "n_train_photos": c["n_train"],
              "n_valid_photos": len(c["valid_paths"]), "train_config": asdict(cfg)}
    state = {k: (v.half() if v.is_floating_point() else v)
             for k, v in half_rounded(learn.model.float()).state_dict().items()}
    return state, config


def build_model(config: dict) -> torch.nn.Module:
    "The U-Net of `config` (pretrained-encoder architecture, decoder widths, bins), with random weights."
    import timm
    if not timm.is_model(config["arch"]):
        raise artifact.ArtifactError(f"unknown architecture {config['arch']!r} (not a timm model name)")
    encoder = Encoder(config["arch"], (config["l_mean"], config["l_std"]), (config["rgb_mean"], config["rgb_std"]))
    return Net(encoder, Decoder(encoder.channels, widths(config["decoder"]), config["n_out"]))


def colour_spread(logits: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """How unsure the model is of each pixel's colour: the standard deviation (Lab units) of its predicted colour
    distribution at temperature 1 (B, 1, H, W): small where one colour is likely, large where many are."""
    p = logits.float().softmax(1)
    c = centres.to(p)
    mean = torch.einsum("bqhw,qc->bchw", p, c)
    second = torch.einsum("bqhw,q->bhw", p, (c ** 2).sum(1))[:, None]
    return (second - (mean ** 2).sum(1, keepdim=True)).clamp(min=0).sqrt()


class Colourer(torch.nn.Module):
    """What model.onnx holds: the U-Net, the annealed-mean decoding and the colour's spread (the model's doubt);
    normalised L and a temperature in, a/b and spread out."""

    def __init__(self, net: torch.nn.Module, centres: torch.Tensor):
        super().__init__()
        self.net = net
        self.register_buffer("centres", centres)

    def forward(self, l, temperature):
        logits = self.net(l)
        return decode_ab(logits, self.centres, temperature), colour_spread(logits, self.centres)


def to_onnx(model: torch.nn.Module, config: dict) -> bytes:
    """model.onnx: l (batch, 1, h, w), temperature (scalar) -> ab (batch, 2, h/4, w/4) and spread (batch, 1, h/4,
    w/4); any batch, h and w (multiples of 32). Weights stored as float16 (cast to float32 when the session
    starts): half the size."""
    from shared.training.export import float16_weights, onnx_bytes
    colourer = Colourer(model.float().eval(), torch.tensor(config["ab_centres"], dtype=torch.float32))
    h, w = config["size"], config["size"] + 32  # not square: nothing in the graph may assume h == w
    return float16_weights(onnx_bytes(colourer, (torch.zeros(1, 1, h, w), torch.tensor(config["temperature"])),
                                      ["l", "temperature"], ["ab", "spread"],
                                      {"l": {0: "batch", 2: "height", 3: "width"},
                                       "ab": {0: "batch", 2: "height", 3: "width"},
                                       "spread": {0: "batch", 2: "height", 3: "width"}}, fold_constants=False))
