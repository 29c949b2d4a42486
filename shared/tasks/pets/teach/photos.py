"""A visitor's .zip -> photos by label (one folder per label, the training CLI's `--folder` layout), read safely.

Nothing is extracted to disk: entries are read into memory one at a time, with caps on the number of entries (read
from the end-of-central-directory record before the directory is parsed), on each entry's and the whole archive's
uncompressed size (checked while reading, so a lying header does not help a zip bomb), on labels and photos. Each
entry is read through its own directory record, never by name; a name that comes twice is read once. An entry whose
name leaves the archive (`../`, an absolute path), entries that overlap, encryption, a compression method Python
cannot read and damaged data (bad deflate stream, wrong CRC, truncation) each refuse the archive with one message
naming the entry and what is wrong. Every refusal is a `Refused` (shared.serving.errors), its words in the pets Space's
words (English and Korean).
"""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from shared.serving.errors import Phrase, Refused
from shared.serving.images import PHOTO_SUFFIXES
from shared.tasks.pets.teach.limits import Limits
from shared.tasks.pets.words import T


@dataclass
class Album:
    "The photos of a .zip by label: their directory records (read one by one with `read`), and what was left out."
    path: str
    photos: dict[str, list[zipfile.ZipInfo]]
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return sorted(self.photos)

    def items(self) -> list[tuple[str, zipfile.ZipInfo]]:
        "(label, directory record) for every photo, labels in order."
        return [(label, info) for label in self.labels for info in self.photos[label]]

    def skip(self, reason: str, n: int = 1):
        self.skipped[reason] = self.skipped.get(reason, 0) + n


READABLE = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2",
            zipfile.ZIP_LZMA: "lzma"}
METHODS = {9: "deflate64", 6: "implode", 93: "zstandard", 95: "xz", 98: "ppmd", 99: "AES encryption"}
MAX_DIRECTORY_BYTES = 8 * 2**20  # the central directory Python parses at once: ~10,000 entries with long names


def safe_name(name: str) -> PurePosixPath | None:
    "The entry's path inside the archive, or None when it would leave it (absolute, `..`, a drive letter)."
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        return None
    return path


