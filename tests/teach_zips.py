"""The .zip files the teach tests and the teach benchmark send: real photos by label, and each kind of bad archive."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from shared.teach.photos import make_zip as labelled_zip  # noqa: F401  (the tests' name for it)

LOOK_ALIKES = ["Abyssinian", "Bengal", "Birman", "Egyptian_Mau", "Ragdoll", "Siamese"]  # six look-alike cat breeds


def photos_of(images: Path, breed: str) -> list[Path]:
    return sorted(images.glob(f"{breed}_*.jpg"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))


def small_photo(side: int = 64, color=(200, 120, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (side, side), color).save(buf, "JPEG")
    return buf.getvalue()


def entries_zip(target: Path, entries: dict[str, bytes], compression=zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(target, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data, compress_type=compression)
    return target


def bad_zips(folder: Path, photos: list[Path]) -> dict[str, tuple[Path, str]]:
    "name -> (archive, a regex of the message it must get). `photos`: at least 4 real photos."
    folder.mkdir(parents=True, exist_ok=True)
    real = [p.read_bytes() for p in photos[:4]]
    out = {}
    (folder / "not_a_zip.zip").write_text("just text\n")
    out["not_a_zip"] = (folder / "not_a_zip.zip", "not a readable .zip")
    zeros = bytes(30 * 2**20)
    out["zip_bomb"] = (entries_zip(folder / "bomb.zip", {f"a/{i}.jpg": zeros for i in range(17)}, zipfile.ZIP_DEFLATED),
                       "more than 500 MB uncompressed")
    out["path_traversal"] = (entries_zip(folder / "traversal.zip", {"a/1.jpg": real[0], "a/2.jpg": real[1],
                                                                    "../../b/1.jpg": real[2], "b/2.jpg": real[3]}),
                             "points outside the archive")
    out["one_label"] = (entries_zip(folder / "one_label.zip", {f"cats/{i}.jpg": r for i, r in enumerate(real)}),
                        "only one label")
    out["one_photo_label"] = (entries_zip(folder / "one_photo.zip", {"a/1.jpg": real[0], "a/2.jpg": real[1],
                                                                     "a/3.jpg": real[2], "b/1.jpg": real[3]}),
                              "Too few photos for 'b'")
    out["hundred_labels"] = (entries_zip(folder / "labels.zip", {f"l{i}/{j}.jpg": real[j] for i in range(100)
                                                                 for j in range(2)}), "has 100 labels")
    tiny = small_photo(8)
    out["five_thousand_photos"] = (entries_zip(folder / "many.zip", {f"l{i % 10}/{i}.jpg": tiny for i in range(5000)}),
                                   "has 5,000 photos")
    out["no_readable_photos"] = (entries_zip(folder / "fakes.zip", {f"{label}/{i}.jpg": b"not a photo"
                                                                    for label in "ab" for i in range(3)}),
                                 "could be read")
    return out


def huge_png(side: tuple[int, int] = (7000, 6000)) -> bytes:
    buf = io.BytesIO()
    Image.new("L", side, 128).save(buf, "PNG", compress_level=1)
    return buf.getvalue()
