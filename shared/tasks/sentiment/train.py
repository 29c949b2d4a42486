"""Sentiment, training side: what `python -m shared.training sentiment` calls. The preset's `arch` picks the part
that trains, once per run: the n-gram baseline (ngram/train.py) or the fine-tuned transformer (transformer/train.py,
transformer/export.py), which is combined with an n-gram model already trained (`--baseline-model`). The default
model's passes, in order, are one command: `python -m shared.tasks.sentiment.lineage` (lineage.py)."""
from __future__ import annotations

from shared.serving import artifact

from .config import NGRAM, PRESETS, TRANSFORMER, Config, part_config  # noqa: F401  (Config, PRESETS: the CLI)
from .ngram import train as ngram
from .transformer import train as transformer

PARTS = {NGRAM: ngram, TRANSFORMER: transformer}


def part(arch: str):
    "The training module of the part `arch` names (ngram.train or transformer.train)."
    if arch not in PARTS:
        raise artifact.ArtifactError(f"unknown sentiment architecture {arch!r}; known: {', '.join(PARTS)}")
    return PARTS[arch]


def learner(cfg: Config):
    "Each part reads its own settings only (part_config): what its artifact records and its card shows."
    return part(cfg.arch).learner(part_config(cfg))


def fit(learn, cfg: Config):
    return part(cfg.arch).fit(learn, part_config(cfg))


def export(learn, cfg: Config) -> tuple[dict, dict, bytes]:
    "(weights, config.json, model.onnx bytes), made once; every choice the part makes is in config.json."
    return part(cfg.arch).export(learn, part_config(cfg))


def card(cfg, metrics: dict, command: str) -> str:
    return part(cfg.arch).card(part_config(cfg), metrics, command)


def after_save(folder, cfg: Config) -> None:
    "A transformer artifact carries the n-gram model its combination was fitted with (baseline/)."
    if cfg.arch == TRANSFORMER:
        transformer.after_save(folder, part_config(cfg))


def build_model(config: dict):
    "The network of an artifact's config.json (random weights), for `shared.training.export` and --init-from."
    return part(config["arch"]).build_model(config)


def to_onnx(model, config: dict) -> bytes:
    return part(config["arch"]).to_onnx(model, config)
