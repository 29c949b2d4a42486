"""Serving: a photo's lightness -> its colours, in ONNX Runtime, recombined with the photo's own full-resolution
lightness in numpy and PIL. No torch, no fastai, no timm."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image

from shared.serving import artifact
from shared.serving import runtime
from shared.serving.errors import Refused
from shared.serving.words import T

from .colour import image_to_array, lab_to_rgb, lightness, rgb_to_lab
from .config import MAX_PIXELS, ServingConfig


class Predictor:
    """The network (pretrained encoder + U-Net decoder + annealed-mean decoding; model.onnx: normalised L and a
    temperature in, a/b out at a quarter of the working size) at a small working size; the colour is upsampled
    and put on the photo's own full-resolution lightness."""

    def __init__(self, config: dict, onnx):
        self.config = config
        serving = ServingConfig.from_dict(config)
        self.size, self.temperature = serving.size, serving.temperature
        self.l_mean, self.l_std = serving.l_mean, serving.l_std
        self.confidence, self.mirror = serving.confidence, serving.mirror
        self.model = runtime.OnnxModel(onnx)

    @classmethod
    def load(cls, source) -> "Predictor":
        config, folder = artifact.load(source, task="colorize")
        return cls(config, Path(folder) / artifact.ONNX)

    def working_size(self, width: int, height: int) -> tuple[int, int]:
        "The network's input size for a photo: short side = `size`, aspect kept (long side at most 3x), multiples of 32."
        short, long = sorted((width, height))
        n_long = max(32, round(min(self.size * long / short, 3 * self.size) / 32) * 32)
        n_short = max(32, round(self.size / 32) * 32)
        return (n_short, n_long) if width <= height else (n_long, n_short)

    def predict_raw(self, image: Image.Image, temperature: float | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """The network's colour (1, 2, h, w) (a quarter of the working size, annealed mean) and its spread (1, 1, h, w)
        (None for a model.onnx without it), from the photo's lightness alone."""
        small = image.convert("RGB").resize(self.working_size(*image.size), Image.BILINEAR)
        x, _ = lightness(image_to_array(small)[None], self.l_mean, self.l_std)
        t = self.temperature if temperature is None else temperature
        if self.mirror:  # the photo and its mirror image in one batch, the mirror's answer flipped back, averaged
            x = np.concatenate([x, x[..., ::-1]])
        out = self.model.run(l=np.ascontiguousarray(x, dtype=np.float32), temperature=np.array(t, dtype=np.float32))
        ab, spread = out["ab"], out.get("spread")
        if self.mirror:
            ab = (ab[:1] + ab[1:, ..., ::-1]) / 2
            spread = None if spread is None else (spread[:1] + spread[1:, ..., ::-1]) / 2
        return ab, spread

    def predict_ab(self, image: Image.Image) -> np.ndarray:
        "The colour to paint (1, 2, h, w): the network's, scaled toward grey where it is unsure (`strength_map`)."
        ab, spread = self.predict_raw(image)
        if self.confidence is None or spread is None:
            return ab
        return ab * strength_map(spread, **self.confidence)

    def compose(self, image: Image.Image, ab: np.ndarray, strength: float = 1.0) -> Image.Image:
        "The photo's own full-resolution lightness + the predicted colour (upsampled bilinearly, times `strength`)."
        rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)  # (H, W, 3)
        H, W = rgb.shape[:2]
        up = np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(c, dtype=np.float32) * np.float32(strength),
                                                  "F").resize((W, H), Image.BILINEAR)) for c in ab[0]])
        out = np.empty_like(rgb)
        band = max(1, 2 ** 20 // W)  # rows per step: bounded memory for large photos
        for r in range(0, H, band):
            x = rgb[r:r + band].transpose(2, 0, 1).astype(np.float32) / 255
            lab = np.concatenate([rgb_to_lab(x)[:1], up[:, r:r + band]], 0)
            out[r:r + band] = (lab_to_rgb(lab) * 255 + 0.5).astype(np.uint8).transpose(1, 2, 0)
        return Image.fromarray(out, "RGB")

    def colorize(self, image: Image.Image, strength: float = 1.0) -> Image.Image:
        "A colour version of `image` (any RGB photo; colour photos are used as grey) at the same size."
        if image.width * image.height > MAX_PIXELS:
            raise Refused(T, "photo_too_big", w=image.width, h=image.height,
                          mp=f"{image.width * image.height / 1e6:.0f}", max_mp=f"{MAX_PIXELS / 1e6:.0f}")
        return self.compose(image, self.predict_ab(image), strength)


def strength_map(spread: np.ndarray, sigma0: float, gain: float) -> np.ndarray:
    """Colour that knows when it does not know: each pixel's colour strength from the spread of its predicted colour
    distribution (Lab units): `gain` where the model is sure, falling smoothly to 0 (grey) where the spread is far
    above `sigma0` (half strength at sigma0). An unfamiliar photo, unsure everywhere, comes out nearly grey."""
    return (gain / (1 + (spread / sigma0) ** 4)).astype(np.float32)


def download_name(source) -> str:
    "The colour photo's file name, after the upload's: 'old photo.jpg' -> 'old_photo-colour.png' ('photo-colour.png')."
    stem = re.sub(r"[^\w.-]+", "_", Path(str(source or "")).stem).strip("._-")[:80]
    return f"{stem or 'photo'}-colour.png"

