"""The n-gram baseline, serving: a review -> probabilities and each word's exact push. ONNX Runtime and numpy; no
torch, no fastai. `Predictor.load(folder)` reads an n-gram artifact (a transformer artifact's baseline/ is one)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shared.serving import artifact
from shared.serving import runtime
from shared.serving.errors import Refused

from .config import ServingConfig
from .text import TextPipeline
from ..words import T


@dataclass
class Reading:
    "One review's prediction: probabilities, the tokens and each token's push (+ towards positive)."
    probs: dict
    tokens: list
    weights: list          # one float per token (0 for markers and words the model does not know)
    known: int             # how many of the review's n-grams the model knows
    words: int             # how many words it has
    truncated: bool


class Predictor:
    """The training tokenisation by rule name, a vocabulary lookup, and the network in ONNX Runtime (n-gram ids in,
    logits out); the words' pushes come from the same weights (model.safetensors), exactly."""

    def __init__(self, config: dict, arrays: dict, onnx):
        self.config = config
        self.serving = ServingConfig.from_dict(config)
        self.arch, self.labels = self.serving.arch, list(self.serving.labels)
        self.pipe = TextPipeline(self.serving.tokenizer)
        self.vocab = self.serving.vocab
        self.stoi = {g: i for i, g in enumerate(self.vocab)}
        try:
            w, r = arrays["w.weight"][:, 0].astype(np.float32), arrays["r"].astype(np.float32)
            self.bias = arrays["b"].astype(np.float32)
        except KeyError as e:
            raise artifact.ArtifactError(f"sentiment weights lack {e}") from e
        if len(w) != len(self.vocab):
            raise artifact.ArtifactError(f"{len(w)} weights for a vocabulary of {len(self.vocab)} n-grams")
        self.contrib = (w + np.float32(self.serving.w_adj)) * r / np.float32(self.serving.r_adj)
        self.model = runtime.OnnxModel(onnx)

    @classmethod
    def load(cls, source) -> "Predictor":
        "The n-gram model of the artifact at `source` (folder or user/repo[@revision])."
        config, folder = artifact.load(source, task="sentiment")
        return cls(config, artifact.load_arrays(folder), Path(folder) / artifact.ONNX)

    def prepare(self, text) -> tuple[str, bool]:
        "Check and bound the input: Refused for what cannot be judged; long text is cut (flagged)."
        if text is None or (isinstance(text, str) and not text.strip()):
            raise Refused(T, "empty")
        if not isinstance(text, str):
            text = str(text)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as e:  # a lone surrogate (JSON allows "\ud800"): no tokenizer can read it
            raise Refused(T, "not_text", code=f"{ord(text[e.start]):04X}", at=f"{e.start + 1:,}") from None
        return self.pipe.truncate(text)

    def read(self, text: str) -> Reading:
        "Probabilities and per-token pushes for one review (each n-gram's exact contribution, shared by its words)."
        text, truncated = self.prepare(text)
        tokens = self.pipe.tokens(text)
        grams = self.pipe.ngrams(tokens)
        ids = [self.stoi.get(g, 0) for g, _, _ in grams]
        word_pos = self.pipe.words(tokens)
        # presence, not counts: an n-gram seen k times adds its contribution once, shared by its k occurrences
        uniq = sorted({i for i in ids if i})
        seen = Counter(i for i in ids if i)
        weights = np.zeros(len(tokens))
        for (g, start, n), i in zip(grams, ids):
            if i:
                share = self.contrib[i] / seen[i] / n
                for k in range(start, start + n):
                    weights[word_pos[k]] += share
        probs = self.probabilities_from_ids([uniq])[0]
        return Reading(dict(zip(self.labels, probs)), tokens, weights.tolist(), len(uniq), len(word_pos), truncated)

    def probabilities_from_ids(self, batch: list[list[int]]) -> list[list[float]]:
        "Softmax of the network's logits for rows of n-gram ids (padded with 0, which adds nothing)."
        x = np.zeros((len(batch), max(1, max(len(b) for b in batch))), dtype=np.int64)
        for row, b in enumerate(batch):
            x[row, :len(b)] = b
        return runtime.softmax(self.model(x).astype(np.float64)).tolist()

    def ids(self, text: str) -> list[int]:
        "The sorted distinct n-gram ids the model sees for `text`."
        toks = self.pipe.tokens(self.prepare(text)[0])
        return sorted({self.stoi[g] for g, _, _ in self.pipe.ngrams(toks) if g in self.stoi})

    def predict(self, texts: list[str]) -> list[dict]:
        "For each review: {'negative': p, 'positive': p}."
        return [self.read(t).probs for t in texts]
