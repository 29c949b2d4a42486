"""Sentiment's transformer path, export side (torch, onnx): the artifact's weights and config, model.onnx (int8
dynamic quantisation when it keeps validation accuracy), the measured metrics, and the combination with the n-gram
baseline (a two-input logistic regression fitted on validation reviews, never on test ones)."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from shared.serving import artifact
from shared.training import checkpoint
from shared.serving import weights
from shared.training import pretrained

from .config import LABELS, Config
from .serve_both import log_odds, weights_digest
from .serve_transformer import TransformerPredictor

QUANTIZE_TOLERANCE = 0.003   # int8 is kept when it loses at most this much validation accuracy


def build_model(config: dict):
    from .transformer import MiniLMClassifier, body_from_config
    return MiniLMClassifier(body_from_config(config["bert"]), n_out=len(config["labels"]), pad=config["pad_id"])


def onnx_fp32(model) -> bytes:
    from shared.training.export import onnx_bytes
    model.body.config._attn_implementation = "eager"  # plain MatMul/Softmax: exports and quantises cleanly
    return onnx_bytes(model, (torch.ones(2, 16, dtype=torch.long),), ["ids"], ["logits"],
                      {"ids": {0: "batch", 1: "tokens"}, "logits": {0: "batch"}}, opset=17)


def quantized(onnx: bytes) -> bytes:
    """int8 weights for the MatMuls and the embeddings (dynamic quantisation: activations quantised per call), ONNX
    Runtime's own tool. One scale per output channel, not per matrix: after the third fine-tuning pass a per-matrix
    scale cost 1.2 points of validation accuracy (0.928 float32 -> 0.916), per channel 0.3 (0.925), as fast."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        src.write_bytes(onnx)
        quantize_dynamic(src, dst, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Gather"],
                         per_channel=True)
        return dst.read_bytes()


def to_onnx(model, config: dict) -> bytes:
    onnx = onnx_fp32(model)
    return quantized(onnx) if config.get("quantized") else onnx


def serving_config(learn, cfg: Config) -> dict:
    info = learn.sentiment
    wp = info["wordpiece"]
    return {"task": "sentiment", "arch": "minilm", "labels": list(LABELS), "base_model": weights.TEXT[cfg.base].base_model,
            "max_tokens": info.get("serve_tokens", cfg.serve_tokens), "head_tokens": cfg.head_tokens, "pad_id": wp.pad, "bert": info["bert"],
            "quantized": info.get("quantized", cfg.quantize), "ensemble": info.get("ensemble"),
            "train_config": asdict(cfg), "tokenizer_json": info["tokenizer_json"]}


def export(learn, cfg: Config) -> tuple[dict, dict]:
    model = learn.model.float()
    state = {k: (v.half() if cfg.fp16_weights and v.is_floating_point() else v) for k, v in model.state_dict().items()}
    config = serving_config(learn, cfg)
    base = base_tensors(state, cfg)
    return state, {**config, **({"base_tensors": base} if base else {})}


# the pretrained model's tensors that `freeze_embeddings` keeps frozen: {our key: the package's key}
FROZEN = {"body.embeddings.word_embeddings.weight": "embeddings.word_embeddings.weight"}


def base_tensors(state: dict, cfg: Config) -> dict | None:
    """The frozen tensors that are still exactly the pretrained ones (in the stored dtype): the artifact leaves them
    out (half the transformer's weights) and `checkpoint.load_torch` reads them back from the pinned pip package."""
    if not cfg.freeze_embeddings:
        return None
    pretrained_state = pretrained.text_tensors(cfg.base, FROZEN)
    same = {k: v for k, v in FROZEN.items()
            if torch.equal(state[k], pretrained_state[k].to(state[k].dtype))}
    return {"model": cfg.base, "tensors": same} if same else None


def baseline_folder(source) -> Path:
    "The n-gram artifact to combine with: `source` itself, or the baseline/ inside a transformer artifact."
    config, folder = artifact.load(source, task="sentiment")
    return folder / "baseline" if config.get("arch") == "minilm" else folder


def fit_combination(t: np.ndarray, b: np.ndarray, y: np.ndarray) -> dict:
    """log-odds = wt * transformer log-odds + wb * baseline log-odds + bias, by logistic regression on validation
    reviews; its accuracy is cross-fitted (fitted on one half, scored on the other, both ways)."""
    from sklearn.linear_model import LogisticRegression
    x = np.stack([t, b], 1)
    fit = lambda idx: LogisticRegression(C=1.0).fit(x[idx], y[idx])
    half = np.arange(len(y)) % 2 == 0
    hits = np.concatenate([fit(half).predict(x[~half]) == y[~half], fit(~half).predict(x[half]) == y[half]])
    lr = fit(np.ones(len(y), bool))
    return {"transformer": round(float(lr.coef_[0, 0]), 5), "baseline": round(float(lr.coef_[0, 1]), 5),
            "bias": round(float(lr.intercept_[0]), 5), "cross_fitted_accuracy": round(float(hits.mean()), 4)}


