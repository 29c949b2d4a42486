"""Colorize: old black-and-white photos in colour. Luminance in, colour out, with a fastai U-Net.

A photo is split into CIE Lab: L (lightness, what a black-and-white photo keeps) and a/b (the colour).
The fastai `unet_learner` (timm ResNet encoder) sees L at a small working resolution and predicts the
colour of every pixel; the colour is upsampled and recombined with the photo's own full-resolution L,
so the output keeps every detail of the input and the network only has to get the colours right.

**Loss: colour classification with class rebalancing (Zhang, Isola & Efros, "Colorful Image
Colorization", ECCV 2016)**, not regression. The a/b plane is cut into bins 10 units wide (the ones
inside the sRGB gamut); the network predicts a probability for every bin at every pixel and is trained
with cross-entropy against the true colour, softly spread over the four nearest bins. Why: a photo's
colour is ambiguous (a grey car may be red or blue), and L2 (or L1) regression answers an ambiguous
question with the average of the answers, which is the grey-brown mush the chapter warns about.
Classification keeps the several answers apart; rebalancing weighs each bin by the inverse of how
common it is in the training photos (mixed half-and-half with uniform, as in the paper), so the rare
saturated colours are not drowned by the common greys and browns of backgrounds. The colour shown is
the *annealed mean* of the distribution (softmax at temperature 0.38, as in the paper): between the
mean (safe, dull) and the mode (vivid, patchy). A strength control scales the colour afterwards.

The colour-space conversion (sRGB <-> CIE Lab, D65) is written once, below, in torch, and used by the
training batches, the serving path and the evaluation alike.
"""
from __future__ import annotations

import argparse
import json
import math
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from shared import artifact
from shared.data import data_dir, local_or_download
from shared.images import PHOTO_SUFFIXES, open_image
from shared.schedule import fit  # noqa: F401  (the task's training schedule)

MAX_PIXELS = 36_000_000  # 6000x6000: larger photos are refused with a message (memory and time on a 2-vCPU Space)


@dataclass
class Config:
    preset: str = "cpu"
    arch: str = "resnet18"        # timm ResNet family name for the U-Net's encoder
    channels: str = "16,32,64,128"  # encoder stage widths ('' = the architecture's own): a narrow net for 2 cores
    stem_width: int = 16          # encoder stem width (0 = the architecture's own)
    pretrained: bool = False      # timm ImageNet weights (needs the internet; only with the default widths)
    size: int = 64                # working resolution: square training crops; serving keeps the aspect ratio
    last_cross: bool = False      # fastai DynamicUnet's full-resolution input cross connection (costly)
    self_attention: bool = False
    epochs: int = 8
    lr: float = 3e-3
    bs: int = 32
    fine_tune: bool = False       # fastai fine_tune (pretrained encoder) rather than fit_one_cycle
    folders: str = "pets/images,pets-extra/images,coco_tiny/images"  # under the data dir, or absolute
    min_chroma: float = 1.5       # skip near-greyscale photos: mean Lab chroma (sqrt(a^2+b^2)) below this
    valid_pct: float = 0.1        # share of photos held out (fixed by file name)
    grid: int = 10                # a/b bin width (Lab units)
    rebalance: float = 0.5        # lambda of Zhang et al.: 0 = full inverse-frequency weights, 1 = no rebalancing
    temperature: float = 0.38     # annealed-mean temperature at serving (1 = mean, -> 0 = mode)
    max_train_samples: int = 0    # >0: a tiny run for tests and laptops
    mixed_precision: bool = False
    workers: int = 1
    seed: int = 42


PRESETS = {
    "cpu": {},
    "gpu": dict(arch="resnet34", channels="", stem_width=0, pretrained=True, size=224, last_cross=True,
                self_attention=True, epochs=10, lr=2e-3, bs=32, fine_tune=True, mixed_precision=True, workers=8,
                folders="coco_sample/train_sample,oxford-iiit-pet/images"),
    "tiny": dict(arch="resnet10t", channels="8,16,32,64", stem_width=8, size=32, epochs=1, bs=8,
                 max_train_samples=32, workers=0),
}

# Folders that fastai can download when they are not under the data dir (the gpu preset, online).
DOWNLOADS = {"coco_sample/train_sample": ("COCO_SAMPLE", "train_sample"),
             "oxford-iiit-pet/images": ("PETS", "images"), "pets/images": ("PETS", "images"),
             "imagenette2-320/train": ("IMAGENETTE_320", "train")}


