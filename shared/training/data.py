"""Where the data lives: `../shared/data` beside the checkout here (or $CHAPTER_ONE_DATA); fastai's URLs online."""
from __future__ import annotations

import os
from pathlib import Path

from shared import REPO


def data_dir() -> Path:
    "The local data folder: $CHAPTER_ONE_DATA, else ../shared/data beside the checkout."
    return Path(os.environ.get("CHAPTER_ONE_DATA", REPO.parent / "shared" / "data"))


def local_or_download(local: str, url: str, sub: str = "") -> Path:
    """A folder of `data_dir()` when it exists; else fastai's `untar_data(url)` (needs the internet).

    `local` may also be an absolute folder of the user's own data.
    """
    path = Path(local) if Path(local).is_absolute() else data_dir() / local
    if path.exists():
        return path
    from fastai.data.external import untar_data
    return untar_data(url) / sub