def positive_log_odds(probs: list[dict]) -> np.ndarray:
    return log_odds(np.array([d["positive"] for d in probs], dtype=np.float64))


WINDOWS = (256, 384, 512)   # serving windows tried (tokens), up to cfg.serve_tokens
LATENCY_BUDGET = 0.100      # seconds: a 500-word review's p50 on the transformer's serving threads


def latency(pred: TransformerPredictor, text: str, runs: int = 7) -> float:
    "Median seconds for one review through the predictor (its serving threads: serve_transformer.request_threads)."
    import time
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pred.logits([text])
        times.append(time.perf_counter() - start)
    return float(np.median(times[1:]))


def five_hundred_words(texts: list[str]) -> str:
    return min(texts, key=lambda t: abs(len(t.split()) - 500))


def evaluate(learn, cfg: Config) -> dict:
    """Measured on the validation reviews through the serving path (model.onnx in ONNX Runtime): the int8 model at
    each serving window, the longest window whose 500-word latency fits the budget is served (int8 if it holds the
    float32 model's accuracy there), then the n-gram baseline and the combination of the two."""
    from .serve import Predictor
    info = learn.sentiment
    valid = info["valid"]
    y = (valid.label.values == "positive").astype(int)
    texts = list(valid.text)
    state, config = export(learn, cfg)
    model = checkpoint.load_weights(build_model(config), {k: v.float() for k, v in state.items()}, config)
    fp32 = onnx_fp32(model)
    int8 = quantized(fp32) if cfg.quantize else fp32
    review = five_hundred_words(texts)
    metrics, odds, chosen = {}, {}, None
    for window in [w for w in WINDOWS if w <= cfg.serve_tokens] or [cfg.serve_tokens]:
        pred = TransformerPredictor({**config, "max_tokens": window}, int8)
        odds[window] = positive_log_odds(pred.predict(texts))
        seconds = latency(pred, review)
        metrics[f"transformer_accuracy_{window}"] = round(float(((odds[window] > 0) == y).mean()), 4)
        metrics[f"latency_500_words_{window}"] = round(seconds, 4)
        print(f"transformer {'int8' if cfg.quantize else 'fp32'} at {window} tokens: accuracy "
              f"{metrics[f'transformer_accuracy_{window}']}, 500 words in {seconds * 1000:.0f} ms", flush=True)
        if chosen is None or seconds <= LATENCY_BUDGET:
            chosen = window
    info["serve_tokens"] = chosen
    served = odds[chosen]
    if cfg.quantize:
        f = positive_log_odds(TransformerPredictor({**config, "max_tokens": chosen}, fp32).predict(texts))
        metrics["transformer_fp32_accuracy"] = round(float(((f > 0) == y).mean()), 4)
        info["quantized"] = metrics[f"transformer_accuracy_{chosen}"] >= metrics["transformer_fp32_accuracy"] - QUANTIZE_TOLERANCE
        if not info["quantized"]:
            served = f
    else:
        info["quantized"] = False
    base_folder = baseline_folder(cfg.baseline_model)
    b = positive_log_odds(Predictor.load(base_folder).predict(texts))
    info["ensemble"] = {**fit_combination(served, b, y), "baseline_sha256": weights_digest(base_folder)}
    return {"accuracy": info["ensemble"]["cross_fitted_accuracy"],
            "transformer_accuracy": round(float(((served > 0) == y).mean()), 4),
            "baseline_accuracy": round(float(((b > 0) == y).mean()), 4), "n_valid_reviews": len(y),
            "served_weights": "int8" if info["quantized"] else "float32", "serve_tokens": chosen, **metrics}


def bundle_baseline(folder, cfg: Config) -> None:
    """Copy the n-gram artifact the combination was fitted with into `folder`/baseline (one folder serves both).
    Retraining in place (`--out` the folder whose baseline/ is the baseline model) leaves baseline/ as it is."""
    src, dst = baseline_folder(cfg.baseline_model), Path(folder) / "baseline"
    if src.resolve() == dst.resolve():
        return
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("baseline"))


def card(cfg: Config, metrics: dict, command: str) -> str:
    from .card import transformer_card
    return transformer_card(cfg, metrics, command)
