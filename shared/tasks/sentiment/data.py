"""The IMDB reviews: the labelled training / validation frame, for both parts (pandas; no torch)."""
from __future__ import annotations

from pathlib import Path

from shared.training.data import data_dir, local_or_download

from .config import Common


def read_reviews(cfg: Common):
    "A DataFrame (label, text, is_valid) of labelled reviews."
    import pandas as pd
    if cfg.data == "download":
        from fastai.data.external import URLs
        df = imdb_folder_frame(local_or_download("imdb-download", URLs.IMDB))  # untar_data(URLs.IMDB) online
    else:
        folder = Path(cfg.data) if Path(cfg.data).is_absolute() else data_dir() / cfg.data
        csv = folder / "imdb_train_valid.csv.gz"
        df = pd.read_csv(csv if csv.exists() else folder / "texts.csv")[["label", "text", "is_valid"]]
    if cfg.max_train_samples or cfg.train_offset:
        end = cfg.train_offset + cfg.max_train_samples if cfg.max_train_samples else None
        # a tiny run also shrinks the validation set; with `valid_samples` the run names its own slice, and the
        # rest stays for `shared.training.evaluate` (the reviews a transformer's combination was not fitted on)
        n_valid = max(50, cfg.max_train_samples // 3) if cfg.max_train_samples and not cfg.valid_samples else None
        df = pd.concat([df[~df.is_valid].sample(frac=1, random_state=cfg.seed)[cfg.train_offset:end],
                        df[df.is_valid].sample(frac=1, random_state=cfg.seed)[:n_valid]])
    return df.reset_index(drop=True)


def imdb_folder_frame(path: Path):
    "fastai's URLs.IMDB folder (train|test/pos|neg/*.txt) -> DataFrame; test reviews are the validation set."
    import pandas as pd
    rows = [(("negative", "positive")[lab == "pos"], f.read_text(encoding="utf-8"), split == "test")
            for split in ("train", "test") for lab in ("neg", "pos") for f in sorted((path / split / lab).glob("*.txt"))]
    return pd.DataFrame(rows, columns=["label", "text", "is_valid"])
