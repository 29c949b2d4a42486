"""The sentiment Space's two models and one verdict: the fine-tuned transformer (transformer/), the n-gram baseline
(ngram/: its words' pushes are exact), and their combination, log-odds weighted as fitted on validation reviews
(config.json's `ensemble`, chosen by transformer/export.py). A transformer artifact carries its baseline in
baseline/: the weights were fitted for exactly it."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shared.serving import artifact

from .ngram import serve as ngram_serve
from .transformer import serve as transformer_serve

log = logging.getLogger(__name__)
BASELINE = "baseline"  # the n-gram artifact's subfolder in a transformer artifact
EQUAL = {"transformer": 1.0, "baseline": 1.0, "bias": 0.0}  # without fitted weights (a baseline/ they were not fitted for)


@dataclass
class Verdict:
    "One review judged by both models: the final probabilities, each model's, and the baseline's word pushes."
    probs: dict
    transformer: dict
    baseline: ngram_serve.Reading


def log_odds(p):
    "log(p / (1 - p)) of a probability or an array of them, kept finite."
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


def weights_digest(folder) -> str:
    "An n-gram model's identity: sha256 of its weights (the combination's weights were fitted for exactly it)."
    return hashlib.sha256((Path(folder) / artifact.WEIGHTS).read_bytes()).hexdigest()


def combine(ensemble: dict, transformer: dict, baseline: dict) -> dict:
    "The verdict from each model's probabilities: sigmoid(wt * transformer log-odds + wb * baseline log-odds + bias)."
    z = float(ensemble["transformer"] * log_odds(transformer["positive"])
              + ensemble["baseline"] * log_odds(baseline["positive"]) + ensemble["bias"])
    p = float(1 / (1 + np.exp(-z)))
    return {"negative": 1 - p, "positive": p}


class Predictor:
    "`predict` (the final verdicts), `read` (everything the UI shows), `config` (the transformer's)."

    def __init__(self, transformer: transformer_serve.Predictor, baseline: ngram_serve.Predictor, ensemble: dict | None):
        self.transformer, self.baseline, self.labels = transformer, baseline, transformer.labels
        self.config = transformer.config
        self.ensemble = ensemble or dict(EQUAL)

    @classmethod
    def load(cls, source) -> "Predictor":
        "Both models of the transformer artifact at `source` (its baseline/ inside) and the combination it records."
        config, folder = artifact.load(source, task="sentiment")
        base = Path(folder) / BASELINE
        if not (base / artifact.CONFIG).is_file():
            raise artifact.ArtifactError(f"{folder} is a transformer artifact without its {BASELINE}/ folder")
        ensemble = config.get("ensemble")
        if ensemble and ensemble.get("baseline_sha256") not in (None, weights_digest(base)):
            log.warning("baseline/ is not the n-gram model the combination was fitted with: equal weights instead")
            ensemble = None
        return cls(transformer_serve.Predictor(config, Path(folder) / artifact.ONNX), ngram_serve.Predictor.load(base),
                   ensemble)

    def combine(self, transformer: dict, baseline: dict) -> dict:
        return combine(self.ensemble, transformer, baseline)

    def read(self, text) -> Verdict:
        base = self.baseline.read(text)  # checks the input (Refused) and cuts long reviews, as the baseline always has
        t = self.transformer.predict([self.baseline.prepare(text)[0]])[0]
        return Verdict(self.combine(t, base.probs), t, base)

    def answers(self, texts: list[str]) -> tuple[list[dict], list[dict]]:
        "Each model's probabilities for `texts` (checked and cut as the baseline always has)."
        texts = [self.baseline.prepare(t)[0] for t in texts]
        return self.transformer.predict(texts), self.baseline.predict(texts)

    def predict(self, texts: list[str]) -> list[dict]:
        return [self.combine(t, b) for t, b in zip(*self.answers(texts))]
