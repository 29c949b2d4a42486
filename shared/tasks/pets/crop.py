"""The photo as the pretrained weights saw ImageNet (timm's `pretrained_cfg`): the short side resized to
size / crop_pct, then the centre size x size square cut out. One function for training (a fastai item transform)
and serving (numpy, PIL): the same pixels on both sides. PIL only; no torch."""
from __future__ import annotations

import math

from PIL import Image

RESAMPLE = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC, "nearest": Image.NEAREST, "lanczos": Image.LANCZOS}


def centre_crop(img: Image.Image, size: int, crop_pct: float | None, interpolation: str = "bicubic") -> Image.Image:
    """timm's eval transform: resize the short side to floor(size / crop_pct), centre-crop size x size.
    crop_pct None: squish the whole photo to size x size (bilinear; models trained before issue 32)."""
    if not crop_pct:
        return img.resize((size, size), Image.BILINEAR)
    w, h = img.size
    short = math.floor(size / crop_pct)
    scale = short / min(w, h)
    nw, nh = max(size, round(w * scale)), max(size, round(h * scale))
    img = img.resize((nw, nh), RESAMPLE[interpolation])
    left, top = int(round((nw - size) / 2.0)), int(round((nh - size) / 2.0))
    return img.crop((left, top, left + size, top + size))
