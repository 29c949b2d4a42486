"""The .zip files the teach tests and the teach benchmark send: real photos by label, and each kind of bad archive."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from shared.tasks.pets.teach.photos import make_zip as labelled_zip  # noqa: F401  (the tests' name for it)

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
    out.update(hostile_zips(folder, real))
    return out


def patched(archive: Path, entry: str, edit) -> Path:
    "The archive with `edit(raw, offset, local)` applied to both of `entry`'s headers (local=True: the local one)."
    raw = bytearray(archive.read_bytes())
    name = entry.encode()
    for sig, local in ((b"PK\x03\x04", True), (b"PK\x01\x02", False)):
        at = raw.find(sig)
        while at >= 0:
            start = at + (30 if local else 46)
            if raw[start:start + len(name)] == name:
                edit(raw, at, local)
                break
            at = raw.find(sig, at + 4)
    archive.write_bytes(bytes(raw))
    return archive


def hostile_zips(folder: Path, real: list[bytes]) -> dict[str, tuple[Path, str]]:
    "Issue 31's damaged and hostile archives, each -> (archive, a regex of the one message naming what is wrong)."
    layout = {"a/1.jpg": real[0], "a/2.jpg": real[1], "b/1.jpg": real[2], "b/2.jpg": real[3]}
    make = lambda name, method=zipfile.ZIP_DEFLATED: entries_zip(folder / f"{name}.zip", layout, method)

    def field(offset_local, offset_central, value, size=4):
        def edit(raw, at, local):
            o = at + (offset_local if local else offset_central)
            if o >= at:
                raw[o:o + size] = value.to_bytes(size, "little")
        return edit

    out = {}
    # the uncompressed size both headers claim: 100 bytes of a 60 KB photo (Python stops there, then the CRC fails)
    out["lying_size"] = (patched(make("lying_size"), "a/1.jpg", field(22, 24, 100)), "does not match its checksum")
    out["bad_crc"] = (patched(make("bad_crc", zipfile.ZIP_STORED), "b/1.jpg", field(14, 16, 0x12345678)),
                      "does not match its checksum")
    def corrupt(raw, at, local):  # the first deflate block's header: block type 3, which does not exist
        if local:
            start = at + 30 + int.from_bytes(raw[at + 26:at + 28], "little") + int.from_bytes(raw[at + 28:at + 30], "little")
            raw[start] = 0xFF
    out["corrupt_deflate"] = (patched(make("corrupt_deflate"), "a/2.jpg", corrupt), "compressed data .* is damaged")
    out["encrypted"] = (patched(make("encrypted"), "a/1.jpg", field(6, 8, 0x1, 2)), "encrypted")
    out["deflate64"] = (patched(make("deflate64"), "b/2.jpg", field(8, 10, 9, 2)), "deflate64")
    overlapping = make("overlapping", zipfile.ZIP_STORED)
    with zipfile.ZipFile(overlapping) as zf:
        first = zf.getinfo("a/1.jpg").header_offset
    out["overlapping"] = (patched(overlapping, "b/2.jpg", field(-1000, 42, first)), "overlap")
    # a million entries, as the end-of-central-directory record counts them (zip64): refused before the directory
    many = make("million_entries", zipfile.ZIP_STORED)
    raw = bytearray(many.read_bytes())
    end = raw.rfind(b"PK\x05\x06")
    directory = int.from_bytes(raw[end + 12:end + 16], "little")
    start = int.from_bytes(raw[end + 16:end + 20], "little")
    record = (b"PK\x06\x06" + (44).to_bytes(8, "little") + (45).to_bytes(2, "little") * 2 + bytes(8)
              + (1_000_000).to_bytes(8, "little") * 2 + directory.to_bytes(8, "little") + start.to_bytes(8, "little"))
    locator = b"PK\x06\x07" + bytes(4) + end.to_bytes(8, "little") + (1).to_bytes(4, "little")
    eocd = raw[end:end + 8] + b"\xff\xff\xff\xff" + raw[end + 12:]
    many.write_bytes(bytes(raw[:end]) + record + locator + bytes(eocd))
    out["million_entries"] = (many, "holds 1,000,000 entries")
    return out


def huge_png(side: tuple[int, int] = (7000, 6000)) -> bytes:
    buf = io.BytesIO()
    Image.new("L", side, 128).save(buf, "PNG", compress_level=1)
    return buf.getvalue()
