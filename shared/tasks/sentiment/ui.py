"""What the sentiment Space shows: the words with their pushes (for gr.HighlightedText) and a one-paragraph verdict."""
from __future__ import annotations

import re

from shared.tasks.sentiment.config import MAX_CHARS
from shared.serving.errors import Refused
from shared.tasks.sentiment.serve import Reading
from shared.tasks.sentiment.words import T


def answer(predictor, review, lang: str = "en"):
    """Everything the Space shows for a review: (verdict probabilities, the baseline's word pushes, a verdict
    paragraph in `lang`, the transformer's probabilities, the baseline's probabilities). `predictor`: an n-gram Predictor
    (the two last are then None) or verdict.Predictor. Refuses input that cannot be judged."""
    both = hasattr(predictor, "transformer")
    verdict_ = predictor.read(review)
    reading = verdict_.baseline if both else verdict_
    if reading.known == 0:
        raise Refused(T, "no_known_words")
    probs = verdict_.probs
    order = lambda d: {k: d[k] for k in ("positive", "negative")}
    text = verdict(reading, probs, verdict_.transformer if both else None, lang)
    ngram = predictor.baseline if both else predictor
    source = ngram.pipe.before_repeats(ngram.prepare(review)[0])
    return (order(probs), display_tokens(reading.tokens, reading.weights, source), text,
            order(verdict_.transformer) if both else None, order(reading.probs) if both else None)


def sentence_pushes(predictor, review) -> list[tuple[str, float | None]]:
    "The transformer's sentence attributions for gr.HighlightedText (scaled to [-1, 1]); needs verdict.Predictor."
    if not hasattr(predictor, "transformer"):
        raise Refused(T, "no_transformer")
    text, _ = predictor.baseline.prepare(review)
    pushes = predictor.transformer.sentences(text)
    scale = max((abs(w) for _, w in pushes), default=0.0) or 1.0
    return [(s, round(w / scale, 3) if w else None) for s, w in pushes]


def display_tokens(tokens: list[str], weights: list[float], source: str) -> list[tuple[str, float | None]]:
    """(text, push) pairs for gr.HighlightedText: fastai's markers folded back into the words they mark
    (xxmaj word -> Word, xxup word -> WORD, xxrep 4 ! -> !!!!), pushes scaled to [-1, 1] (+ = positive).

    A repeat marker is folded only when the tokenizer made it: its run (`!!!!`, `so so so so`) is in `source`, the
    review as the repeat rules got it (`TextPipeline.before_repeats`), and all the runs folded so far fit in its
    length. A marker the visitor typed (`great xxwrep 121212121 good`) is shown as typed, so the answer stays
    about as long as the review, whatever number it holds."""
    scale = max((abs(w) for w in weights), default=0.0) or 1.0
    haystack = " ".join(source.lower().split())
    budget = len(haystack)  # characters that folded runs may still add
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
        run = repeat_run(tokens[i:i + 3], haystack, budget)
        if run is not None:
            text, w = run, sum(weights[i:i + 3])
            budget -= len(run)
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


def repeat_run(tokens: list[str], haystack: str, budget: int) -> str | None:
    "`xxrep 4 !` -> `!!!!`, `xxwrep 3 so` -> `so so so`, when that run is in the haystack and fits the budget; else None."
    if len(tokens) < 3 or tokens[0] not in ("xxrep", "xxwrep") or not tokens[1].isdecimal() or len(tokens[1]) > 6:
        return None
    n, what = int(tokens[1]), tokens[2]
    size = n * len(what) if tokens[0] == "xxrep" else n * (len(what) + 1) - 1
    if n < 2 or size > budget:
        return None
    run = what * n if tokens[0] == "xxrep" else " ".join([what] * n)
    return run if run in haystack else None


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
