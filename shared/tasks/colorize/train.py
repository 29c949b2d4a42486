"""Colorize, training side (fastai, timm, torch): colour bins, the rebalanced loss, the U-Net learner, export, ONNX."""
from __future__ import annotations

import math
from dataclasses import asdict

import torch
import torch.nn.functional as F

from shared import artifact
from shared.images import open_image
from shared.schedule import fit  # noqa: F401  (the task's training schedule)

from .card import card  # noqa: F401  (the training CLI writes it)
from .colour import lab_to_rgb, lightness
from .config import L_MEAN, L_STD, PRESETS, Config, ServingConfig  # noqa: F401  (PRESETS: the CLI)
from .data import scan


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
    from fastai.vision.all import (ColSplitter, DataBlock, Flip, ImageBlock, ItemTransform, RandomResizedCrop)

    class SplitLab(ItemTransform):
        order = 100  # after IntToFloatTensor and the flips
        def encodes(self, b): return split_lab(b)

    block = DataBlock(blocks=(ImageBlock,), get_x=ReadPhoto(2 * cfg.size), splitter=ColSplitter("is_valid"),
                      item_tfms=RandomResizedCrop(cfg.size, min_scale=0.3, ratio=(0.8, 1.25)),
                      batch_tfms=[Flip(), SplitLab()])
    return block.dataloaders(df, bs=cfg.bs, num_workers=cfg.workers)


# ---------------------------------------------------------------- network, loss, metrics
def encoder(arch: str, channels: str = "", stem_width: int = 0):
    "A fastai `arch` (called with pretrained=...) building a timm ResNet-family encoder."
    def make(pretrained: bool = False):
        import timm
        kwargs = {}
        if channels:
            kwargs["channels"] = tuple(int(c) for c in channels.split(","))
        if stem_width:
            kwargs["stem_width"] = stem_width
        return timm.create_model(arch, pretrained=pretrained, **kwargs)
    make.__name__ = arch
    return make


def unet_kwargs(config: dict) -> dict:
    return dict(n_in=1, last_cross=config["last_cross"], self_attention=config["self_attention"])


class ColorLoss(torch.nn.Module):
    "Rebalanced cross-entropy between the predicted bin distribution and the soft-encoded true colour."

    def __init__(self, centres, lut, weights, grid: int, temperature: float):
        super().__init__()
        self.grid, self.temperature = grid, temperature
        self.register_buffer("centres", centres)
        self.register_buffer("lut", lut)
        self.register_buffer("weights", weights)

    def forward(self, logits, ab):
        idx, w = soft_encode(ab, self.lut, self.grid)
        logp = F.log_softmax(logits.float(), 1)
        nll = -(w * logp.gather(1, idx)).sum(1)
        pixel_weight = (w * self.weights[idx]).sum(1)
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
            err = (loss.activation(learn.pred) - learn.yb[0]).abs().mean()
            self.total += err.item() * len(learn.yb[0])
            self.n += len(learn.yb[0])
        @property
        def value(self): return self.total / self.n if self.n else float("nan")
        @property
        def name(self): return "ab_error"
    return AbError()


def learner(cfg: Config):
    from fastai.vision.all import unet_learner
    centres, lut = ab_bins(cfg.grid)
    df, counts, skipped = scan(cfg, lut.shape[0])
    if df.is_valid.all() or not df.is_valid.any():
        raise ValueError(f"need both training and validation photos; got {len(df)} photos in {cfg.folders}")
    prior = smooth_prior(torch.from_numpy(counts), lut, len(centres))
    weights = rebalance_weights(prior, cfg.rebalance)
    dls = dataloaders(cfg, df)
    loss = ColorLoss(centres, lut, weights, cfg.grid, cfg.temperature)
    config = {"arch": cfg.arch, "channels": cfg.channels, "stem_width": cfg.stem_width,
              "last_cross": cfg.last_cross, "self_attention": cfg.self_attention}
    learn = unet_learner(dls, encoder(cfg.arch, cfg.channels, cfg.stem_width), normalize=False, n_out=len(centres),
                         pretrained=cfg.pretrained, loss_func=loss,
                         metrics=[ab_error(loss)],
                         **unet_kwargs(config))
    learn.colour = dict(centres=centres, prior=prior, weights=weights, skipped=skipped,
                        valid_paths=list(df.path[df.is_valid]), n_train=int((~df.is_valid).sum()))
    if cfg.mixed_precision and torch.cuda.is_available():
        learn = learn.to_fp16()
    return learn


def evaluate(learn, cfg: Config) -> dict:
    "The card's metrics through the serving path (these very weights in the ONNX Predictor) on the held-out photos."
    from shared.evaluate import serving_predictor
    from .evaluate import evaluate as measure
    state, config = export(learn, cfg)
    return measure(serving_predictor("colorize", state, config), paths=learn.colour["valid_paths"])


# ---------------------------------------------------------------- artifact
def export(learn, cfg: Config) -> tuple[dict, dict]:
    "Weights in float16 (the artifact stays small; serving computes in float32) and every serving rule as JSON."
    c = learn.colour
    serving = ServingConfig(size=cfg.size, ab_centres=c["centres"].tolist(), temperature=cfg.temperature)
    config = {"task": "colorize", "arch": cfg.arch, "channels": cfg.channels, "stem_width": cfg.stem_width,
              "last_cross": cfg.last_cross, "self_attention": cfg.self_attention, **serving.to_dict(),
              "n_out": len(c["centres"]), "grid": cfg.grid, "colour_space": "CIE Lab D65, sRGB",
              "class_weights": [round(w, 5) for w in c["weights"].tolist()],
              "skipped_greyscale": c["skipped"], "n_train_photos": c["n_train"],
              "n_valid_photos": len(c["valid_paths"]), "train_config": asdict(cfg)}
    state = {k: (v.half() if v.is_floating_point() else v) for k, v in learn.model.float().state_dict().items()}
    return state, config


def build_model(config: dict) -> torch.nn.Module:
    "The U-Net of `config`, exactly as fastai's unet_learner builds it, with random weights."
    import timm
    from fastai.vision.learner import create_unet_model
    if not timm.is_model(config["arch"]):
        raise artifact.ArtifactError(f"unknown architecture {config['arch']!r} (not a timm model name)")
    size = config["size"]
    return create_unet_model(encoder(config["arch"], config["channels"], config["stem_width"]), config["n_out"],
                             (size, size), pretrained=False, **unet_kwargs(config))


class Colourer(torch.nn.Module):
    "What model.onnx holds: the U-Net and the annealed-mean decoding; normalised L and a temperature in, a/b out."

    def __init__(self, net: torch.nn.Module, centres: torch.Tensor):
        super().__init__()
        self.net = net
        self.register_buffer("centres", centres)

    def forward(self, l, temperature):
        return decode_ab(self.net(l), self.centres, temperature)


def to_onnx(model: torch.nn.Module, config: dict) -> bytes:
    "model.onnx: l (batch, 1, h, w), temperature (scalar) -> ab (batch, 2, h, w); any batch, h and w (multiples of 32)."
    from shared.export import onnx_bytes
    colourer = Colourer(model, torch.tensor(config["ab_centres"], dtype=torch.float32))
    h, w = config["size"], config["size"] + 32  # not square: nothing in the graph may assume h == w
    return onnx_bytes(colourer, (torch.zeros(1, 1, h, w), torch.tensor(config["temperature"])), ["l", "temperature"],
                      ["ab"], {"l": {0: "batch", 2: "height", 3: "width"}, "ab": {0: "batch", 2: "height", 3: "width"}})
