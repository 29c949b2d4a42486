"""A picture of how the model does: rows of held-out photos as (grey input | ours | truth), for cards and READMEs.

    python -m shared.tasks.colorize.grid spaces/colorize/model spaces/colorize/held_out.jpg

Serving side (the Predictor, numpy and PIL). The photos are held-out ones of the model's own folders (never
trained on, never tuned on) from the folders that may be shown: Oxford-IIIT Pet, COCO and some scenes, not Kaggle's.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

from .colour import grey
from .config import Config, train_config
from .data import group_of, stable_fraction, valid_photos
from .evaluate import truth_photo

SHOWABLE = "pets/images,pets-extra/images,coco_tiny/images,scenes/images"  # Kaggle's photos may be trained on, not shipped
# Scenes shown only from sources whose licence lets the Space ship them, attributed in its README: Scratch's
# backdrops (CC BY-SA 3.0) and GCompris's photos of French and Indian monuments (Wikimedia Commons, Public Domain
# as GCompris's explore_monuments/resource/README lists them).
SHOWABLE_SCENES = ("scratch__", "gcompris__explore_monuments_resource_france_", "gcompris__explore_monuments_resource_india_")


def pick(config: dict, pets: int = 3, scenes: int = 2, coco: int = 1) -> list[str]:
    "A fixed few held-out photos of each kind (chosen by a hash of the name, not by how well they came out)."
    cfg = Config(**{**train_config(config.get("train_config", {})).__dict__, "folders": SHOWABLE})
    photos = sorted(valid_photos(cfg), key=lambda p: stable_fraction("grid" + p[::-1]))
    showable = [p for p in photos if group_of(p) != "scenes" or Path(p).name.startswith(SHOWABLE_SCENES)]
    return [p for kind, n in (("pets", pets), ("scenes", scenes), ("coco", coco))
            for p in [p for p in showable if group_of(p) == kind][:n]]


def square(img: Image.Image, side: int) -> Image.Image:
    "The centre square of `img`, `side` px."
    short = min(img.size)
    left, top = (img.width - short) // 2, (img.height - short) // 2
    return img.crop((left, top, left + short, top + short)).resize((side, side), Image.BILINEAR)


def comparison(predictor, paths, side: int = 200) -> Image.Image:
    """One row per photo: the grey input, the model's colours (the whole photo through the serving path, at most
    512 px), the truth; the centre square of each, `side` px."""
    head, gap = 24, 4
    out = Image.new("RGB", (3 * side + 2 * gap, head + len(paths) * (side + gap)), "white")
    draw = ImageDraw.Draw(out)
    for col, label in enumerate(("grey input", "ours", "truth")):
        draw.text((col * (side + gap) + 4, 6), label, fill="black")
    for row, path in enumerate(paths):
        truth, _ = truth_photo(path)
        for col, im in enumerate((grey(truth), predictor.colorize(truth), truth)):
            out.paste(square(im, side), (col * (side + gap), head + row * (side + gap)))
    return out


def main(argv=None):
    from .serve import Predictor
    p = argparse.ArgumentParser(prog="python -m shared.tasks.colorize.grid", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("out", help="image file to write (.jpg or .png)")
    args = p.parse_args(argv)
    predictor = Predictor.load(args.model)
    comparison(predictor, pick(predictor.config)).save(args.out, quality=90)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
