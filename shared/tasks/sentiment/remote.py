"""The sentiment Space as served, asked over HTTP: each review sent to its `/predict` with gradio_client, the
answers read back from its outputs. `evaluate(..., url=...)` scores these, the way a visitor (or the issue's filer)
meets the Space, instead of the Predictor in this process."""
from __future__ import annotations


def label_probs(label: dict | None) -> dict | None:
    "A `gr.Label` output as the API returns it -> {label: probability} (None for an output the Space leaves empty)."
    return {c["label"]: c["confidence"] for c in label["confidences"]} if label else None


def space_answers(url: str, texts: list[str], api_name: str = "/predict") -> list[tuple[dict, dict | None, dict | None]]:
    """(verdict, transformer, baseline) probabilities of each review from the Space at `url` (the last two are None
    from an n-gram-only model). `api_name`: "/sentiment_predict" on the gallery of every Space (`make demo`)."""
    from gradio_client import Client
    client = Client(url, verbose=False)
    answers = []
    for text in texts:
        verdict, _words, _paragraph, transformer, baseline = client.predict(text, api_name=api_name)
        answers.append((label_probs(verdict), label_probs(transformer), label_probs(baseline)))
    return answers
