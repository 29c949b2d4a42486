"""Hostile images, built in a few kB without ever holding their pixels: what issue 31's visitor sent.

Used by the tests (tests/test_images.py) and the attack benchmark (shared.ops.benchmarks.attacks).
"""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    """A PNG of zeros, `width` x `height`, `depth` bits per sample, colour type 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA:
    compressed row by row, so a 10950x10950 16-bit one (233 KB) costs nothing to make."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    row = bytes(1 + width * channels * depth // 8)
    z = zlib.compressobj(9)
    data = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def lying_jpeg(width: int, height: int) -> bytes:
    "A 16x16 JPEG whose frame header says `width` x `height` (a few hundred bytes; libjpeg fills the rest with grey)."
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (120, 90, 60)).save(buf, "JPEG", quality=50)
    raw = bytearray(buf.getvalue())
    sof = raw.find(b"\xff\xc0")
    raw[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(raw)


def icon(frame: bytes, claimed: int = 16) -> bytes:
    "An .ico whose one frame is `frame` (a PNG), the directory claiming `claimed` pixels a side (its 8-bit field)."
    entry = struct.pack("<BBBBHHII", claimed % 256, claimed % 256, 0, 0, 1, 32, len(frame), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + entry + frame


def float_tiff(width: int = 64, height: int = 48) -> bytes:
    "A 32-bit float greyscale TIFF in 0..1 (a gradient), as scientific cameras and HDR tools write them."
    ramp = np.tile(np.linspace(0, 1, width, dtype=np.float32), (height, 1))
    buf = io.BytesIO()
    Image.fromarray(ramp, "F").save(buf, "TIFF")
    return buf.getvalue()


def webp_canvas(width: int, height: int) -> bytes:
    "A 3-frame 64x64 animated WebP whose canvas (VP8X) says `width` x `height`: libwebp allocates canvases that large."
    buf = io.BytesIO()
    frames = [Image.new("RGBA", (64, 64), (i * 40, 0, 0, 128)) for i in range(3)]
    frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:])
    raw = bytearray(buf.getvalue())
    at = raw.find(b"VP8X")
    raw[at + 12:at + 15] = (width - 1).to_bytes(3, "little")
    raw[at + 15:at + 18] = (height - 1).to_bytes(3, "little")
    return bytes(raw)
