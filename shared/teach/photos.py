"""A visitor's .zip -> photos by label (one folder per label, the training CLI's `--folder` layout), read safely.

Nothing is extracted to disk: entries are read into memory one at a time, with caps on the number of entries, on
each entry's and the whole archive's uncompressed size (checked while reading, so a lying header does not help a zip
bomb), on labels and photos. An entry whose name leaves the archive (`../`, an absolute path) refuses the archive.
Every refusal is a `TeachError` whose message is meant for the visitor.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from shared.images import PHOTO_SUFFIXES


class TeachError(ValueError):
    """Input that cannot teach a model; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    max_labels: int = 20
    max_photos: int = 500
    min_per_label: int = 2
    max_entries: int = 10_000               # names in the archive, photos or not
    max_photo_bytes: int = 30 * 2**20       # one photo, uncompressed
    max_total_bytes: int = 500 * 2**20      # the photos together, uncompressed
    max_pixels: int = 40_000_000            # a PNG/WebP/... bigger than this is skipped (JPEGs decode reduced)


@dataclass
class Album:
    "The photos of a .zip by label: entry names (read one by one with `read`), and what was left out."
    path: str
    photos: dict[str, list[str]]
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return sorted(self.photos)

    def items(self) -> list[tuple[str, str]]:
        "(label, entry name) for every photo, labels in order."
        return [(label, name) for label in self.labels for name in self.photos[label]]

    def skip(self, reason: str, n: int = 1):
        self.skipped[reason] = self.skipped.get(reason, 0) + n


HELP = ("Put one folder per label in the .zip, with at least {min} photos in each, e.g. `cats/1.jpg, cats/2.jpg, "
        "dogs/1.jpg, dogs/2.jpg`.")


def safe_name(name: str) -> PurePosixPath | None:
    "The entry's path inside the archive, or None when it would leave it (absolute, `..`, a drive letter)."
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        return None
    return path


def open_album(path, limits: Limits = Limits()) -> Album:
    "List the photos of the .zip at `path` by label (their folder's name), checking every limit that needs no decoding."
    if path is None:
        raise TeachError("No .zip received. " + HELP.format(min=limits.min_per_label))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise TeachError(f"That file is not a readable .zip archive ({type(e).__name__}). "
                         + HELP.format(min=limits.min_per_label)) from e
    with zf:
        infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise TeachError(f"The .zip holds {len(infos):,} entries; at most {limits.max_entries:,} are read.")
    album = Album(str(path), {})
    total = 0
    for info in infos:
        name = safe_name(info.filename)
        if name is None:
            raise TeachError(f"The .zip was refused: its entry {info.filename[:80]!r} points outside the archive "
                             "(an absolute path or `..`). Zip the label folders themselves.")
        if info.is_dir():
            continue
        if any(part.startswith(".") or part == "__MACOSX" for part in name.parts):
            continue  # macOS resource forks, .DS_Store: not the visitor's photos
        if name.suffix.lower() not in PHOTO_SUFFIXES:
            album.skip("not a photo (by its file name)")
            continue
        if len(name.parts) < 2:
            album.skip("not inside a label folder")
            continue
        if info.file_size > limits.max_photo_bytes:
            album.skip(f"larger than {limits.max_photo_bytes // 2**20} MB")
            continue
        total += info.file_size
        if total > limits.max_total_bytes:
            raise TeachError(f"The photos in the .zip add up to more than {limits.max_total_bytes // 2**20} MB "
                             "uncompressed: send smaller photos or fewer of them.")
        album.photos.setdefault(name.parent.name, []).append(info.filename)
    check_counts(album, limits)
    return album


def check_counts(album: Album, limits: Limits) -> None:
    "Enough labels, enough photos per label, not too many of either."
    counts = {label: len(names) for label, names in album.photos.items()}
    n = sum(counts.values())
    hint = HELP.format(min=limits.min_per_label)
    if len(counts) > limits.max_labels:
        raise TeachError(f"The .zip has {len(counts)} labels (folders); this tab teaches at most {limits.max_labels}.")
    if n > limits.max_photos:
        raise TeachError(f"The .zip has {n:,} photos; this tab teaches from at most {limits.max_photos} "
                         "(a few dozen per label is plenty).")
    if len(counts) < 2:
        found = f"only one label ({next(iter(counts))!r})" if counts else "no photos in label folders"
        raise TeachError(f"The .zip has {found}: a classifier needs at least two labels to choose between. {hint}")
    few = sorted(label for label, c in counts.items() if c < limits.min_per_label)
    if few:
        raise TeachError(f"Too few photos for {', '.join(repr(f) for f in few[:5])}: each label needs at least "
                         f"{limits.min_per_label} (one to learn from while another is held out to measure). {hint}")


def read(zf: zipfile.ZipFile, name: str, limits: Limits = Limits()) -> bytes:
    "One entry's bytes, never more than the cap (whatever its header claims)."
    with zf.open(name) as f:
        data = f.read(limits.max_photo_bytes + 1)
    if len(data) > limits.max_photo_bytes:
        raise TeachError(f"{name!r} is larger than its header says ({limits.max_photo_bytes // 2**20} MB read): "
                         "the .zip was refused.")
    return data


def make_zip(target, photos: dict[str, list], top: str = "photos"):
    "The layout this module reads, from files: `top/<label>/<file name>` for each label's photo paths."
    with zipfile.ZipFile(target, "w") as zf:
        for label, paths in photos.items():
            for p in paths:
                zf.write(p, f"{top}/{label}/{PurePosixPath(p).name}")
    return target
