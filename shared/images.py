"""Turn whatever a visitor uploads into a plain RGB photo, or a clear message saying why not.

Used by every image Space (pets, colorize) in the UI and the API alike.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp")  # what open_image reads: examples, training folders
MAX_PIXELS = 120_000_000  # a 10000x10000 photo is fine; a decompression bomb is not
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_UPLOAD_MB = 100  # the Spaces' upload limit (launch's max_file_size): a 100-megapixel PNG still fits
TOO_LARGE = f"That image is too large (over {MAX_PIXELS // 1_000_000} megapixels)."


class BadImage(ValueError):
    """An input that is not a usable photo; the message is meant for the visitor."""


def open_image(source, max_side: int | None = None) -> Image.Image:
    """A path, bytes, numpy array or PIL image -> an upright 8-bit RGB PIL image.

    Handles EXIF rotation, transparency (on white), CMYK, greyscale, 16-bit, palettes and animations
    (first frame). `max_side` lets JPEG decode at reduced size, which makes huge photos cheap.
    """
    if source is None:
        raise BadImage("No image received: upload a photo, paste one or use the webcam.")
    try:
        img = as_pil(source)
        if img.width * img.height > MAX_PIXELS:  # from the header, before decoding (PIL only warns below 2x)
            raise BadImage(TOO_LARGE)
        if max_side and img.format == "JPEG":
            img.draft("RGB", (max_side, max_side))
        if getattr(img, "is_animated", False):
            img.seek(0)
        img = ImageOps.exif_transpose(img)
        img.load()
    except BadImage:
        raise
    except Image.DecompressionBombError:
        raise BadImage(TOO_LARGE) from None
    except ValueError as e:
        if "too large" in str(e).lower():  # PNG's own bomb guard (huge compressed text or ICC chunks)
            raise BadImage(TOO_LARGE) from None
        raise BadImage(f"That file could not be read as an image ({type(e).__name__}). "
                       "Please upload a JPEG, PNG, WebP or GIF photo.") from e
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise BadImage(f"That file could not be read as an image ({type(e).__name__}). "
                       "Please upload a JPEG, PNG, WebP or GIF photo.") from e
    if img.width < 1 or img.height < 1:
        raise BadImage("That image has no pixels.")
    return to_rgb(img)


def as_pil(source) -> Image.Image:
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, np.ndarray):
        return Image.fromarray(source)
    if isinstance(source, (bytes, bytearray)):
        return Image.open(io.BytesIO(source))
    if isinstance(source, dict) and "path" in source:  # a gradio FileData-like dict
        source = source["path"]
    path = Path(source)
    if not path.is_file():
        raise BadImage("No image received: the upload is missing.")
    return Image.open(io.BytesIO(path.read_bytes()))  # in memory: no file left open (an animation keeps its reader)


def to_rgb(img: Image.Image) -> Image.Image:
    "8-bit RGB; transparent pixels become white, 16-bit and float images are scaled, not clipped."
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        hi = 65535.0 if img.mode.startswith("I;16") or arr.max() > 255 else 255.0
        img = Image.fromarray(np.clip(arr / hi * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    if img.mode != "RGB":
        img = img.convert("RGB")
    return img


def heatmap_overlay(photo: Image.Image, heat: np.ndarray, side: int = 384, strength: float = 0.6) -> Image.Image:
    "A [0, 1] heatmap (any size) laid over the photo in 'jet' colours, where the heat is."
    photo = photo.copy()
    photo.thumbnail((side, side))
    h = np.asarray(Image.fromarray((np.clip(heat, 0, 1) * 255).astype(np.uint8)).resize(photo.size, Image.BILINEAR),
                   dtype=np.float32)[..., None] / 255.0
    jet = np.clip(1.5 - np.abs(4 * h - np.array([3.0, 2.0, 1.0])), 0, 1)  # r, g, b ramps of the jet colormap
    alpha = strength * h
    out = (1 - alpha) * np.asarray(photo, dtype=np.float32) / 255.0 + alpha * jet
    return Image.fromarray((out * 255 + 0.5).astype(np.uint8))
