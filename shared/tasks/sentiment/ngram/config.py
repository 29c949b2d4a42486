"""What an n-gram artifact's config.json holds: the tokeniser (rule names, pattern), the labels, the NBSVM++
settings and the vocabulary (`ServingConfig`, format_version 2)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from shared.serving import artifact

from ..config import MAX_CHARS, NGRAM

PATTERN = r"[\w']+|[^\w\s]"          # a word (letters, digits, apostrophes) or one other visible character
MARKERS = ("xxbos", "xxmaj", "xxup")  # fastai's case and start markers: kept as tokens, left out of n-grams
DEFAULT_RULES = ["normalize_unicode", "rm_control_chars", "fix_html", "rm_html_tags", "replace_rep", "replace_wrep",
                 "spec_add_spaces", "rm_useless_spaces", "replace_all_caps", "replace_maj", "lowercase"]


@dataclass
class TokenizerConfig:
    "How text becomes tokens, by rule name (text.RULES) and pattern: the same at training and serving."
    rules: list = field(default_factory=lambda: list(DEFAULT_RULES))
    pattern: str = PATTERN
    markers: list = field(default_factory=lambda: list(MARKERS))
    ngrams: int = 3
    max_chars: int = MAX_CHARS

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

    @classmethod
    def from_dict(cls, d: dict) -> "ServingConfig":
        try:
            serving = cls(arch=d["arch"], labels=list(d["labels"]), tokenizer=TokenizerConfig.from_dict(d["tokenizer"]),
                          vocab=list(d["vocab"]), **{k: d[k] for k in ("w_adj", "r_adj") if k in d})
        except (KeyError, TypeError) as e:
            raise artifact.ArtifactError(f"sentiment config.json lacks or mistypes {e}") from e
        if serving.arch != NGRAM:
            raise artifact.ArtifactError(f"sentiment arch {serving.arch!r} is not an n-gram ({NGRAM}) artifact")
        return serving

    def to_dict(self) -> dict:
        return {"task": "sentiment", "arch": self.arch, "labels": list(self.labels), "tokenizer": self.tokenizer.to_dict(),
                "w_adj": self.w_adj, "r_adj": self.r_adj, "vocab": list(self.vocab)}
