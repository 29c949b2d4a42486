"""The sentiment Space's serving entry: `Predictor.load(folder)` reads the folder's config.json and gives the n-gram
model alone (ngram/serve.py) or, for a transformer artifact, both models and one verdict (verdict.py). ONNX Runtime,
numpy and `tokenizers`; no torch, no fastai. Each part also loads on its own: `ngram.serve.Predictor.load(folder)`,
`transformer.serve.Predictor.load(folder)`."""
from __future__ import annotations

from shared.serving import artifact

from . import verdict
from .config import TRANSFORMER
from .ngram import serve as ngram
from .ngram.serve import Reading  # noqa: F401  (what the UI reads)


class Predictor:
    "The Predictor the folder's config.json names (`arch`): ngram.serve.Predictor or verdict.Predictor."

    @staticmethod
    def load(source) -> ngram.Predictor | verdict.Predictor:
        config, folder = artifact.load(source, task="sentiment")
        return (verdict.Predictor if config.get("arch") == TRANSFORMER else ngram.Predictor).load(folder)
