"""The sentiment Space as served, asked over HTTP: each review sent to its `/predict` with gradio_client, the
answers read back from its outputs. `evaluate(..., url=...)` scores these, the way a visitor (or the issue's filer)
meets the Space, instead of the Predictor in this process."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def label_probs(label: dict | None) -> dict | None:
    "A `gr.Label` output as the API returns it -> {label: probability} (None for an output the Space leaves empty)."
    return {c["label"]: c["confidence"] for c in label["confidences"]} if label else None


def space_answers(url: str, texts: list[str], api_name: str = "/predict", tries: int = 2) -> list[tuple | None]:
    """(verdict, transformer, baseline) probabilities of each review from the Space at `url` (the last two are None
    from an n-gram-only model). `api_name`: "/sentiment_predict" on the gallery of every Space (`make demo`).
    A review the Space still fails to answer after `tries` asks is None (a wrong answer to its caller), so one
    error or lost connection does not end a run of thousands."""
    from gradio_client import Client
    client = Client(url, verbose=False)
    answers = []
    for i, text in enumerate(texts):
        for attempt in range(tries):
            try:
                verdict, _words, _paragraph, transformer, baseline = client.predict(text, api_name=api_name)
                answers.append((label_probs(verdict), label_probs(transformer), label_probs(baseline)))
                break
            except Exception as e:  # the Space's gr.Error for bad input, or the network
                if attempt == tries - 1:
                    log.warning("review %d: no answer from %s (%s)", i, url, e)
                    answers.append(None)
    return answers
