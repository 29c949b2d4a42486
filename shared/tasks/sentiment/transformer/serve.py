"""The transformer, serving: review -> WordPiece ids (head + tail) -> model.onnx in ONNX Runtime -> probabilities.
`tokenizers`, ONNX Runtime and numpy only: no transformers, no torch. `Predictor.load(folder)` reads a transformer
artifact's own files (its baseline/ is the n-gram part's; verdict.py combines the two)."""
from __future__ import annotations

import os
import re

from pathlib import Path

import numpy as np

from shared.serving import artifact
from shared.serving import runtime

from .wordpiece import WordPiece, clean

_re_sentence = re.compile(r"[^.!?]+(?:[.!?]+[\"')\]]*|$)")


def request_threads() -> int:
    """Every core for one review: a transformer pass is one long chain of matrix products, so a visitor alone gets
    both cores of a free Space; threads sleep rather than spin, so two visitors at once share them."""
    return os.cpu_count() or 1


class Predictor:
    "The fine-tuned MiniLM of a transformer artifact (config.json's tokenizer, window and labels; model.onnx)."

    def __init__(self, config: dict, onnx, threads: int | None = None):
        self.config, self.labels = config, list(config["labels"])
        try:
            self.wordpiece = WordPiece(config["tokenizer_json"], config["max_tokens"], config["head_tokens"])
        except KeyError as e:
            raise artifact.ArtifactError(f"sentiment transformer config.json lacks {e}") from e
        self.model = runtime.OnnxModel(onnx, threads or request_threads(), spinning=False)

    @classmethod
    def load(cls, source) -> "Predictor":
        "The transformer of the artifact at `source` (folder or user/repo[@revision])."
        config, folder = artifact.load(source, task="sentiment")
        return cls(config, Path(folder) / artifact.ONNX)

    def logits(self, texts: list[str], bs: int = 16) -> np.ndarray:
        "Logits for `texts`, run in batches of similar length (padding masked by the network)."
        ids = self.wordpiece.encode(texts)
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        order = np.argsort([len(i) for i in ids], kind="stable")
        for s in range(0, len(order), bs):
            rows = order[s:s + bs]
            out[rows] = self.model(self.wordpiece.batch([ids[i] for i in rows]))
        return out

    def predict(self, texts: list[str]) -> list[dict]:
        return [dict(zip(self.labels, map(float, p))) for p in runtime.softmax(self.logits(texts).astype(np.float64))]

    def sentences(self, text: str, limit: int = 24) -> list[tuple[str, float]]:
        """Each sentence's push towards 'positive': the positive log-odds of the review minus that of the review
        without the sentence, all in one batch (`limit` sentences at most; the rest get 0)."""
        parts = [m.group(0) for m in _re_sentence.finditer(clean(text)) if m.group(0).strip()]
        if len(parts) < 2:
            return [(p, 0.0) for p in parts]
        shown = parts[:limit]
        variants = [text] + ["".join(parts[:i] + parts[i + 1:]) for i in range(len(shown))]
        lo = self.logits(variants, bs=len(variants))
        odds = lo[:, self.labels.index("positive")] - lo[:, self.labels.index("negative")]
        return [(p, float(odds[0] - odds[i + 1]) if i < len(shown) else 0.0) for i, p in enumerate(parts)]
