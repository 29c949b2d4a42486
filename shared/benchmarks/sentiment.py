"""Sentiment speed: the lean Predictor against fastai's learn.predict on the same weights, in the same run,
for a 50-word and a 500-word review; a 10,000-word review and 1 MB of text answer in bounded time (cut at
30,000 characters, and the app says so).

    python -m shared.bench sentiment
"""
from __future__ import annotations

import os
from pathlib import Path

from shared.bench import summary, timings
from shared.tasks.sentiment import train
from shared.tasks.sentiment.config import MAX_CHARS
from shared.tasks.sentiment.serve import Predictor
from shared.ui_sentiment import display_tokens

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "spaces" / "sentiment" / "app.py"
MODEL = os.environ.get("SENTIMENT_MODEL", str(APP.parent / "model"))


def review_of(words: int) -> str:
    "The first `words` words of the Space's example reviews (real IMDB test reviews), repeated as needed."
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((APP.parent / "examples").glob("*.txt")))
    pool = text.split()
    return " ".join(pool[i % len(pool)] for i in range(words))


def run(args) -> list[dict]:
    n = 5 if args.quick else 100
    predictor = Predictor.load(MODEL)
    learn = train.fastai_learner(MODEL)
    rows = []
    for words in (50, 500):
        text = review_of(words)
        assert abs(predictor.read(text).probs["positive"] - float(learn.predict(text)[2][1])) < 1e-4
        with learn.no_bar():
            fastai = summary(timings(lambda: learn.predict(text), n))
        probs = summary(timings(lambda: predictor.predict([text]), n))
        full = summary(timings(lambda: display_tokens(*_tw(predictor.read(text))), n))
        measure = f"{words}-word review"
        rows += [{"measure": measure, "path": "fastai learn.predict", **fastai},
                 {"measure": measure, "path": "ONNX Predictor: probabilities + word attributions", **probs,
                  "speedup_p50": round(fastai["p50_ms"] / probs["p50_ms"], 1)},
                 {"measure": measure, "path": "ONNX Predictor + HighlightedText value (what the app returns)", **full}]
    for label, text in (("10,000-word review", review_of(10_000)), ("1 MB of text", "great fun! " * 95_326)):
        reading = predictor.read(text)
        rows.append({"measure": label, "path": f"ONNX Predictor (cut at {MAX_CHARS:,} chars: "
                                              f"{reading.truncated})", **summary(timings(lambda: predictor.read(text),
                                                                                         max(3, n // 10), 1))})
    return rows


def _tw(reading):
    return reading.tokens, reading.weights
