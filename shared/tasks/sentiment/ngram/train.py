"""The n-gram baseline, training side (fastai, torch): the NBSVM++ learner, its export (weights, config.json, ONNX)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from functools import partial

import numpy as np
import torch
from torch import nn

from shared.training import checkpoint
from shared.training import export as conversion
from shared.training.export import half_rounded, onnx_bytes

from ..config import LABELS, NgramConfig
from ..data import read_reviews
from .config import ServingConfig, TokenizerConfig
from .text import FASTAI_RULES, RULES, ngram_strings


# ---------------------------------------------------------------- tokenisation at training time
def rules_registry() -> dict:
    "Every rule a config may name, fastai's own functions for fastai's rules (text.py copies them for serving)."
    from fastai.text import core
    return {**RULES, **{n: getattr(core, n) for n in FASTAI_RULES}}


class RegexTokenizer:
    "fastai tokenizer interface (items -> token lists): `re.findall(pattern)` on each text, after the rules."

    def __init__(self, pattern: str, **kwargs):
        self.pattern = pattern
        self.re = re.compile(pattern)

    def __call__(self, items):
        return (self.re.findall(t) for t in items)


def tokenizer_config(cfg: NgramConfig) -> dict:
    return TokenizerConfig(ngrams=cfg.ngrams).to_dict()


def fastai_tokenize(texts, tok_config: dict, n_workers: int = 0) -> list[list[str]]:
    "Training-time tokenisation: fastai's own `tokenize_texts` with the rules and splitter of `tok_config`."
    from fastai.text.core import tokenize_texts
    registry = rules_registry()
    rules = [registry[n] for n in tok_config["rules"]]
    return [list(t) for t in tokenize_texts(list(texts), n_workers=n_workers, rules=rules,
                                            tok=RegexTokenizer(tok_config["pattern"]))]


# ---------------------------------------------------------------- the nbsvm model
class NBSVM(nn.Module):
    """score = sum over the review's distinct n-grams of (w + w_adj) * r / r_adj; logits = (-score/2, score/2) + b.

    `r` is the Naive-Bayes log-count ratio of each n-gram (a fixed buffer, from the training reviews), `w` a
    learned correction. Input: a (batch, length) tensor of n-gram ids, 0 = padding (r[0] = 0, so it adds nothing).
    """

    def __init__(self, n_features: int, w_adj: float = 0.4, r_adj: float = 10.0):
        super().__init__()
        self.w = nn.Embedding(n_features, 1, padding_idx=0)
        nn.init.uniform_(self.w.weight, -0.1, 0.1)
        with torch.no_grad():
            self.w.weight[0] = 0
        self.register_buffer("r", torch.zeros(n_features))
        self.b = nn.Parameter(torch.zeros(2))
        self.w_adj, self.r_adj = w_adj, r_adj

    def contributions(self) -> torch.Tensor:
        "Each feature's exact share of the score (positive pushes towards 'positive')."
        return (self.w.weight[:, 0] + self.w_adj) * self.r / self.r_adj

    def forward(self, x):
        score = ((self.w(x)[..., 0] + self.w_adj) * self.r[x]).sum(1) / self.r_adj
        return torch.stack([-score / 2, score / 2], 1) + self.b


def build_vocab(token_lists, n: int, min_df: int) -> list[str]:
    "Index 0 is padding; then n-grams by descending document frequency (ties alphabetical): deterministic."
    df = Counter(g for toks in token_lists for g in ngram_strings(toks, n))
    return ["xxpad"] + sorted((g for g, c in df.items() if c >= min_df), key=lambda g: (-df[g], g))


def prune(vocab: list[str], ids: list[np.ndarray], y: np.ndarray, max_vocab: int) -> list[str]:
    """Keep the `max_vocab` n-grams with the largest expected push, |r| x document frequency: a frequent n-gram
    that both classes use alike (r ~ 0) decides nothing, a rare one decides few reviews."""
    if len(vocab) - 1 <= max_vocab:
        return vocab
    r = nb_ratios(ids, y, len(vocab))
    df = np.bincount(np.concatenate(ids), minlength=len(vocab)).astype(np.float64)
    score = np.abs(r) * df
    score[0] = np.inf
    keep = np.lexsort((np.arange(len(vocab)), -score))[:max_vocab + 1]  # ties: the more frequent (lower index)
    return [vocab[i] for i in keep]


def nb_ratios(ids: list[np.ndarray], y: np.ndarray, n: int) -> np.ndarray:
    "log((p/|p|) / (q/|q|)) with add-one smoothing over binarised features (Wang & Manning 2012)."
    p, q = np.ones(n), np.ones(n)
    for i, y_i in zip(ids, y):
        (p if y_i else q)[i] += 1
    r = np.log((p / p.sum()) / (q / q.sum()))
    r[0] = 0
    return r.astype(np.float32)


def fastai_classes():
    "The fastai Transform that turns a review into n-gram ids (defined lazily: fastai imports are slow)."
    from fastai.text.data import TensorText
    from fasttransform import Transform

    class NgramIds(Transform):
        "review -> tensor of its distinct n-gram ids (sorted); `cache` holds the training reviews' ids."

        def __init__(self, tok_config: dict, vocab: list[str], cache: dict | None = None):
            self.tok_config, self.stoi, self.cache = tok_config, {g: i for i, g in enumerate(vocab)}, cache or {}

        def encodes(self, x: str):
            ids = self.cache.get(x)
            if ids is None:
                toks = fastai_tokenize([x], self.tok_config)[0]
                ids = ngram_ids(toks, self.tok_config["ngrams"], self.stoi)
            return TensorText(torch.from_numpy(ids) if len(ids) else torch.zeros(1, dtype=torch.long))

    return NgramIds


def ngram_ids(tokens, n: int, stoi: dict) -> np.ndarray:
    return np.array(sorted({stoi[g] for g in ngram_strings(tokens, n) if g in stoi}), dtype=np.int64)


# ---------------------------------------------------------------- training
def learner(cfg: NgramConfig):
    import fastai.callback.schedule  # noqa: F401  (adds fit_one_cycle to Learner)
    from fastai.learner import Learner
    from fastai.losses import CrossEntropyLossFlat
    from fastai.metrics import accuracy
    df = read_reviews(cfg)
    tok_config = tokenizer_config(cfg)
    tokens = fastai_tokenize(df.text, tok_config, n_workers=cfg.workers)
    train = ~df.is_valid.values
    y = (df.label.values == "positive")
    vocab = build_vocab([t for t, keep in zip(tokens, train) if keep], cfg.ngrams, cfg.min_df)
    stoi = {g: i for i, g in enumerate(vocab)}
    ids = [ngram_ids(t, cfg.ngrams, stoi) for t, keep in zip(tokens, train) if keep]
    vocab = prune(vocab, ids, y[train], cfg.max_vocab)
    stoi = {g: i for i, g in enumerate(vocab)}
    ids = [ngram_ids(t, cfg.ngrams, stoi) for t in tokens]
    print(f"vocabulary: {len(vocab) - 1} n-grams (1..{cfg.ngrams} words)", flush=True)
    r = nb_ratios([i for i, keep in zip(ids, train) if keep], y[train], len(vocab))
    NgramIds = fastai_classes()
    dls = nbsvm_dataloaders(df, NgramIds(tok_config, vocab, dict(zip(df.text, ids))), cfg.bs, cfg.workers)
    model = NBSVM(len(vocab), cfg.w_adj, cfg.r_adj)
    with torch.no_grad():
        model.r.copy_(torch.from_numpy(r))
    if cfg.fp16_weights:
        half_rounded(model)
    learn = Learner(dls, model, loss_func=CrossEntropyLossFlat(), metrics=accuracy)
    learn.sentiment = {"tokenizer": tok_config, "vocab": vocab}
    return learn


def nbsvm_dataloaders(df, ngram_tfm, bs: int, workers: int = 0):
    from fastai.data.block import CategoryBlock, DataBlock, TransformBlock
    from fastai.data.transforms import ColReader, ColSplitter
    from fastai.text.data import pad_input
    block = DataBlock(blocks=(TransformBlock(type_tfms=ngram_tfm), CategoryBlock(vocab=list(LABELS))),
                      get_x=ColReader("text"), get_y=ColReader("label"), splitter=ColSplitter("is_valid"))
    return block.dataloaders(df, bs=bs, num_workers=workers, before_batch=partial(pad_input, pad_idx=0))


def fit(learn, cfg: NgramConfig):
    learn.fit_one_cycle(cfg.epochs, cfg.lr, wd=cfg.wd)
    if cfg.fp16_weights:
        half_rounded(learn.model)
    return learn


# ---------------------------------------------------------------- artifact
def export(learn, cfg: NgramConfig) -> tuple[dict, dict, bytes]:
    "(weights, config.json, model.onnx bytes): float16 storage of w and r when cfg.fp16_weights (training rounded to it)."
    info = learn.sentiment
    serving = ServingConfig(arch=cfg.arch, labels=list(LABELS), tokenizer=TokenizerConfig.from_dict(info["tokenizer"]),
                            vocab=info["vocab"], w_adj=cfg.w_adj, r_adj=cfg.r_adj).to_dict()
    vocab = serving.pop("vocab")  # last: config.json stays readable from the top
    config = {**serving, "train_config": asdict(cfg), "vocab": vocab}
    state = {k: v.detach().cpu().float() for k, v in learn.model.state_dict().items()}  # w, r, b: all float
    state = {k: (v.half() if cfg.fp16_weights and k in ("w.weight", "r") else v) for k, v in state.items()}
    return state, config, conversion.servable("sentiment", state, config)  # the network rebuilt from the stored weights


def to_onnx(model: nn.Module, config: dict) -> bytes:
    "The nbsvm network in ONNX: n-gram ids (batch, n; 0 = padding) -> logits (batch, 2), any batch and length."
    return onnx_bytes(model, (torch.ones(2, 5, dtype=torch.long),), ["ids"], ["logits"],
                      {"ids": {0: "batch", 1: "ngrams"}, "logits": {0: "batch"}})


def build_model(config: dict) -> nn.Module:
    return NBSVM(len(config["vocab"]), config["w_adj"], config["r_adj"])


def card(cfg: NgramConfig, metrics: dict, command: str) -> str:
    from ..card import ngram_card
    return ngram_card(cfg, metrics, command)


def fastai_learner(source, texts: list[str] | None = None):
    """A fastai Learner around an nbsvm artifact's weights, rebuilt without any pickle: its DataLoaders run the
    training tokenisation from config.json, so `learn.predict(review)` is fastai's own path (for baselines,
    parity tests and notebooks). `texts`: any few reviews, only used to build the DataLoaders."""
    import fastai.callback.progress  # noqa: F401  (learn.no_bar)
    import pandas as pd
    from fastai.learner import Learner
    from fastai.losses import CrossEntropyLossFlat
    config, state, _ = checkpoint.load_torch(source, task="sentiment")
    ServingConfig.from_dict(config)  # an n-gram artifact (an ArtifactError names what else it is)
    texts = list(texts or ["A fine film.", "A dull film."])
    df = pd.DataFrame({"text": texts * 2, "label": [LABELS[i % 2] for i in range(2 * len(texts))],
                       "is_valid": [False] * len(texts) + [True] * len(texts)})
    dls = nbsvm_dataloaders(df, fastai_classes()(config["tokenizer"], config["vocab"]), bs=8)
    model = build_model(config)
    checkpoint.load_weights(model, {k: v.float() if v.is_floating_point() else v for k, v in state.items()}, config)
    return Learner(dls, model, loss_func=CrossEntropyLossFlat())