# ---------------------------------------------------------------- colour space (the one and only conversion)
_RGB2XYZ = torch.tensor([[0.412453, 0.357580, 0.180423],
                         [0.212671, 0.715160, 0.072169],
                         [0.019334, 0.119193, 0.950227]])
_XYZ2RGB = torch.linalg.inv(_RGB2XYZ)
_WHITE = torch.tensor([0.950456, 1.0, 1.088754])  # D65
_EPS = (6 / 29) ** 3


def _channels(m: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    "Apply a 3x3 matrix over dim -3 of (..., 3, H, W)."
    return torch.einsum("ij,...jhw->...ihw", m.to(x), x)


def rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    "sRGB in [0, 1], shape (..., 3, H, W) -> CIE Lab (L in [0, 100], a/b about [-110, 110]), D65."
    rgb = rgb.float().clamp(0, 1)
    lin = torch.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = _channels(_RGB2XYZ, lin) / _WHITE.to(lin).view(3, 1, 1)
    f = torch.where(xyz > _EPS, xyz.clamp_min(_EPS) ** (1 / 3), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    fx, fy, fz = f.unbind(-3)
    return torch.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], -3)


def lab_to_rgb(lab: torch.Tensor, clip: bool = True) -> torch.Tensor:
    "CIE Lab (..., 3, H, W) -> sRGB in [0, 1] (clipped to the gamut unless clip=False: then linear RGB, unclipped)."
    L, a, b = lab.float().unbind(-3)
    fy = (L + 16) / 116
    f = torch.stack([fy + a / 500, fy, fy - b / 200], -3)
    xyz = torch.where(f > 6 / 29, f ** 3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _WHITE.to(f).view(3, 1, 1)
    lin = _channels(_XYZ2RGB, xyz)
    if not clip:
        return lin
    lin = lin.clamp(0, 1)
    return torch.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin.clamp_min(0.0031308) ** (1 / 2.4) - 0.055)


def image_to_tensor(img: Image.Image) -> torch.Tensor:
    "PIL RGB -> float (3, H, W) in [0, 1]."
    return torch.from_numpy(np.asarray(img.convert("RGB"), dtype=np.uint8).copy()).permute(2, 0, 1).float() / 255


def tensor_to_image(rgb: torch.Tensor) -> Image.Image:
    "(3, H, W) in [0, 1] -> PIL RGB (rounded, not truncated)."
    arr = (rgb.clamp(0, 1) * 255 + 0.5).to(torch.uint8).permute(1, 2, 0).cpu().numpy()
    return Image.fromarray(arr, "RGB")


def grey(img: Image.Image) -> Image.Image:
    "The photo as the model sees it: its Lab lightness alone, as an RGB grey photo."
    lab = rgb_to_lab(image_to_tensor(img))
    lab[1:] = 0
    return tensor_to_image(lab_to_rgb(lab))


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
def stable_fraction(name: str) -> float:
    "A number in [0, 1) fixed by the file name: splits that do not move when folders grow."
    return zlib.crc32(name.encode()) / 2**32


def photo_folders(cfg: Config) -> list[Path]:
    out = []
    for f in (f.strip() for f in cfg.folders.split(",") if f.strip()):
        if f in DOWNLOADS and not (Path(f).is_absolute() or (data_dir() / f).exists()):
            from fastai.data.external import URLs
            url, sub = DOWNLOADS[f]
            out.append(local_or_download(f, getattr(URLs, url), sub))
        else:
            path = Path(f) if Path(f).is_absolute() else data_dir() / f
            if not path.is_dir():
                raise FileNotFoundError(f"no photo folder {path}")
            out.append(path)
    return out


def photo_files(cfg: Config) -> list[Path]:
    return sorted(p for d in photo_folders(cfg) for p in d.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)


def is_valid(path: Path, cfg: Config) -> bool:
    return stable_fraction(path.name) < cfg.valid_pct


def thumbnail_lab(path, side: int = 64) -> torch.Tensor | None:
    "A small Lab thumbnail (3, h, w) of a photo, or None when it cannot be read."
    try:
        img = open_image(path, max_side=side)
    except ValueError:
        return None
    img.thumbnail((side, side), Image.BILINEAR)
    return rgb_to_lab(image_to_tensor(img))


