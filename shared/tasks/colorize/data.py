"""The photo folders: which photos there are, which are held out (fixed by file name), and their colours."""
from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from shared.data import data_dir, local_or_download
from shared.images import PHOTO_SUFFIXES, open_image

from .colour import image_to_array, rgb_to_lab
from .config import DOWNLOADS, GROUPS, Config


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
    "Held out: never trained on, never used to choose anything; the card's numbers are measured on these."
    return stable_fraction(path.name) < cfg.valid_pct


def split_of(path: Path, cfg: Config) -> str:
    """'test' (held out, `is_valid`), 'tune' (the next `tune_pct` by file name: fastai's validation set while
    training and the photos the annealed-mean temperature is chosen on) or 'train'."""
    f = stable_fraction(path.name)
    return "test" if f < cfg.valid_pct else "tune" if f < cfg.valid_pct + cfg.tune_pct else "train"


def group_of(path) -> str:
    "The kind of photo, for the metrics: 'pets' (Oxford-IIIT Pet), 'cats_vs_dogs' (Kaggle), 'scenes' (COCO), 'other'."
    folder = str(Path(path).parent).lower()
    return next((g for g, keys in GROUPS.items() if any(k in folder for k in keys)), "other")


def repeats(paths, oversample: str) -> np.ndarray:
    "How many times an epoch each photo is seen: `oversample` ('scenes=10,pets=2') by kind of photo, else once."
    pairs = [kv.partition("=") for kv in oversample.split(",") if kv.strip()]
    times = {k.strip(): int(v) if v.strip().isdigit() else 0 for k, _, v in pairs}
    if set(times) - set(GROUPS) or any(t < 1 for t in times.values()):
        raise ValueError(f"oversample {oversample!r}: KIND=TIMES,... with kinds {sorted(GROUPS)}, times at least 1")
    return np.array([times.get(group_of(p), 1) for p in paths], dtype=np.int64)


def thumbnail_lab(path, side: int = 64) -> np.ndarray | None:
    "A small Lab thumbnail (3, h, w) of a photo, or None when it cannot be read."
    try:
        img = open_image(path, max_side=side)
    except ValueError:
        return None
    img.thumbnail((side, side), Image.BILINEAR)
    return rgb_to_lab(image_to_array(img))


def has_colour(lab: np.ndarray | None, cfg: Config) -> bool:
    return lab is not None and np.sqrt((lab[1:] ** 2).sum(0)).mean() >= cfg.min_chroma


def scan(cfg: Config, n: int):
    """One pass over the photos: keep those with colour (mean chroma >= min_chroma), split them by file name
    (`split_of`), and count the training photos' colours on the n x n a/b grid (for the rebalancing weights).
    Returns (DataFrame path/split, counts, names of the skipped near-greyscale photos)."""
    import pandas as pd
    rows, counts, skipped = [], np.zeros((n, n)), []
    files = photo_files(cfg)
    if cfg.max_train_samples:  # a tiny run reads a fixed few photos, not the whole folder
        files = sorted(files, key=lambda p: hashlib.sha256(p.name.encode()).digest())[:3 * cfg.max_train_samples]
    for p in files:
        lab = thumbnail_lab(p)
        if not has_colour(lab, cfg):
            skipped.append(p.name)
            continue
        split = split_of(p, cfg)
        rows.append((str(p), split))
        if split == "train":
            cell = np.round((lab[1:] + 110) / cfg.grid).astype(np.int64).clip(0, n - 1)
            counts += np.bincount((cell[0] * n + cell[1]).ravel(), minlength=n * n).reshape(n, n)
    df = pd.DataFrame(rows, columns=["path", "split"])
    if cfg.max_train_samples:
        few = max(4, cfg.max_train_samples // 4)
        df = pd.concat([df[df.split == s].sample(frac=1, random_state=cfg.seed)[:k]
                        for s, k in (("train", cfg.max_train_samples), ("tune", few), ("test", few))])
    return df.reset_index(drop=True), counts, skipped


def per_group(paths, n: int) -> list[str]:
    "The first `n` of `paths` of each kind of photo (`group_of`), in order (n = 0: all)."
    seen: dict[str, int] = {}
    out = []
    for p in paths:
        g = group_of(p)
        seen[g] = seen.get(g, 0) + 1
        if not n or seen[g] <= n:
            out.append(str(p))
    return out


def valid_photos(cfg: Config) -> list[str]:
    """The held-out photos the card's numbers are measured on: those of the model's folders (whatever
    max_train_samples was), by name, at most `eval_photos` of each kind of photo."""
    held_out = [p for p in photo_files(cfg) if is_valid(p, cfg)]
    return per_group([p for p in held_out if has_colour(thumbnail_lab(p), cfg)], cfg.eval_photos)


def square_view(path, size: int) -> np.ndarray:
    """A photo as the cached-features training sees it: short side scaled to `size` (the serving path's working
    scale), the centre square cut out; RGB (3, size, size) in [0, 1]."""
    img = open_image(path, max_side=2 * size)
    scale = size / min(img.size)
    w, h = max(size, round(img.width * scale)), max(size, round(img.height * scale))
    img = img.resize((w, h), Image.BILINEAR)
    left, top = (w - size) // 2, (h - size) // 2
    return image_to_array(img.crop((left, top, left + size, top + size)))
