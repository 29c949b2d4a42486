"""Turn whatever a visitor uploads into a plain RGB photo, or a clear message saying why not (Refused).

Used by every image Space (pets, colorize) in the UI and the API alike.
"""
from __future__ import annotations

import io
import threading
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from shared.serving.errors import Refused
from shared.serving.words import T

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp")  # what open_image reads: examples, training folders
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "ICO")  # the only decoders PIL may try (JPEG includes MPO)
MAX_PIXELS = 120_000_000  # a 10000x10000 photo is fine; a decompression bomb is not
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_UPLOAD_MB = 100  # the Spaces' upload limit (launch's max_file_size): a 100-megapixel PNG still fits
# One photo's decoding, at its peak (the decoded pixels, the decoder's buffers, the conversion to 8-bit RGB), read from
# the header before anything is decoded. At most DECODING photos decode at once in the whole process, whatever the
# number of events, so that their peak beside the models fits a free Space (16 GB) with every endpoint busy (BENCHMARKS).
MAX_DECODE_MB = 768
DECODING = threading.BoundedSemaphore(2)
ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
               5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
               8: Image.Transpose.ROTATE_90}  # EXIF orientation -> the transpose that shows it upright
DEEP = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")  # 16-bit, 32-bit integer and float greyscale
# The flattest JPEG there is (one grey, progressive, quality 1) takes a byte per ~255 pixels: a file with a byte per
# more than 2,048 pixels cannot hold what its header says (a 632-byte file claiming 6000x6000 ran a 36 MP colorize)
JPEG_MIN_PIXELS_PER_BYTE = 2048


class TooLarge(Refused):
    """A photo that would take more memory (or pixels) to decode than this Space allows; refused before decoding
    (a Refused like any other; the teach tab counts these apart)."""


def too_large() -> TooLarge:
    return TooLarge(T, "too_many_pixels", mp=MAX_PIXELS // 1_000_000)


def open_image(source, max_side: int | None = None, max_pixels: int | None = None) -> Image.Image:
    """A path, bytes, numpy array or PIL image -> an upright 8-bit RGB PIL image.

    Handles EXIF rotation, transparency (on white), CMYK, greyscale, 16-bit and float, palettes and animations
    (first frame). `max_side`: the photo is only needed that large (its short side at least that, as JPEG's draft
    mode gives), so JPEGs decode reduced and other photos are reduced right after decoding. `max_pixels`: a limit on
    the pixels decoded (after any JPEG reduction). Before decoding, the memory it will take is read from the header
    (`decode_cost`) and checked against MAX_DECODE_MB: a TooLarge refusal costs nothing.
    """
    if source is None:
        raise Refused(T, "no_image")
    try:
        img = as_pil(source)
        full = img.width * img.height
        if full > MAX_PIXELS:  # from the header, before decoding (PIL only warns below 2x)
            raise too_large()
        if img.format in ("JPEG", "MPO") and stored_bytes(source) * JPEG_MIN_PIXELS_PER_BYTE < full:
            raise Refused(T, "jpeg_damaged", size=f"{stored_bytes(source):,}", w=img.width, h=img.height)
        if max_side and img.format in ("JPEG", "MPO"):
            img.draft("RGB", (max_side, max_side))
        if max_pixels and img.width * img.height > max_pixels:
            raise TooLarge(T, "photo_too_big", w=img.width, h=img.height, mp=f"{img.width * img.height / 1e6:.0f}",
                           max_mp=f"{max_pixels / 1e6:.0f}")
        cost = decode_cost(img, full, reduced=bool(max_side))
        if cost > MAX_DECODE_MB * 2**20:
            raise TooLarge(T, "decode_too_big", w=img.width, h=img.height, mode=img.mode, mb=f"{cost / 2**20:,.0f}",
                           max_mb=MAX_DECODE_MB)
        with DECODING:
            if img.tell():
                img.seek(0)
            img.load()
            orientation = img.getexif().get(0x0112, 1) if img.format in ("JPEG", "MPO", "PNG", "WEBP", "TIFF") else 1
            img = reduced(to_rgb(img), max_side)
            if orientation in ORIENTATION:
                img = img.transpose(ORIENTATION[orientation])
    except Refused:
        raise
    except Image.DecompressionBombError:
        raise too_large() from None
    except ValueError as e:
        if "too large" in str(e).lower():  # PNG's own bomb guard (huge compressed text or ICC chunks)
            raise too_large() from None
        raise Refused(T, "unreadable", why=type(e).__name__) from e
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError) as e:
        raise Refused(T, "unreadable", why=type(e).__name__) from e
    if img.width < 1 or img.height < 1:
        raise Refused(T, "no_pixels")
    return img


def stored_bytes(source) -> float:
    "The size of the file or bytes the image comes from (infinite for an image already in memory: nothing to check)."
    if isinstance(source, (bytes, bytearray)):
        return len(source)
    if isinstance(source, dict) and "path" in source:
        source = source["path"]
    if isinstance(source, (str, Path)):
        return Path(source).stat().st_size
    return float("inf")


