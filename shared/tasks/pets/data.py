"""Which photos teach the pets model and which are held out: a DataFrame of (path, label, is_valid)."""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from shared.training.data import data_dir, local_or_download
from shared.serving.images import PHOTO_SUFFIXES
from shared.tasks.pets.config import Config, breed_of, is_cat_breed



def url(name: str) -> str:
    "fastai's download address of a dataset (used only when the local copy is missing)."
    from fastai.data.external import URLs
    return getattr(URLs, name)


def stable_fraction(name: str) -> float:
    "A number in [0, 1) fixed by the file name: splits that do not move when folders grow."
    return zlib.crc32(name.encode()) / 2**32


def oxford_files(cfg: Config) -> list[Path]:
    folders = [local_or_download("oxford-iiit-pet/images" if f == "download" else f, url("PETS"), "images")
               for f in cfg.oxford.split(",") if f]
    return sorted(p for d in folders for p in d.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)


# Photos of the negatives' folders that DO show a cat or a dog (looked at one by one): left out of "neither"
SHOWS_A_PET = {
    # scenes/images
    "caer__puppy.jpg", "gcompris__erase_resource_kitten.jpg", "gcompris__explore_farm_animals_resource_animals_cat.jpg",
    "gcompris__explore_farm_animals_resource_animals_dog.jpg", "opencv-doc__chicky_512.jpg",
    "skimage-sklearn__chelsea.jpg", "lomiri-wallpapers__friends_by_Aitzol_Berasategi.jpg",
    # coco_tiny/images
    *(f"{n:012d}.jpg" for n in (20087, 75591, 88789, 89109, 89350, 97029, 102841, 138567, 170406, 253785, 256533,
                                308083, 375568, 534252, 575219)),
}


def negative_files(cfg: Config) -> list[Path]:
    "Photos with no cat and no dog (cfg.negatives' folders, less SHOWS_A_PET): what 'neither' is measured on."
    folders = [Path(f) if Path(f).is_absolute() else data_dir() / f for f in cfg.negatives.split(",") if f]
    return sorted(p for d in folders if d.is_dir() for p in d.iterdir()
                  if p.suffix.lower() in PHOTO_SUFFIXES and p.name not in SHOWS_A_PET)


def folder_items(cfg: Config):
    """Your own photos: `folder/<label>/<photo>`; labels are the subfolder names. valid_pct of each label's
    photos (at least one, chosen by a stable hash of the file name) are held out for the model card."""
    import pandas as pd
    root = Path(cfg.folder).expanduser()
    by_label = {d.name: sorted((p for p in d.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES),
                               key=lambda p: stable_fraction(p.name))
                for d in sorted(root.iterdir()) if d.is_dir()} if root.is_dir() else {}
    by_label = {label: paths for label, paths in by_label.items() if paths}
    if len(by_label) < 2 or min(map(len, by_label.values())) < 2:
        raise ValueError(f"{root}: need at least two subfolders (one per label) of at least two photos each, "
                         f"found {({k: len(v) for k, v in by_label.items()})}")
    rows = []
    for label, paths in by_label.items():
        n_valid = max(1, round(cfg.valid_pct * len(paths)))
        rows += [(str(p), label, i < n_valid) for i, p in enumerate(paths)]
    return pd.DataFrame(rows, columns=["path", "label", "is_valid"]), sorted(by_label)


def items(cfg: Config):
    """A DataFrame of (path, label, is_valid): breeds for Oxford photos, cat/dog for the Kaggle ones, 'neither' for
    the photos with no cat or dog; and the labels (the breeds)."""
    import pandas as pd
    if cfg.folder:
        df, labels = folder_items(cfg)
        return tiny(df, cfg), labels
    rows, by_breed = [], {}
    for p in oxford_files(cfg):
        by_breed.setdefault(breed_of(p), []).append(p)
    rng = np.random.default_rng(cfg.seed)
    for breed, paths in sorted(by_breed.items()):
        paths = sorted(paths, key=lambda p: stable_fraction(p.name))
        valid, train = paths[:cfg.valid_per_breed], paths[cfg.valid_per_breed:]
        spare = []
        if cfg.per_breed and train:  # balance: repeat rare breeds, cap common ones
            want = cfg.per_breed if len(train) < cfg.per_breed else min(len(train), 2 * cfg.per_breed)
            train, spare = [train[i] for i in rng.permutation(np.resize(np.arange(len(train)), want))], train[want:]
            spare = spare if cfg.spare_as_species else []
        species = "cat" if is_cat_breed(breed) else "dog"
        rows += ([(str(p), breed, True) for p in valid] + [(str(p), breed, False) for p in train]
                 + [(str(p), species, False) for p in spare])
    if cfg.cats_dogs:
        folder = local_or_download(cfg.cats_dogs, url("DOGS"))
        for p in sorted(folder.rglob("*.jpg")):
            if stable_fraction(p.name) < cfg.cats_dogs_share:
                rows.append((str(p), p.name.split(".")[0], stable_fraction(p.name) < cfg.valid_pct))
    if cfg.negatives:  # "neither": they teach no output, they set and measure the neither threshold's slope
        rows += [(str(p), "neither", stable_fraction(p.name) < cfg.valid_pct) for p in negative_files(cfg)]
    return tiny(pd.DataFrame(rows, columns=["path", "label", "is_valid"]), cfg), sorted(by_breed)


def tiny(df, cfg: Config):
    "max_train_samples > 0: that many random training photos and a quarter as many (at least 8) held out."
    if not cfg.max_train_samples:
        return df
    import pandas as pd
    return pd.concat([df[~df.is_valid].sample(frac=1, random_state=cfg.seed)[:cfg.max_train_samples],
                      df[df.is_valid].sample(frac=1, random_state=cfg.seed)[:max(8, cfg.max_train_samples // 4)]])