def scan(cfg: Config, lut: torch.Tensor):
    """One pass over the photos: keep those with colour (mean chroma >= min_chroma), split them by file name,
    and count the training photos' colours on the a/b grid (for the rebalancing weights)."""
    import pandas as pd
    rows, counts, skipped = [], torch.zeros(lut.shape), []
    n = lut.shape[0]
    files = photo_files(cfg)
    if cfg.max_train_samples:  # a tiny run reads a fixed few photos, not the whole folder
        files = sorted(files, key=lambda p: stable_fraction("tiny" + p.name))[:3 * cfg.max_train_samples]
    for p in files:
        lab = thumbnail_lab(p)
        if lab is None or lab[1:].norm(dim=0).mean() < cfg.min_chroma:
            skipped.append(p.name)
            continue
        valid = is_valid(p, cfg)
        rows.append((str(p), valid))
        if not valid:
            cell = ((lab[1:] + 110) / cfg.grid).round().long().clamp(0, n - 1)
            counts += torch.bincount((cell[0] * n + cell[1]).flatten(), minlength=n * n).view(n, n)
    df = pd.DataFrame(rows, columns=["path", "is_valid"])
    if cfg.max_train_samples:
        df = pd.concat([df[~df.is_valid].sample(frac=1, random_state=cfg.seed)[:cfg.max_train_samples],
                        df[df.is_valid].sample(frac=1, random_state=cfg.seed)[:max(4, cfg.max_train_samples // 4)]])
    return df.reset_index(drop=True), counts, skipped


class ReadPhoto:
    "DataBlock get_x: a row's photo as RGB, decoded at reduced size (JPEG draft) when it is far larger than needed."
    def __init__(self, side: int): self.side = side
    def __call__(self, row): return open_image(row["path"], max_side=self.side)


def lab_batch(rgb: torch.Tensor, l_mean: float, l_std: float) -> tuple[torch.Tensor, torch.Tensor]:
    "RGB batch (B, 3, H, W) in [0, 1] -> (normalised L (B, 1, H, W), true a/b (B, 2, H, W))."
    lab = rgb_to_lab(rgb)
    return (lab[:, :1] / 100 - l_mean) / l_std, lab[:, 1:]


L_MEAN, L_STD = 0.45, 0.225  # L/100 normalised like one ImageNet channel (the pretrained encoder expects that)


def split_lab(b):
    "Batch transform (after augmentation): (RGB,) -> (normalised L, true a/b). Written once, used by every batch."
    from fastai.torch_core import TensorBase, TensorImage
    x, ab = lab_batch(b[0], L_MEAN, L_STD)
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
    df, counts, skipped = scan(cfg, lut)
    if df.is_valid.all() or not df.is_valid.any():
        raise ValueError(f"need both training and validation photos; got {len(df)} photos in {cfg.folders}")
    prior = smooth_prior(counts, lut, len(centres))
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


# ---------------------------------------------------------------- evaluation
def psnr(out: np.ndarray, truth: np.ndarray) -> float:
    mse = np.mean((out.astype(np.float64) - truth.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0 ** 2 / max(mse, 1e-10)))


def ssim(out: np.ndarray, truth: np.ndarray) -> float:
    "SSIM (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5) per RGB channel, averaged."
    x = torch.tensor(out).permute(2, 0, 1)[:, None].double()
    y = torch.tensor(truth).permute(2, 0, 1)[:, None].double()
    g = torch.exp(-(torch.arange(11, dtype=torch.float64) - 5) ** 2 / (2 * 1.5 ** 2))
    g = g / g.sum()
    def blur(t): return F.conv2d(F.conv2d(t, g.view(1, 1, 1, 11)), g.view(1, 1, 11, 1))
    if min(x.shape[-2:]) < 11:
        return float("nan")
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx ** 2, blur(y * y) - my ** 2, blur(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2))
    return float(s.mean())


def colourfulness(img: np.ndarray) -> float:
    "Hasler & Suesstrunk (2003) colourfulness M of an RGB uint8 image (0 for grey; ~100+ is very colourful)."
    r, g, b = (img[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


SWEEP = (0.5, 1.0, 1.5)
EVAL_SIDE = 512


def evaluate_predictor(predictor: "Predictor", paths, strengths=SWEEP, side: int = EVAL_SIDE) -> dict:
    """PSNR, SSIM and colourfulness of the colourised validation photos against the true colour photos,
    with the grey input (strength 0) as the baseline. Photos larger than `side` are scaled down first."""
    rows = {s: [] for s in (0.0, *strengths)}
    for path in paths:
        truth_img = open_image(path, max_side=side)
        truth_img.thumbnail((side, side), Image.BILINEAR)
        truth = np.asarray(truth_img)
        ab = predictor.predict_ab(truth_img)
        for s in rows:
            out = np.asarray(predictor.compose(truth_img, ab, strength=s))
            rows[s].append((psnr(out, truth), ssim(out, truth), colourfulness(out), colourfulness(truth)))
    stats = {s: [float(v) for v in np.nanmean(np.array(r), 0)] for s, r in rows.items()}
    one = stats[1.0]
    metrics = {"psnr": round(one[0], 2), "grey_psnr": round(stats[0.0][0], 2),
               "ssim": round(one[1], 4), "grey_ssim": round(stats[0.0][1], 4),
               "colourfulness": round(one[2], 2), "colourfulness_truth": round(one[3], 2),
               "colourfulness_ratio": round(one[2] / one[3], 3), "n_valid_photos": len(paths),
               "temperature": predictor.temperature}
    metrics["sweep"] = [{"strength": s, "psnr": round(v[0], 2), "ssim": round(v[1], 4),
                         "colourfulness_ratio": round(v[2] / v[3], 3)} for s, v in stats.items()]
    return metrics


def evaluate(learn, cfg: Config) -> dict:
    "The shipped serving path (the lean Predictor on these very weights) on the held-out photos."
    state, config = export(learn, cfg)
    predictor = Predictor(config, state)
    return evaluate_predictor(predictor, learn.colour["valid_paths"])


# ---------------------------------------------------------------- artifact
def export(learn, cfg: Config) -> tuple[dict, dict]:
    "Weights in float16 (the artifact stays small; serving computes in float32) and every serving rule as JSON."
    c = learn.colour
    config = {"task": "colorize", "arch": cfg.arch, "channels": cfg.channels, "stem_width": cfg.stem_width,
              "last_cross": cfg.last_cross, "self_attention": cfg.self_attention, "size": cfg.size,
              "n_out": len(c["centres"]), "grid": cfg.grid, "ab_centres": c["centres"].tolist(),
              "temperature": cfg.temperature, "l_mean": L_MEAN, "l_std": L_STD, "colour_space": "CIE Lab D65, sRGB",
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


def card(cfg: Config, metrics: dict, command: str) -> str:
    from shared.card import model_card
    metrics = dict(metrics)
    sweep = metrics.pop("sweep", [])
    rows = "\n".join(f"| {r['strength']} | {r['psnr']} | {r['ssim']} | {r['colourfulness_ratio']} |" for r in sweep)
    extra = f"""
Evaluated on the held-out validation photos (a fixed tenth of the folders by file name, at most
{EVAL_SIDE} px) through the shipped serving path; the baseline is the grey input itself (L only).
PSNR and SSIM compare with the true colour photo; colourfulness is Hasler & Suesstrunk's M (2003),
mean over the photos, and the ratio is the output's over the truth's. Reproduce with

```bash
python -m shared.tasks.colorize --evaluate MODEL_FOLDER
```

The Space's strength control scales the predicted colour (0 is the grey input):

| strength | PSNR (dB) | SSIM | colourfulness ratio |
|---|---|---|---|
{rows}

## Limitations

A model trained from scratch on about a thousand photos (the `cpu` preset, two CPU cores) learns the
common colours first: a warm, sepia-like palette (fur, skin, wood, sand, pale skies) and only sometimes
the green of grass or the blue of the sky. Part of its colourfulness is that overall warm cast
(Hasler & Suesstrunk's M counts the mean colour as well as its spread), and the PSNR gain over the grey
input is small: colour guesses that are wrong cost as much as right ones gain. The `gpu` preset
(ImageNet-pretrained ResNet-34 encoder, fastai's COCO sample, 224 px) is the recipe for real photos.
Old photos differ from greyed modern ones (grain, fading, scratches); the model has seen none of those.
"""
    return model_card(
        "colorize", title="Colorize: black-and-white photos in colour", task="image-to-image", metrics=metrics,
        datasets=["oxford-iiit-pet", "coco"], license="cc-by-sa-4.0", command=command, config=asdict(cfg),
        metric_names={"psnr": "PSNR (dB)", "grey_psnr": "PSNR of the grey input (dB)", "ssim": "SSIM",
                      "grey_ssim": "SSIM of the grey input", "colourfulness": "colourfulness",
                      "colourfulness_truth": "colourfulness of the truth",
                      "colourfulness_ratio": "colourfulness ratio (output / truth)"},
        about=__doc__, data_note=DATA_NOTE, extra=extra)


DATA_NOTE = """Colour photos of Oxford-IIIT Pet (Parkhi et al., "Cats and Dogs", CVPR 2012; CC BY-SA 4.0, photos (c)
their owners) and fastai's COCO_TINY sample of COCO (Lin et al. 2014; images under their Flickr licences).
Near-greyscale photos (mean Lab chroma below `min_chroma`) are skipped; config.json lists them."""


# ---------------------------------------------------------------- serving
class Predictor:
    "The lean serving path: torch and PIL, no DataLoader, no fastai Learner."

    def __init__(self, config: dict, state: dict, device: str = "cpu"):
        self.config, self.device = config, device
        self.size, self.temperature = config["size"], config["temperature"]
        self.l_mean, self.l_std = config["l_mean"], config["l_std"]
        state = {k: (v.float() if v.is_floating_point() else v) for k, v in state.items()}
        self.model = artifact.load_weights(build_model(config), state, config).to(device)
        self.centres = torch.tensor(config["ab_centres"], dtype=torch.float32, device=device)

    @classmethod
    def load(cls, source, device: str = "cpu") -> "Predictor":
        config, state, _ = artifact.load(source, task="colorize")
        return cls(config, state, device)

    def working_size(self, width: int, height: int) -> tuple[int, int]:
        "The network's input size for a photo: short side = `size`, aspect kept (long side at most 3x), multiples of 32."
        short, long = sorted((width, height))
        n_long = max(32, round(min(self.size * long / short, 3 * self.size) / 32) * 32)
        n_short = max(32, round(self.size / 32) * 32)
        return (n_short, n_long) if width <= height else (n_long, n_short)

    @torch.inference_mode()
    def predict_ab(self, image: Image.Image) -> torch.Tensor:
        "The predicted colour (1, 2, h, w) at working resolution, from the photo's lightness alone."
        small = image.resize(self.working_size(*image.size), Image.BILINEAR)
        x, _ = lab_batch(image_to_tensor(small)[None].to(self.device), self.l_mean, self.l_std)
        return decode_ab(self.model(x), self.centres, self.temperature)

    @torch.inference_mode()
    def compose(self, image: Image.Image, ab: torch.Tensor, strength: float = 1.0) -> Image.Image:
        "The photo's own full-resolution lightness + the predicted colour (upsampled, times `strength`)."
        rgb = torch.from_numpy(np.array(image.convert("RGB"), dtype=np.uint8))  # (H, W, 3), writable
        H, W = rgb.shape[:2]
        ab = F.interpolate(ab.float() * strength, size=(H, W), mode="bilinear", align_corners=False)[0].to("cpu")
        out = torch.empty_like(rgb)
        band = max(1, 2 ** 21 // W)  # rows per step: bounded memory for large photos
        for r in range(0, H, band):
            x = rgb[r:r + band].permute(2, 0, 1).float() / 255
            lab = torch.cat([rgb_to_lab(x)[:1], ab[:, r:r + band]], 0)
            out[r:r + band] = (lab_to_rgb(lab) * 255 + 0.5).to(torch.uint8).permute(1, 2, 0)
        return Image.fromarray(out.numpy(), "RGB")

    def colorize(self, image: Image.Image, strength: float = 1.0) -> Image.Image:
        "A colour version of `image` (any RGB photo; colour photos are used as grey) at the same size."
        if image.width * image.height > MAX_PIXELS:
            raise ValueError(too_large(image))
        return self.compose(image, self.predict_ab(image), strength)


def too_large(image: Image.Image) -> str:
    return (f"That photo is {image.width}x{image.height} ({image.width * image.height / 1e6:.0f} megapixels); "
            f"this Space colourises photos up to {MAX_PIXELS // 1_000_000} megapixels at full size. "
            "Please scale it down and try again.")


# ---------------------------------------------------------------- command line: quality evaluation
def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m shared.tasks.colorize",
                                description="Evaluate a colorize model on its validation photos (PSNR, SSIM, "
                                            "colourfulness; grey input as baseline).")
    p.add_argument("--evaluate", metavar="MODEL", required=True, help="model folder or user/repo[@revision]")
    p.add_argument("--temperature", type=float, help="annealed-mean temperature (default: the model's)")
    p.add_argument("--limit", type=int, default=0, help="at most this many photos")
    args = p.parse_args(argv)
    predictor = Predictor.load(args.evaluate)
    if args.temperature:
        predictor.temperature = args.temperature
    tc = predictor.config["train_config"]
    cfg = Config(**{k: v for k, v in tc.items() if k in Config.__dataclass_fields__})
    centres, lut = ab_bins(cfg.grid)
    df, _, _ = scan(Config(**{**asdict(cfg), "max_train_samples": 0}), lut)
    paths = list(df.path[df.is_valid])[:args.limit or None]
    metrics = evaluate_predictor(predictor, paths)
    print(json.dumps(metrics, indent=2))
    return metrics


if __name__ == "__main__":
    main()