def open_album(path, limits: Limits = Limits()) -> Album:
    "List the photos of the .zip at `path` by label (their folder's name), checking every limit that needs no decoding."
    hint = Phrase(T, "t_hint", min=limits.min_per_label)
    if path is None:
        raise Refused(T, "t_no_zip", hint=hint)
    entries, directory = directory_size(path)
    if entries > limits.max_entries or directory > MAX_DIRECTORY_BYTES:
        raise Refused(T, "t_directory", entries=f"{entries:,}", mb=f"{directory / 2**20:,.1f}",
                      most=f"{limits.max_entries:,}")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except Exception as e:  # BadZipFile, OSError, EOFError, struct/Unicode errors of a damaged directory
        raise Refused(T, "t_not_zip", why=type(e).__name__, hint=hint) from e
    if len(infos) > limits.max_entries:
        raise Refused(T, "t_entries", entries=f"{len(infos):,}", most=f"{limits.max_entries:,}")
    check_overlaps(infos)
    album = Album(str(path), {})
    total, seen = 0, set()
    for info in infos:
        name = safe_name(info.filename)
        if name is None:
            raise Refused(T, "t_outside", name=repr(info.filename[:80]))
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
        if str(name) in seen:
            album.skip("the same name twice in the .zip (read once)")
            continue
        seen.add(str(name))
        check_readable(info)
        if info.file_size > limits.max_photo_bytes:
            album.skip(f"larger than {limits.max_photo_bytes // 2**20} MB")
            continue
        total += info.file_size
        if total > limits.max_total_bytes:
            raise Refused(T, "t_total", mb=limits.max_total_bytes // 2**20)
        album.photos.setdefault(name.parent.name, []).append(info)
    check_counts(album, limits)
    return album


def directory_size(path) -> tuple[int, int]:
    """(entries, bytes) of the central directory, read from the end-of-central-directory record (zip64's too)
    without parsing the directory; (0, 0) when there is no such record (ZipFile then says what is wrong)."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 22 - 65535))
        tail = f.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            return 0, 0
        entries, directory = int.from_bytes(tail[at + 10:at + 12], "little"), int.from_bytes(tail[at + 12:at + 16], "little")
        if (entries == 0xFFFF or directory == 0xFFFFFFFF) and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
            f.seek(int.from_bytes(tail[at - 12:at - 4], "little"))
            record = f.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                entries = int.from_bytes(record[32:40], "little")
                directory = int.from_bytes(record[40:48], "little")
        return entries, directory


def check_overlaps(infos: list[zipfile.ZipInfo]) -> None:
    "Entries whose data overlap (many names for one compressed stream: a zip bomb's trick) refuse the archive."
    spans = sorted((i.header_offset, i.header_offset + 30 + len(i.orig_filename.encode("utf-8", "replace"))
                    + i.compress_size, i) for i in infos)
    for (start, end, first), (next_start, _, second) in zip(spans, spans[1:]):
        if next_start < end:
            raise Refused(T, "t_overlap", a=repr(first.filename[:60]), b=repr(second.filename[:60]))


def check_readable(info: zipfile.ZipInfo) -> None:
    "Encryption or a compression method Python cannot read refuses the archive, naming the entry."
    if info.flag_bits & 0x1:
        raise Refused(T, "t_encrypted", name=repr(info.filename[:80]))
    if info.compress_type not in READABLE:
        method = METHODS.get(info.compress_type, f"method {info.compress_type}")
        raise Refused(T, "t_method", name=repr(info.filename[:80]), method=method)


def check_counts(album: Album, limits: Limits) -> None:
    "Enough labels, enough photos per label, not too many of either."
    counts = {label: len(names) for label, names in album.photos.items()}
    n = sum(counts.values())
    hint = Phrase(T, "t_hint", min=limits.min_per_label)
    if len(counts) > limits.max_labels:
        raise Refused(T, "t_labels", n=len(counts), most=limits.max_labels)
    if n > limits.max_photos:
        raise Refused(T, "t_photos", n=f"{n:,}", most=limits.max_photos)
    if len(counts) == 1:
        raise Refused(T, "t_one_label", label=repr(next(iter(counts))), hint=hint)
    if not counts:
        raise Refused(T, "t_no_labels", hint=hint)
    few = sorted(label for label, c in counts.items() if c < limits.min_per_label)
    if few:
        raise Refused(T, "t_few", labels=", ".join(repr(f) for f in few[:5]), min=limits.min_per_label, hint=hint)


def read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits = Limits()) -> bytes:
    "One entry's bytes, through its own directory record, never more than the cap (whatever its header claims)."
    name = info.filename[:80]
    try:
        with zf.open(info) as f:
            data = f.read(limits.max_photo_bytes + 1)
    except zipfile.BadZipFile as e:
        if "CRC" in str(e):
            raise Refused(T, "t_crc", name=repr(name)) from None
        raise Refused(T, "t_damaged", name=repr(name), why=str(e)[:120]) from None
    except zlib.error:
        raise Refused(T, "t_deflate", name=repr(name)) from None
    except (EOFError, OSError):
        raise Refused(T, "t_truncated", name=repr(name)) from None
    except (RuntimeError, NotImplementedError) as e:  # encryption or a method the directory did not admit to
        raise Refused(T, "t_unreadable", name=repr(name), why=str(e)[:120]) from None
    if len(data) > limits.max_photo_bytes:
        raise Refused(T, "t_longer", name=repr(name), mb=limits.max_photo_bytes // 2**20)
    return data


def make_zip(target, photos: dict[str, list], top: str = "photos"):
    "The layout this module reads, from files: `top/<label>/<file name>` for each label's photo paths."
    with zipfile.ZipFile(target, "w") as zf:
        for label, paths in photos.items():
            for p in paths:
                zf.write(p, f"{top}/{label}/{PurePosixPath(p).name}")
    return target
