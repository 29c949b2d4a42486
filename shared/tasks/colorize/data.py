"""The photo folders: which photos there are, which are held out (fixed by file name), and their colours."""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from shared.data import data_dir, local_or_download
from shared.images import PHOTO_SUFFIXES, open_image

from .colour import image_to_array, rgb_to_lab
from .config import DOWNLOADS, Config


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


def thumbnail_lab(path, side: int = 64) -> np.ndarray | None:
    "A small Lab thumbnail (3, h, w) of a photo, or None when it cannot be read."
    try:
        img = open_image(path, max_side=side)
    except ValueError:
        return None
    img.thumbnail((side, side), Image.BILINEAR)
    return rgb_to_lab(image_to_array(img))


def scan(cfg: Config, n: int):
    """One pass over the photos: keep those with colour (mean chroma >= min_chroma), split them by file name,
    and count the training photos' colours on the n x n a/b grid (for the rebalancing weights)."""
    import pandas as pd
    rows, counts, skipped = [], np.zeros((n, n)), []
    files = photo_files(cfg)
    if cfg.max_train_samples:  # a tiny run reads a fixed few photos, not the whole folder
        files = sorted(files, key=lambda p: stable_fraction("tiny" + p.name))[:3 * cfg.max_train_samples]
    for p in files:
        lab = thumbnail_lab(p)
        if lab is None or np.sqrt((lab[1:] ** 2).sum(0)).mean() < cfg.min_chroma:
            skipped.append(p.name)
            continue
        valid = is_valid(p, cfg)
        rows.append((str(p), valid))
        if not valid:
            cell = np.round((lab[1:] + 110) / cfg.grid).astype(np.int64).clip(0, n - 1)
            counts += np.bincount((cell[0] * n + cell[1]).ravel(), minlength=n * n).reshape(n, n)
    df = pd.DataFrame(rows, columns=["path", "is_valid"])
    if cfg.max_train_samples:
        df = pd.concat([df[~df.is_valid].sample(frac=1, random_state=cfg.seed)[:cfg.max_train_samples],
                        df[df.is_valid].sample(frac=1, random_state=cfg.seed)[:max(4, cfg.max_train_samples // 4)]])
    return df.reset_index(drop=True), counts, skipped


def valid_photos(cfg: Config) -> list[str]:
    "The held-out photos of the model's folders (all of them, whatever max_train_samples was)."
    df, _, _ = scan(Config(**{**cfg.__dict__, "max_train_samples": 0}), len(range(-110, 111, cfg.grid)))
    return list(df.path[df.is_valid])
