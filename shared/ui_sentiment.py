"""What the sentiment Space shows: the words with their pushes (for gr.HighlightedText) and a one-paragraph verdict."""
from __future__ import annotations

import re

from shared.tasks.sentiment.config import MAX_CHARS
from shared.tasks.sentiment.serve import BadText, Reading
from shared.words.sentiment import T

UNKNOWN = ("The model knows none of these words, so it cannot judge. It learned from English IMDB movie reviews: "
           "please write a few sentences about a film.")


def answer(predictor, review, lang: str = "en"):
    """Everything the Space shows for a review: (verdict probabilities, the baseline's word pushes, a verdict
    paragraph in `lang`, the transformer's probabilities, the baseline's probabilities). `predictor`: an n-gram Predictor
    (the two last are then None) or serve_both.BothModels. Raises BadText for input that cannot be judged."""
    both = hasattr(predictor, "transformer")
    verdict_ = predictor.read(review)
    reading = verdict_.baseline if both else verdict_
    if reading.known == 0:
        raise BadText(UNKNOWN)
    probs = verdict_.probs
    order = lambda d: {k: d[k] for k in ("positive", "negative")}
    text = verdict(reading, probs, verdict_.transformer if both else None, lang)
    return (order(probs), display_tokens(reading.tokens, reading.weights), text,
            order(verdict_.transformer) if both else None, order(reading.probs) if both else None)


def sentence_pushes(predictor, review) -> list[tuple[str, float | None]]:
    "The transformer's sentence attributions for gr.HighlightedText (scaled to [-1, 1]); needs BothModels."
    if not hasattr(predictor, "transformer"):
        raise BadText("This model has no transformer: the word highlights above are its explanation.")
    text, _ = predictor.baseline.prepare(review)
    pushes = predictor.transformer.sentences(text)
    scale = max((abs(w) for _, w in pushes), default=0.0) or 1.0
    return [(s, round(w / scale, 3) if w else None) for s, w in pushes]


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


def verdict(reading: Reading, probs: dict | None = None, transformer: dict | None = None, lang: str = "en") -> str:
    """One honest paragraph: the call, how sure, what each model said (when there are two) and what to be wary of.
    `probs`: the final probabilities (default: the reading's own); `lang`: 'en' or 'ko'."""
    say = lambda key, **values: T.text(key, lang, **values)
    label, p = max((probs or reading.probs).items(), key=lambda kv: kv[1])
    notes = []
    if reading.truncated:
        notes.append(say("truncated", n=f"{MAX_CHARS:,}"))
    if reading.words < 5:
        notes.append(say("short"))
    elif reading.known < 0.3 * reading.words:
        notes.append(say("unknown_words"))
    sure = say("fairly_sure" if p >= 0.8 else "leaning" if p >= 0.6 else "unsure")
    said = []
    if transformer is not None:
        call = lambda d: f"{say(max(d, key=d.get))} ({max(d.values()):.0%})"
        agree = max(transformer, key=transformer.get) == max(reading.probs, key=reading.probs.get)
        said = [say("both_said", t=call(transformer), b=call(reading.probs)) + ("" if agree else say("disagree")) + "."]
    return " ".join([say("headline", label=say(label).capitalize(), p=f"{p:.0%}", sure=sure)] + said + notes)
