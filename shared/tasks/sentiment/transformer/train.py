"""The transformer, training side (fastai, transformers, torch): the pretrained all-MiniLM-L6-v2 fine-tuned as a
fastai Learner, mean-pooled with a linear head (how the sentence model was pretrained to pool). export.py turns the
Learner into the artifact: weights, model.onnx and every serving choice.

Reviews are WordPiece ids cut head + tail (wordpiece.py); batches group reviews of similar length, so short
reviews cost little. The body's word embeddings stay frozen (half the parameters; the rest learn).
"""
from __future__ import annotations

import json
import random
import time
from functools import partial

import numpy as np
import torch
from fastai.callback.core import Callback

from shared.serving import weights

from ..config import TransformerConfig
from ..data import read_reviews
from .export import bundle_baseline, export, to_onnx  # noqa: F401  (the part's interface: shared.tasks.sentiment.train)
from .model import MiniLMClassifier, build_model  # noqa: F401
from .wordpiece import WordPiece, pad_batch


def pretrained_parts(cfg: TransformerConfig):
    "(body with the package's weights, its tokenizer.json as a dict, its BERT config as a dict)."
    from transformers import AutoModel
    folder = weights.text_model(cfg.base)
    body = AutoModel.from_pretrained(folder, add_pooling_layer=False)
    keep = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "hidden_act", "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "pad_token_id")
    bert = {k: getattr(body.config, k) for k in keep}
    return body, json.loads((folder / "tokenizer.json").read_text()), bert


class LengthBatches(torch.utils.data.Sampler):
    "Shuffled batches of reviews of similar length (sorted inside chunks of 50 batches): little padding."

    def __init__(self, lengths, bs: int, shuffle: bool, seed: int = 42):
        self.lengths, self.bs, self.shuffle, self.seed, self.epoch = np.asarray(lengths), bs, shuffle, seed, 0

    def __iter__(self):
        rng = random.Random(self.seed + self.epoch)
        self.epoch += 1
        idx = list(range(len(self.lengths)))
        if self.shuffle:
            rng.shuffle(idx)
        chunk = self.bs * 50
        batches = []
        for s in range(0, len(idx), chunk):
            part = sorted(idx[s:s + chunk], key=lambda i: -self.lengths[i])
            batches += [part[j:j + self.bs] for j in range(0, len(part), self.bs)]
        if self.shuffle:
            rng.shuffle(batches)
        return iter(batches)

    def __len__(self):
        return (len(self.lengths) + self.bs - 1) // self.bs


def collate(rows, pad: int = 0):
    return torch.from_numpy(pad_batch([r[0] for r in rows], pad)), torch.tensor([r[1] for r in rows])


def dataloaders(ids_train, y_train, ids_valid, y_valid, bs: int, pad: int, seed: int):
    from fastai.data.core import DataLoaders
    from torch.utils.data import DataLoader
    make = lambda ids, y, shuffle: DataLoader(list(zip(ids, y)), batch_sampler=LengthBatches(
        [len(i) for i in ids], bs, shuffle, seed), collate_fn=partial(collate, pad=pad))
    return DataLoaders(make(ids_train, y_train, True), make(ids_valid, y_valid, False))


class Progress(Callback):
    "Prints the smoothed loss and time every `every` batches (readable in a log file, unlike the progress bar)."
    order = 90

    def __init__(self, every: int = 50):
        self.every = every

    def before_fit(self):
        self.t0 = time.time()

    def after_batch(self):
        if self.training and self.train_iter % self.every == 0:
            print(f"batch {self.train_iter}/{self.n_iter} loss {float(self.smooth_loss):.4f} "
                  f"{time.time() - self.t0:.0f}s", flush=True)


def learner(cfg: TransformerConfig):
    import fastai.callback.schedule  # noqa: F401  (fit_one_cycle)
    from fastai.learner import Learner
    from fastai.losses import CrossEntropyLossFlat
    from fastai.metrics import accuracy
    from fastai.optimizer import Adam
    df = read_reviews(cfg)
    body, tok_json, bert = pretrained_parts(cfg)
    wp = WordPiece(tok_json, cfg.max_tokens, cfg.head_tokens)
    train, valid = df[~df.is_valid], df[df.is_valid][:cfg.valid_samples or None]
    y = lambda d: (d.label.values == "positive").astype(np.int64)
    dls = dataloaders(wp.encode(list(train.text)), y(train), wp.encode(list(valid.text)), y(valid),
                      cfg.bs, wp.pad, cfg.seed)
    model = MiniLMClassifier(body, drop=cfg.drop_mult * 0.2, pad=wp.pad)
    if cfg.freeze_embeddings:
        model.body.embeddings.word_embeddings.weight.requires_grad_(False)
    learn = Learner(dls, model, loss_func=CrossEntropyLossFlat(), metrics=accuracy,
                    opt_func=partial(Adam, eps=1e-6), cbs=[Progress()])
    learn.sentiment = {"tokenizer_json": tok_json, "bert": bert, "wordpiece": wp, "valid": valid}
    return learn


def fit(learn, cfg: TransformerConfig):
    import fastai.callback.progress  # noqa: F401  (no_bar: the Progress lines read better in a log)
    with learn.no_bar():
        learn.fit_one_cycle(cfg.epochs, cfg.lr, wd=cfg.wd, pct_start=0.1)
    if cfg.checkpoint:  # the expensive part is done: keep it whatever happens next
        from safetensors.torch import save_file
        save_file({k: v.contiguous() for k, v in learn.model.state_dict().items()}, cfg.checkpoint)
    return learn


def card(cfg: TransformerConfig, metrics: dict, command: str) -> str:
    from ..card import transformer_card
    return transformer_card(cfg, metrics, command)


def after_save(folder, cfg: TransformerConfig) -> None:
    "The artifact carries the n-gram model its combination was fitted with (baseline/)."
    bundle_baseline(folder, cfg)
