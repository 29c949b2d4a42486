"""The teach tab's sample: spaces/pets/teach_sample.zip, three breeds from a few Oxford-IIIT Pet photos each
(CC BY-SA 4.0, Parkhi et al. 2012), scaled down so the .zip stays small for a phone. Rebuild it with

    python -m shared.tasks.pets.teach.sample            # from ../shared/data/pets/images
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from shared import REPO

BREEDS = {"Abyssinian": "Abyssinian", "Persian": "Persian", "Pug": "pug"}  # label -> file prefix
PER_LABEL, SIDE = 6, 360
TARGET = REPO / "spaces" / "pets" / "teach_sample.zip"


def build(images: Path, target: Path = TARGET) -> Path:
    "The .zip (photos/<label>/<file>.jpg), the same bytes for the same photos (fixed dates, sorted names)."
    from PIL import Image
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zf:
        for label, prefix in BREEDS.items():
            for path in sorted(images.glob(f"{prefix}_*.jpg"))[:PER_LABEL]:
                with Image.open(path) as im:
                    im = im.convert("RGB")
                    im.thumbnail((SIDE, SIDE))
                    buf = io.BytesIO()
                    im.save(buf, "JPEG", quality=82, optimize=True)
                info = zipfile.ZipInfo(f"photos/{label}/{path.name}", date_time=(2024, 1, 1, 0, 0, 0))
                zf.writestr(info, buf.getvalue())
    return target


if __name__ == "__main__":
    from shared.training.data import data_dir
    out = build(data_dir() / "pets" / "images")
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")
