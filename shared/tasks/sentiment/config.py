"""The sentiment task's settings: every training flag (`Config`, `PRESETS`) and what config.json records."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from shared.serving import artifact

LABELS = ("negative", "positive")
PATTERN = r"[\w']+|[^\w\s]"          # a word (letters, digits, apostrophes) or one other visible character
MARKERS = ("xxbos", "xxmaj", "xxup")  # fastai's case and start markers: kept as tokens, left out of n-grams
MAX_CHARS = 30_000                    # longer reviews are cut (at a space) and the app says so; IMDB's longest is ~14k
DEFAULT_RULES = ["normalize_unicode", "rm_control_chars", "fix_html", "rm_html_tags", "replace_rep", "replace_wrep",
                 "spec_add_spaces", "rm_useless_spaces", "replace_all_caps", "replace_maj", "lowercase"]


@dataclass
class Config:
    preset: str = "cpu"
    arch: str = "nbsvm"          # 'nbsvm' (NB-weighted n-gram bag, trains in minutes on CPU), 'minilm' (the pretrained
                                 # all-MiniLM-L6-v2 transformer, fine-tuned) or 'awd_lstm' (ULMFiT)
    data: str = "imdb-full"      # folder under the data dir: 'imdb-full' (25k train / 5k valid), 'imdb' (1,000-review
                                 # sample), or 'download' (fastai's URLs.IMDB: 25k train / 25k test + 50k unlabelled)
    ngrams: int = 3              # nbsvm: word n-grams up to this length
    min_df: int = 2              # nbsvm: keep n-grams seen in at least this many training reviews ...
    max_vocab: int = 250_000     # ... at most this many, by |NB ratio| x frequency: the vocabulary lives in config.json
    epochs: int = 3
    lr: float = 1e-2
    wd: float = 1e-6
    bs: int = 64
    w_adj: float = 0.4           # nbsvm: weight = (learned + w_adj) * NB ratio / r_adj (fastai course's NBSVM++)
    r_adj: float = 10.0
    fp16_weights: bool = True    # round weights to float16 (what the artifact stores) before evaluating
    baseline: bool = True        # also score TF-IDF (1-2 grams) + logistic regression on the same reviews
    pretrained: bool = False     # awd_lstm: WikiText-103 weights (needs the internet)
    lm_epochs: int = 0           # awd_lstm: language-model fine-tuning epochs before the classifier
    lm_lr: float = 2e-3
    seq_len: int = 72
    drop_mult: float = 0.5
    base: str = "all-MiniLM-L6-v2"   # minilm: the pretrained model (shared.serving.weights.TEXT: from its pip package)
    max_tokens: int = 256        # minilm: WordPiece tokens per review at training (head + tail; 512 = the model's max)
    serve_tokens: int = 512      # minilm: ... and at serving (the window the ONNX model reads)
    head_tokens: int = 64        # minilm: how many of them come from the review's start (the rest from its end)
    freeze_embeddings: bool = True   # minilm: keep the word embeddings (half the parameters) as pretrained
    quantize: bool = True        # minilm: int8 dynamic quantisation of model.onnx (if validation accuracy holds)
    baseline_model: str = "spaces/sentiment/model"  # minilm: the n-gram model it is combined with in the Space
    valid_samples: int = 0       # >0: validate on the first this many validation reviews
    checkpoint: str = ""         # minilm: also save the fine-tuned weights here (safetensors) right after training
    max_train_samples: int = 0   # >0: a tiny run for tests and laptops
    train_offset: int = 0        # >0: skip this many of the (seeded-shuffled) training reviews: a second run with
                                 # --init-from learns from the reviews the first one never saw
    workers: int = 0
    seed: int = 42


PRESETS = {
    "cpu": {},
    "gpu": dict(arch="awd_lstm", data="download", pretrained=True, lm_epochs=10, lm_lr=2e-3, epochs=4, lr=2e-2,
                bs=64, workers=8, baseline=True, fp16_weights=False),
    "minilm": dict(arch="minilm", lr=6e-5, wd=0.01, epochs=1, bs=16, drop_mult=0.5, max_train_samples=16_000,
                   valid_samples=2_000, baseline=False, fp16_weights=True),
    # a second CPU pass, from the `minilm` weights (--init-from), over the 9,000 training reviews it did not see,
    # at the serving window (384 tokens) and a lower rate: python -m shared.training sentiment --preset minilm-more ...
    "minilm-more": dict(arch="minilm", lr=3e-5, wd=0.01, epochs=1, bs=16, max_tokens=384, serve_tokens=384,
                        train_offset=16_000, valid_samples=2_000, baseline=False, fp16_weights=True),
    # a third CPU pass, from the `minilm-more` weights, over the first 8,000 training reviews again (the first pass
    # read them at 256 tokens; now at the serving window) at a lower rate
    "minilm-third": dict(arch="minilm", lr=2e-5, wd=0.01, epochs=1, bs=16, max_tokens=384, serve_tokens=384,
                         max_train_samples=8_000, valid_samples=2_000, baseline=False, fp16_weights=True),
    # with a GPU: the whole network, all 25,000 training reviews, at the model's full window. Like the CPU passes it
    # validates (and fits the combination) on the first 2,000 validation reviews, so `shared.training.evaluate` scores the
    # rest, and stores float16 weights (45 MB; float32's 90 MB is over what the Space's model folder may hold)
    "minilm-gpu": dict(arch="minilm", lr=4e-5, wd=0.01, epochs=3, bs=32, max_tokens=512, freeze_embeddings=False,
                       valid_samples=2_000, baseline=False, workers=8, fp16_weights=True),
    "minilm-tiny": dict(arch="minilm", data="imdb", lr=1e-4, wd=0.01, epochs=1, bs=8, max_tokens=64,
                        serve_tokens=64, max_train_samples=48, valid_samples=32, baseline=False),
    "tiny": dict(data="imdb", ngrams=2, min_df=1, max_vocab=20_000, epochs=1, bs=32, max_train_samples=300,
                 baseline=False),
}


def train_config(d: dict) -> Config:
    return artifact.recorded(Config, d)


@dataclass
class TokenizerConfig:
    "How text becomes tokens, by rule name (text.RULES) and pattern: the same at training and serving."
    rules: list = field(default_factory=lambda: list(DEFAULT_RULES))
    pattern: str = PATTERN
    markers: list = field(default_factory=lambda: list(MARKERS))
    ngrams: int = 3
    max_chars: int = MAX_CHARS

    @classmethod
    def for_training(cls, cfg: Config) -> "TokenizerConfig":
        return cls(ngrams=cfg.ngrams)

    @classmethod
    def from_dict(cls, d: dict) -> "TokenizerConfig":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ServingConfig:
    """What config.json holds for serving (format_version 2): the labels, the tokeniser, the architecture and its
    settings, and the vocabulary (last, so the file reads from the top). Format 1 had the same keys."""
    arch: str
    labels: list
    tokenizer: TokenizerConfig
    vocab: list
    w_adj: float = 0.4
    r_adj: float = 10.0
    seq_len: int = 72
    drop_mult: float = 0.5

    @classmethod
    def from_dict(cls, d: dict) -> "ServingConfig":
        try:
            return cls(arch=d["arch"], labels=list(d["labels"]), tokenizer=TokenizerConfig.from_dict(d["tokenizer"]),
                       vocab=list(d["vocab"]), **{k: d[k] for k in ("w_adj", "r_adj", "seq_len", "drop_mult") if k in d})
        except (KeyError, TypeError) as e:
            raise artifact.ArtifactError(f"sentiment config.json lacks or mistypes {e}") from e

    def to_dict(self) -> dict:
        out = {"task": "sentiment", "arch": self.arch, "labels": list(self.labels),
               "tokenizer": self.tokenizer.to_dict()}
        out.update({"w_adj": self.w_adj, "r_adj": self.r_adj} if self.arch == "nbsvm" else
                   {"seq_len": self.seq_len, "drop_mult": self.drop_mult})
        return {**out, "vocab": list(self.vocab)}
