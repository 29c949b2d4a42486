"""The one sRGB <-> CIE Lab (D65) conversion, for numpy arrays (serving) and torch tensors (training batches) alike.

Images are (..., 3, H, W) float arrays in [0, 1]; Lab has L in [0, 100] and a/b about [-110, 110].
"""
from __future__ import annotations

import sys

import numpy as np
from PIL import Image

RGB2XYZ = np.array([[0.412453, 0.357580, 0.180423],
                    [0.212671, 0.715160, 0.072169],
                    [0.019334, 0.119193, 0.950227]])
XYZ2RGB = np.linalg.inv(RGB2XYZ)
WHITE = np.array([0.950456, 1.0, 1.088754])  # D65
EPS = (6 / 29) ** 3


def _xp(x):
    "numpy for arrays, torch for tensors (without importing torch here)."
    return np if isinstance(x, np.ndarray) else sys.modules["torch"]


def _const(m: np.ndarray, like):
    if isinstance(like, np.ndarray):
        return m.astype(like.dtype)
    return sys.modules["torch"].as_tensor(m, dtype=like.dtype, device=like.device)


def _float(x):
    return x.astype(np.float32) if isinstance(x, np.ndarray) else x.float()


def _channels(m: np.ndarray, x):
    "Apply a 3x3 matrix over dim -3 of (..., 3, H, W)."
    return _xp(x).einsum("ij,...jhw->...ihw", _const(m, x), x)


def rgb_to_lab(rgb):
    "sRGB in [0, 1], shape (..., 3, H, W) -> CIE Lab, D65."
    xp = _xp(rgb)
    rgb = _float(rgb).clip(0, 1)
    lin = xp.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = _channels(RGB2XYZ, lin) / _const(WHITE.reshape(3, 1, 1), lin)
    f = xp.where(xyz > EPS, xyz.clip(min=EPS) ** (1 / 3), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    fx, fy, fz = f[..., 0, :, :], f[..., 1, :, :], f[..., 2, :, :]
    return xp.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], -3)


def lab_to_rgb(lab, clip: bool = True):
    "CIE Lab (..., 3, H, W) -> sRGB in [0, 1] (clipped to the gamut unless clip=False: then linear RGB, unclipped)."
    xp = _xp(lab)
    lab = _float(lab)
    L, a, b = lab[..., 0, :, :], lab[..., 1, :, :], lab[..., 2, :, :]
    fy = (L + 16) / 116
    f = xp.stack([fy + a / 500, fy, fy - b / 200], -3)
    xyz = xp.where(f > 6 / 29, f ** 3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _const(WHITE.reshape(3, 1, 1), f)
    lin = _channels(XYZ2RGB, xyz)
    if not clip:
        return lin
    lin = lin.clip(0, 1)
    return xp.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin.clip(min=0.0031308) ** (1 / 2.4) - 0.055)


def image_to_array(img: Image.Image) -> np.ndarray:
    "PIL RGB -> float32 (3, H, W) in [0, 1]."
    return np.asarray(img.convert("RGB"), dtype=np.float32).transpose(2, 0, 1) / 255


def array_to_image(rgb: np.ndarray) -> Image.Image:
    "(3, H, W) in [0, 1] -> PIL RGB (rounded, not truncated)."
    return Image.fromarray((rgb.clip(0, 1) * 255 + 0.5).astype(np.uint8).transpose(1, 2, 0), "RGB")


def grey(img: Image.Image) -> Image.Image:
    "The photo as the model sees it: its Lab lightness alone, as an RGB grey photo."
    lab = rgb_to_lab(image_to_array(img))
    lab[1:] = 0
    return array_to_image(lab_to_rgb(lab))


def lightness(rgb, l_mean: float, l_std: float):
    "RGB batch (B, 3, H, W) in [0, 1] -> (normalised L (B, 1, H, W), true a/b (B, 2, H, W)): the network's input."
    lab = rgb_to_lab(rgb)
    return (lab[:, :1] / 100 - l_mean) / l_std, lab[:, 1:]
