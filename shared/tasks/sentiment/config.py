"""The sentiment task's training settings: each part's `Config` (the n-gram baseline's, the transformer's), the
flags of the training CLI (`Config`: both parts' fields; `arch` picks the part), `PRESETS`, and the labels.
What each part's config.json holds for serving is that part's own (ngram/config.py; transformer/export.py)."""
from __future__ import annotations

from dataclasses import dataclass, fields

from shared.serving import artifact

LABELS = ("negative", "positive")
MAX_CHARS = 30_000  # longer reviews are cut (at a space) and the app says so; IMDB's longest is ~14k
NGRAM, TRANSFORMER = "nbsvm", "minilm"  # `arch`: the part that trains (ngram/ or transformer/)


@dataclass
class Common:
    "What every part's training reads."
    preset: str = "cpu"
    arch: str = NGRAM            # 'nbsvm': the n-gram baseline (ngram/), 'minilm': the fine-tuned transformer (transformer/)
    data: str = "imdb-full"      # folder under the data dir: 'imdb-full' (25k train / 5k valid), 'imdb' (1,000-review
                                 # sample), or 'download' (fastai's URLs.IMDB: 25k train / 25k test)
    epochs: int = 3
    lr: float = 1e-2
    wd: float = 1e-6
    bs: int = 64
    fp16_weights: bool = True    # round weights to float16 (what the artifact stores) before evaluating
    valid_samples: int = 0       # >0: validate (and fit the transformer's choices) on the first this many validation reviews
    max_train_samples: int = 0   # >0: a tiny run for tests and laptops
    train_offset: int = 0        # >0: skip this many of the (seeded-shuffled) training reviews: a second run with
                                 # --init-from learns from the reviews the first one never saw
    workers: int = 0
    seed: int = 42


@dataclass
class NgramConfig(Common):
    "The n-gram baseline (NBSVM++): ngram/train.py."
    ngrams: int = 3              # word n-grams up to this length
    min_df: int = 2              # keep n-grams seen in at least this many training reviews ...
    max_vocab: int = 250_000     # ... at most this many, by |NB ratio| x frequency: the vocabulary lives in config.json
    w_adj: float = 0.4           # weight = (learned + w_adj) * NB ratio / r_adj (fastai course's NBSVM++)
    r_adj: float = 10.0
    baseline: bool = True        # also score TF-IDF (1-2 grams) + logistic regression on the same reviews


@dataclass
class TransformerConfig(Common):
    "The fine-tuned transformer: transformer/train.py, transformer/export.py."
    base: str = "all-MiniLM-L6-v2"   # the pretrained model (shared.serving.weights.TEXT: from its pip package)
    max_tokens: int = 256        # WordPiece tokens per review at training (head + tail; 512 = the model's max)
    serve_tokens: int = 512      # ... and the longest serving window export may choose
    head_tokens: int = 64        # how many of them come from the review's start (the rest from its end)
    freeze_embeddings: bool = True   # keep the word embeddings (half the parameters) as pretrained
    drop_mult: float = 0.5       # dropout before the head: 0.2 x this
    quantize: bool = True        # int8 dynamic quantisation of model.onnx (if validation accuracy holds)
    baseline_model: str = "spaces/sentiment/model"  # the n-gram model it is combined with in the Space
    checkpoint: str = ""         # also save the fine-tuned weights here (safetensors) right after training


@dataclass
class Config(NgramConfig, TransformerConfig):
    "Every flag of `python -m shared.training sentiment`: both parts' fields; `arch` says which part reads them."


PARTS = {NGRAM: NgramConfig, TRANSFORMER: TransformerConfig}

PRESETS = {
    # the n-gram baseline (the Space serves it in baseline/, beside the transformer)
    "cpu": {},
    # the transformer in three CPU passes (lineage.py runs them in order, each --init-from the one before): one epoch
    # over 16,000 training reviews at 256 tokens; then the 9,000 it did not see, at the serving window (384 tokens)
    # and a lower rate; then the first 8,000 again at 384 tokens and a lower rate still
    "minilm": dict(arch=TRANSFORMER, lr=6e-5, wd=0.01, epochs=1, bs=16, drop_mult=0.5, max_train_samples=16_000,
                   valid_samples=2_000),
    "minilm-more": dict(arch=TRANSFORMER, lr=3e-5, wd=0.01, epochs=1, bs=16, max_tokens=384, serve_tokens=384,
                        train_offset=16_000, valid_samples=2_000),
    "minilm-third": dict(arch=TRANSFORMER, lr=2e-5, wd=0.01, epochs=1, bs=16, max_tokens=384, serve_tokens=384,
                         max_train_samples=8_000, valid_samples=2_000),
    # with a GPU: the whole network, all 25,000 training reviews, at the model's full window. Like the CPU passes it
    # validates (and fits the combination) on the first 2,000 validation reviews, so `shared.training.evaluate`
    # scores the rest, and stores float16 weights (float32's are over what the Space's model folder may hold)
    "minilm-gpu": dict(arch=TRANSFORMER, lr=4e-5, wd=0.01, epochs=3, bs=32, max_tokens=512, freeze_embeddings=False,
                       valid_samples=2_000, workers=8),
    "minilm-tiny": dict(arch=TRANSFORMER, data="imdb", lr=1e-4, wd=0.01, epochs=1, bs=8, max_tokens=64,
                        serve_tokens=64, max_train_samples=48, valid_samples=32),
    "tiny": dict(data="imdb", ngrams=2, min_df=1, max_vocab=20_000, epochs=1, bs=32, max_train_samples=300,
                 baseline=False),
}


def part_config(cfg: Common) -> NgramConfig | TransformerConfig:
    "The settings of the part `cfg.arch` names, and only those (what its artifact records and its card shows)."
    if cfg.arch not in PARTS:
        raise artifact.ArtifactError(f"unknown sentiment architecture {cfg.arch!r}; known: {', '.join(PARTS)}")
    cls = PARTS[cfg.arch]
    return cls(**{f.name: getattr(cfg, f.name) for f in fields(cls)})


def train_config(d: dict) -> NgramConfig | TransformerConfig:
    "The part's training settings as config.json's `train_config` records them (keys of other versions left out)."
    return artifact.recorded(PARTS.get(d.get("arch", NGRAM), NgramConfig), d)
