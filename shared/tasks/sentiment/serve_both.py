"""The sentiment Space's two models and one verdict: the fine-tuned transformer, the n-gram baseline (whose words'
pushes are exact), and their combination, log-odds weighted as fitted on validation reviews (config.json's
`ensemble`). A transformer artifact carries its baseline in baseline/: the weights were fitted for exactly it."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shared.serving import artifact

from .serve import Predictor, Reading
from .serve_transformer import TransformerPredictor

log = logging.getLogger(__name__)


@dataclass
class Verdict:
    "One review judged by both models: the final probabilities, each model's, and the baseline's word pushes."
    probs: dict
    transformer: dict
    baseline: Reading


def log_odds(p):
    "log(p / (1 - p)) of a probability or an array of them, kept finite."
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


def weights_digest(folder) -> str:
    "An n-gram model's identity: sha256 of its weights (the combination's weights were fitted for exactly it)."
    return hashlib.sha256((Path(folder) / artifact.WEIGHTS).read_bytes()).hexdigest()


class BothModels:
    "`predict` (the final verdicts), `read` (everything the UI shows), `config` (the transformer's)."

    def __init__(self, transformer: TransformerPredictor, baseline: Predictor, ensemble: dict | None):
        self.transformer, self.baseline, self.labels = transformer, baseline, transformer.labels
        self.config = transformer.config
        self.ensemble = ensemble or {"transformer": 1.0, "baseline": 1.0, "bias": 0.0}

    @classmethod
    def load(cls, source) -> "BothModels":
        config, folder = artifact.load(source, task="sentiment")
        base = Path(folder) / "baseline"
        if not (base / artifact.CONFIG).is_file():
            raise artifact.ArtifactError(f"{folder} is a transformer artifact without its baseline/ folder")
        ensemble = config.get("ensemble")
        if ensemble and ensemble.get("baseline_sha256") not in (None, weights_digest(base)):
            log.warning("baseline/ is not the n-gram model the combination was fitted with: equal weights instead")
            ensemble = None
        return cls(TransformerPredictor(config, Path(folder) / artifact.ONNX), Predictor.load(base), ensemble)

    def combine(self, transformer: dict, baseline: dict) -> dict:
        e = self.ensemble
        z = float(e["transformer"] * log_odds(transformer["positive"]) + e["baseline"] * log_odds(baseline["positive"])
                  + e["bias"])
        p = float(1 / (1 + np.exp(-z)))
        return {"negative": 1 - p, "positive": p}

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