def decode_cost(img: Image.Image, full_pixels: int, reduced: bool = False) -> int:
    """Bytes that decoding `img` (opened: header only) and making it 8-bit RGB take at their peak.

    PIL keeps 1 byte a pixel for 1/L/P, 2 for 16-bit grey, 4 for everything else (RGB too). The conversion adds an
    RGB image (4 bytes a pixel; 16-bit/float greyscale go through 8-bit grey first, transparency through an RGBA
    copy on a white RGB background); WebP's decoder holds two canvases of its own (the frame and the previous one),
    TIFF's a strip that may be as tall as the image;
    a JPEG decoder may keep the DCT coefficients of the whole image (2 bytes a pixel per component, at full size
    even when decoding reduced); the upright copy of a rotated photo is 4 more, unless the photo was reduced first."""
    pixels = img.width * img.height
    bpp = 1 if img.mode in ("1", "L", "P") else 2 if img.mode.startswith("I;16") else 4
    if img.mode == "RGB":
        extra = 0
    elif img.mode == "RGBA":
        extra = 4
    elif img.mode in DEEP:
        extra = 6
    elif img.mode in ("P", "PA", "LA", "La", "RGBa"):
        extra = 8
    else:
        extra = 4
    cost = pixels * (bpp * {"WEBP": 3, "TIFF": 2}.get(img.format, 1) + extra)
    if img.format in ("JPEG", "MPO"):
        cost += full_pixels * 2 * len(img.getbands())
    return cost if reduced else max(cost, pixels * 8)


def reduced(img: Image.Image, max_side: int | None) -> Image.Image:
    "The photo shrunk by a whole factor (box filter) while its short side stays >= max_side: JPEG's draft, for any photo."
    factor = min(img.size) // max_side if max_side else 1
    return img.reduce(factor) if factor >= 2 else img


def as_pil(source) -> Image.Image:
    "The image, opened (its header read, nothing decoded), from the formats in FORMATS only."
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, np.ndarray):
        return Image.fromarray(source)
    if not isinstance(source, (bytes, bytearray)):
        if isinstance(source, dict) and "path" in source:  # a gradio FileData-like dict
            source = source["path"]
        path = Path(source)
        if not path.is_file():
            raise Refused(T, "upload_missing")
        source = path.read_bytes()  # in memory: no file left open (an animation keeps its reader)
    fp = io.BytesIO(source)
    check_icon(fp)  # PIL decodes an icon's largest frame as it opens it
    return Image.open(fp, formats=FORMATS)


def check_icon(fp) -> None:
    """For an .ico file: every frame's real size (the PNG or BMP header it holds, not the directory's 8-bit sizes)
    within the decoding budget, before PIL opens it. Anything else: nothing to check."""
    head = fp.read(6)
    fp.seek(0)
    if len(head) < 6 or head[:4] != b"\0\0\1\0":
        return
    for i in range(int.from_bytes(head[4:6], "little")):
        fp.seek(6 + 16 * i)
        entry = fp.read(16)
        if len(entry) < 16:
            break
        fp.seek(int.from_bytes(entry[12:16], "little"))
        frame = fp.read(26)
        if frame[:8] == b"\x89PNG\r\n\x1a\n" and len(frame) >= 24:
            w, h = int.from_bytes(frame[16:20], "big"), int.from_bytes(frame[20:24], "big")
        elif len(frame) >= 12:
            w, h = abs(int.from_bytes(frame[4:8], "little", signed=True)), abs(int.from_bytes(frame[8:12], "little", signed=True)) // 2
        else:
            continue
        if w * h * 16 > MAX_DECODE_MB * 2**20 or w * h > MAX_PIXELS:  # a frame, its mask and alpha, as RGBA twice
            fp.seek(0)
            raise TooLarge(T, "icon_too_big", w=w, h=h)
    fp.seek(0)


def to_rgb(img: Image.Image) -> Image.Image:
    "8-bit RGB; transparent pixels become white, 16-bit and float images are scaled, not clipped."
    if img.mode in DEEP:
        img = deep_to_grey(img)
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img if img.mode == "RGBA" else img.convert("RGBA")
        img = Image.new("RGB", rgba.size, (255, 255, 255))
        img.paste(rgba, (0, 0), rgba)  # the photo over white, through its own alpha
    if img.mode != "RGB":
        img = img.convert("RGB")
    return img


def deep_to_grey(img: Image.Image, rows: int = 256) -> Image.Image:
    """16-bit, 32-bit integer or float greyscale -> 8-bit 'L', scaled to its range (16-bit: 0-65535; float: 0-1 when
    it holds no more, else 0-255 or 0-65535 as its largest value says), a band of rows at a time (bounded memory)."""
    lo, hi = img.getextrema()
    if img.mode.startswith("I;16"):
        top = 65535.0
    elif img.mode == "F" and hi <= 1.0:
        top = 1.0
    else:
        top = 255.0 if hi <= 255 else 65535.0 if hi <= 65535 else float(hi)
    out = np.empty((img.height, img.width), np.uint8)
    for r in range(0, img.height, rows):
        band = np.asarray(img.crop((0, r, img.width, min(img.height, r + rows))), dtype=np.float32)
        out[r:r + rows] = np.clip(np.nan_to_num(band) * np.float32(255.0 / top) + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(out, "L")


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
