"""The photo folders: which photos there are, which are held out (fixed by file name), and their colours."""
from __future__ import annotations

import hashlib
import re
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from shared.training.data import data_dir, local_or_download
from shared.serving.images import PHOTO_SUFFIXES, open_image

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


# Photos of one subject under several names (GCompris ships the same monument or animal in several activities):
# `split_key` gives them one key, so that near-duplicates stay on one side of the split.
ALIASES = {"toureiffel": "eiffeltower", "gizahpyramids": "greatpyramid", "greatpyramidofgiza": "greatpyramid",
           "kutubminar": "qutubminar", "chamaeleon": "chameleon", "lemusee": "louvre"}


def split_key(path) -> str:
    "What the split is drawn from: the file name, or for a GCompris photo its subject (`ALIASES`)."
    stem = Path(path).stem
    if not stem.startswith("gcompris__"):
        return Path(path).name
    subject = re.split(r"_resource_(?:images?_)?", stem)[-1].removesuffix("_background")
    subject = re.sub(r"^(monuments|egypt|france|germany|india|usa|wonders|animals|fishes|renewable|tools|others)_",
                     "", subject)
    subject = re.sub(r"[^a-z0-9]", "", subject.lower())
    subject = "louvre" if subject.startswith("louvre") else subject
    return "gcompris:" + ALIASES.get(subject, subject)


def shares(path, cfg: Config) -> tuple[float, float]:
    "The held-out and tuning shares for this photo's kind (`split_pcts`, else `valid_pct` and `tune_pct`)."
    for kv in cfg.split_pcts.split(","):
        kind, _, pcts = kv.partition("=")
        if kind.strip() and kind.strip() == group_of(path):
            valid, _, tune = pcts.partition(":")
            return float(valid), float(tune)
    return cfg.valid_pct, cfg.tune_pct


def is_valid(path: Path, cfg: Config) -> bool:
    "Held out: never trained on, never used to choose anything; the card's numbers are measured on these."
    return split_of(path, cfg) == "test"


def split_of(path: Path, cfg: Config) -> str:
    """'test' (held out, `is_valid`), 'tune' (the next share by `split_key`: fastai's validation set while
    training and the photos the temperature and colour strength are chosen on) or 'train'."""
    f = stable_fraction(split_key(path))
    valid, tune = shares(path, cfg)
    return "test" if f < valid else "tune" if f < valid + tune else "train"


STREETS = ("scenes/images/scratch__Outdoors_", "scenes/images/gcompris__categorization_resource_images_monuments_",
           "scenes/images/gcompris__explore_monuments_", "scenes/images/opencv-doc__building",
           "scenes/images/opencv-doc__leuven")


def is_street(path) -> bool:
    "Streets and buildings among the scenes, by file name (Scratch's outdoor backdrops, GCompris's monuments)."
    return any(k in str(path).replace("\\", "/") for k in STREETS)


def group_of(path) -> str:
    """The kind of photo, for the metrics: 'pets' (Oxford-IIIT Pet), 'cats_vs_dogs' (Kaggle), 'scenes' (the varied
    scenes folder), 'coco' (COCO), 'other'."""
    folder = str(Path(path).parent).lower()
    return next((g for g, keys in GROUPS.items() if any(k in folder for k in keys)), "other")


def per_kind(text: str, name: str, least: int = 1) -> dict:
    "'kind=n,...' -> {kind: n}, kinds of `GROUPS`, n at least `least`."
    pairs = [kv.partition("=") for kv in text.split(",") if kv.strip()]
    times = {k.strip(): int(v) if v.strip().isdigit() else -1 for k, _, v in pairs}
    if set(times) - set(GROUPS) or any(t < least for t in times.values()):
        raise ValueError(f"{name} {text!r}: KIND=TIMES,... with kinds {sorted(GROUPS)}, times at least {least}")
    return times


def repeats(paths, oversample: str) -> np.ndarray:
    "How many times an epoch each photo is seen: `oversample` ('scenes=10,pets=2') by kind of photo, else once."
    times = per_kind(oversample, "oversample")
    return np.array([times.get(group_of(p), 1) for p in paths], dtype=np.int64)


def crop_items(paths, crops: str) -> list[str]:
    "The extra training views of `crops` ('scenes=6'): 'PATH#k' for the k-th crop of each photo of those kinds."
    n = per_kind(crops, "crops", least=0)
    return [f"{p}#{k}" for p in paths for k in range(n.get(group_of(p), 0))]


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


CROP_SCALES = (0.8, 0.6, 0.45)  # the crops' sides, as shares of the photo's short side


def crop_box(item: str, width: int, height: int) -> tuple[int, int, int, int]:
    "The k-th crop of 'PATH#k': a square of side CROP_SCALES[k % 3] of the short side, at a place fixed by the name."
    path, _, k = item.rpartition("#")
    side = round(CROP_SCALES[int(k) % len(CROP_SCALES)] * min(width, height))
    fx, fy = stable_fraction("x" + item), stable_fraction("y" + item)
    left, top = round(fx * (width - side)), round(fy * (height - side))
    return left, top, left + side, top + side


def square_view(path, size: int) -> np.ndarray:
    """A photo as the cached-features training sees it: short side scaled to `size` (the serving path's working
    scale), the centre square cut out; RGB (3, size, size) in [0, 1]. 'PATH#k' (`crop_items`): the k-th crop of
    the photo (`crop_box`) at full resolution, scaled to `size`, mirrored for odd k."""
    if "#" in str(path) and not Path(str(path)).exists():
        img = open_image(str(path).rpartition("#")[0], max_side=4 * size)
        crop = img.crop(crop_box(str(path), *img.size)).resize((size, size), Image.BILINEAR)
        if int(str(path).rpartition("#")[2]) % 2:
            crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
        return image_to_array(crop)
    img = open_image(path, max_side=2 * size)
    scale = size / min(img.size)
    w, h = max(size, round(img.width * scale)), max(size, round(img.height * scale))
    img = img.resize((w, h), Image.BILINEAR)
    left, top = (w - size) // 2, (h - size) // 2
    return image_to_array(img.crop((left, top, left + size, top + size)))
