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
    A review the Space refuses, or does not answer in `tries` asks, is None (a wrong answer to its caller), so one
    error or lost connection does not end a run of thousands."""
    from gradio_client import Client
    client = Client(url, verbose=False)
    return [ask(client, text, api_name, tries) for text in texts]


def ask(client, text: str, api_name: str, tries: int) -> tuple | None:
    "One review's three answers; None when the Space refuses it (its gr.Error) or stays unreachable for `tries` asks."
    from gradio_client.exceptions import AppError
    for _ in range(tries):
        try:
            verdict, _words, _paragraph, transformer, baseline = client.predict(text, api_name=api_name)
            return label_probs(verdict), label_probs(transformer), label_probs(baseline)
        except AppError as e:  # the Space's own message (bad input): asking again would get the same one
            log.warning("refused by the Space: %s", e)
            return None
        except Exception as e:  # the network or the server: worth one more ask
            error = e
    log.warning("no answer after %d asks: %s", tries, error)
    return None
