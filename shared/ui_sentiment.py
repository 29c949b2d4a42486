"""What the sentiment Space shows: the words with their pushes (for gr.HighlightedText) and a one-paragraph verdict."""
from __future__ import annotations

import re

from shared.tasks.sentiment.config import MAX_CHARS
from shared.tasks.sentiment.serve import Reading


def display_tokens(tokens: list[str], weights: list[float]) -> list[tuple[str, float | None]]:
    """(text, push) pairs for gr.HighlightedText: fastai's markers folded back into the words they mark
    (xxmaj word -> Word, xxup word -> WORD, xxrep 4 ! -> !!!!), pushes scaled to [-1, 1] (+ = positive)."""
    scale = max((abs(w) for w in weights), default=0.0) or 1.0
    out, i, case = [], 0, None
    while i < len(tokens):
        t = tokens[i]
        if t == "xxbos":
            i += 1
            continue
        if t in ("xxmaj", "xxup"):
            case, i = t, i + 1
            continue
        text, w = t, weights[i]
        if t in ("xxrep", "xxwrep") and i + 2 < len(tokens) and tokens[i + 1].isdigit():
            n, what = int(tokens[i + 1]), tokens[i + 2]
            text, w = (what * n if t == "xxrep" else " ".join([what] * n)), sum(weights[i:i + 3])
            i += 2
        if case == "xxmaj":
            text = text[:1].upper() + text[1:]
        elif case == "xxup":
            text = text.upper()
        case = None
        if out and not re.fullmatch(r"[.,!?;:)\]}'\"]+", text):
            out.append((" ", None))
        out.append((text, round(w / scale, 3) if w else None))
        i += 1
    return out


def verdict(reading: Reading) -> str:
    "One honest paragraph: the call, how sure, and what to be wary of."
    label, p = max(reading.probs.items(), key=lambda kv: kv[1])
    notes = []
    if reading.truncated:
        notes.append(f"Only the first {MAX_CHARS:,} characters were read (the review is longer).")
    if reading.words < 5:
        notes.append("This is very short for a review: the answer rests on a word or two.")
    elif reading.known < 0.3 * reading.words:
        notes.append("Most of these words are unknown to the model (it learned from English IMDB reviews), "
                     "so the answer rests on the few it knows.")
    sure = "fairly sure" if p >= 0.8 else "leaning" if p >= 0.6 else "unsure, slightly"
    return " ".join([f"**{label.capitalize()}** ({p:.0%}; {sure})."] + notes)
