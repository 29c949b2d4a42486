"""What the teach tab shows: the report (labels and counts, the held-out estimate, what was skipped) and the
confusion matrix as a picture (PIL only)."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .teacher import Taught


def text(taught: Taught, lang: str = "en") -> str:
    """Markdown, in `lang` ('en' or 'ko'): labels and counts, the held-out estimate and how it was measured,
    skipped files, the time taken."""
    from shared.tasks.pets.words import SKIPPED_KO, T
    say = lambda key, **values: T.text(key, lang, **values)
    shown = lambda reason: SKIPPED_KO.get(reason, reason) if lang == "ko" else reason
    n = sum(taught.counts.values())
    rows = "\n".join(f"| {cell(label)} | {count} | {taught.confusion[i, i]} / {taught.confusion[i].sum()} |"
                     for i, (label, count) in enumerate(taught.counts.items()))
    skipped = "".join("\n" + say("r_skipped", count=count, reason=shown(reason)) for reason, count in taught.skipped.items())
    chance = 1 / len(taught.labels)
    return "\n\n".join([
        say("r_title", labels=len(taught.labels), photos=n, seconds=f"{taught.seconds['total']:.1f}"),
        say("r_estimate", acc=f"{taught.accuracy:.0%}", chance=f"{chance:.0%}", folds=taught.folds),
        f"{say('r_header')}\n|---|---|---|\n{rows}\n{skipped}",
        say("r_how", features=taught.weight.shape[1])])


def cell(label: str) -> str:
    "A label as one Markdown table cell: `|` escaped, line breaks and tabs as spaces (a folder name may hold any)."
    return " ".join(label.replace("\\", "\\\\").replace("|", "\\|").split()) or "(no name)"


def font(size: int):
    "NanumGothic where it is installed (labels in Korean, or any Hangul a folder name holds), else Pillow's own."
    from shared.serving.fonts import hangul_fonts
    if hangul_fonts():
        return ImageFont.truetype(hangul_fonts()[0], size)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has one fixed size
        return ImageFont.load_default()


def confusion_image(labels: list[str], confusion: np.ndarray, cell: int = 44, lang: str = "en") -> np.ndarray:
    """The confusion matrix as an RGB picture: rows are the true labels, columns the predicted ones; its words in
    `lang` (English where no Hangul font is installed)."""
    from shared.serving.fonts import hangul_fonts
    from shared.tasks.pets.words import T
    say = lambda key: T.text(key, lang if hangul_fonts() else "en")
    k = len(labels)
    names = [label.replace("_", " ")[:18] for label in labels]
    small, big = font(13), font(15)
    margin = 10 + max(int(small.getlength(n)) for n in names)
    top = 40 + margin
    caption = say("c_rows")
    w, h = max(margin + k * cell + 20, int(small.getlength(caption)) + 10), top + k * cell + 30
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    draw.text((margin, 6), say("c_predicted"), fill="black", font=big)
    for j, name in enumerate(names):  # column labels, written upwards
        tile = Image.new("RGB", (margin, cell), "white")
        ImageDraw.Draw(tile).text((4, cell // 2 - 8), name, fill="black", font=small)
        img.paste(tile.rotate(90, expand=True), (margin + j * cell, 30))
    rows = confusion.sum(1, keepdims=True).clip(min=1)
    for i, name in enumerate(names):
        draw.text((4, top + i * cell + cell // 2 - 8), name, fill="black", font=small)
        for j in range(k):
            share = confusion[i, j] / rows[i, 0]
            shade = (int(255 - 200 * share), int(255 - 120 * share), 255) if i == j else \
                (255, int(255 - 170 * share), int(255 - 170 * share))
            box = (margin + j * cell, top + i * cell, margin + (j + 1) * cell - 1, top + (i + 1) * cell - 1)
            draw.rectangle(box, fill=shade, outline=(200, 200, 200))
            if confusion[i, j]:
                draw.text((box[0] + cell // 2, box[1] + cell // 2), str(confusion[i, j]), fill="black", font=big,
                          anchor="mm")
    draw.text((4, h - 22), caption, fill="black", font=small)
    return np.asarray(img)
