"""The transformer, export side (torch, onnx): the artifact's weights and config, model.onnx, and every serving
choice, each made here once and returned in config.json, measured on the validation reviews the Learner kept (the
first `valid_samples`): the serving window (the longest whose 500-word review answers within the latency budget),
int8 dynamic quantisation (when it holds the float32 model's accuracy), and the verdict's combination with the n-gram
baseline (a two-input logistic regression: fitted on validation reviews, never on test ones)."""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from shared.serving import artifact
from shared.serving import weights
from shared.training import pretrained
from shared.training import export as conversion
from shared.training.export import onnx_bytes

from ..config import LABELS, TRANSFORMER, TransformerConfig
from ..ngram import serve as ngram
from ..verdict import BASELINE, log_odds, weights_digest
from .serve import Predictor

QUANTIZE_TOLERANCE = 0.003  # int8 is kept when it loses at most this much validation accuracy
WINDOWS = (256, 384, 512)   # serving windows tried (tokens), up to cfg.serve_tokens
LATENCY_BUDGET = 0.100      # seconds: a 500-word review's p50 on the transformer's serving threads
# the pretrained model's tensors that `freeze_embeddings` keeps frozen: {our key: the package's key}
FROZEN = {"body.embeddings.word_embeddings.weight": "embeddings.word_embeddings.weight"}


def onnx_fp32(model) -> bytes:
    model.body.config._attn_implementation = "eager"  # plain MatMul/Softmax: exports and quantises cleanly
    return onnx_bytes(model, (torch.ones(2, 16, dtype=torch.long),), ["ids"], ["logits"],
                      {"ids": {0: "batch", 1: "tokens"}, "logits": {0: "batch"}}, opset=17)


def quantized(onnx: bytes) -> bytes:
    """int8 weights for the MatMuls and the embeddings (dynamic quantisation: activations quantised per call), ONNX
    Runtime's own tool, one scale per output channel (BENCHMARKS.md compares it with one scale per matrix)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        src.write_bytes(onnx)
        quantize_dynamic(src, dst, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Gather"],
                         per_channel=True)
        return dst.read_bytes()


def to_onnx(model, config: dict) -> bytes:
    """The network in ONNX: float32, or int8 when `config["quantized"]` (a saved artifact's recorded choice, when
    `python -m shared.training.export` writes it again; export asks for float32 and makes the choice)."""
    onnx = onnx_fp32(model)
    return quantized(onnx) if config.get("quantized") else onnx


def export(learn, cfg: TransformerConfig) -> tuple[dict, dict, bytes]:
    """(weights, config.json, model.onnx bytes), once: the stored weights (float16 when cfg.fp16_weights) rebuilt into
    the network and converted (`servable`: float32 ONNX), and every serving choice made on that (`choose`) and
    returned in config.json."""
    info = learn.sentiment
    state = {k: v.detach().cpu() for k, v in learn.model.state_dict().items()}
    state = {k: (v.half() if cfg.fp16_weights else v.float()) if v.is_floating_point() else v for k, v in state.items()}
    config = {"task": "sentiment", "arch": TRANSFORMER, "labels": list(LABELS),
              "base_model": weights.TEXT[cfg.base].base_model, "max_tokens": cfg.serve_tokens,
              "head_tokens": cfg.head_tokens, "pad_id": info["wordpiece"].pad, "bert": info["bert"]}
    fp32 = conversion.servable("sentiment", state, {**config, "quantized": False})
    choices, onnx = choose(fp32, {**config, "tokenizer_json": info["tokenizer_json"]}, info["valid"], cfg)
    base = base_tensors(state, cfg)
    return state, {**config, "max_tokens": choices.pop("max_tokens"), **choices, "train_config": asdict(cfg),
                   "tokenizer_json": info["tokenizer_json"], **({"base_tensors": base} if base else {})}, onnx


def choose(fp32: bytes, config: dict, valid, cfg: TransformerConfig) -> tuple[dict, bytes]:
    """The serving choices for the float32 ONNX network `fp32`, measured through the serving Predictor (ONNX Runtime)
    on `valid`: the int8 model at each window up to cfg.serve_tokens, the longest whose 500-word latency fits the
    budget served (int8 if it holds the float32 model's accuracy there), then the combination with the n-gram
    baseline. Returns ({max_tokens, quantized, ensemble, calibration}, the model.onnx bytes to serve)."""
    y = (valid.label.values == "positive").astype(int)
    texts = list(valid.text)
    int8 = quantized(fp32) if cfg.quantize else fp32
    review = five_hundred_words(texts)
    measured, odds, chosen = {}, {}, None
    for window in [w for w in WINDOWS if w <= cfg.serve_tokens] or [cfg.serve_tokens]:
        pred = Predictor({**config, "max_tokens": window}, int8)
        odds[window] = positive_log_odds(pred.predict(texts))
        seconds = latency(pred, review)
        measured[f"transformer_accuracy_{window}"] = accuracy(odds[window], y)
        measured[f"latency_500_words_{window}"] = round(seconds, 4)
        print(f"transformer {'int8' if cfg.quantize else 'fp32'} at {window} tokens: accuracy "
              f"{measured[f'transformer_accuracy_{window}']}, 500 words in {seconds * 1000:.0f} ms", flush=True)
        if chosen is None or seconds <= LATENCY_BUDGET:
            chosen = window
    served, onnx, is_int8 = odds[chosen], int8, cfg.quantize
    if cfg.quantize:
        f = positive_log_odds(Predictor({**config, "max_tokens": chosen}, fp32).predict(texts))
        measured["transformer_fp32_accuracy"] = accuracy(f, y)
        is_int8 = measured[f"transformer_accuracy_{chosen}"] >= measured["transformer_fp32_accuracy"] - QUANTIZE_TOLERANCE
        if not is_int8:
            served, onnx = f, fp32
    base_folder = baseline_folder(cfg.baseline_model)
    b = positive_log_odds(ngram.Predictor.load(base_folder).predict(texts))
    ensemble = {**fit_combination(served, b, y), "baseline_sha256": weights_digest(base_folder)}
    calibration = {"n_valid_reviews": len(y), "transformer_accuracy": accuracy(served, y),
                   "baseline_accuracy": accuracy(b, y), **measured}
    return {"max_tokens": chosen, "quantized": is_int8, "ensemble": ensemble, "calibration": calibration}, onnx


def accuracy(log_odds_: np.ndarray, y: np.ndarray) -> float:
    return round(float(((log_odds_ > 0) == y).mean()), 4)


def base_tensors(state: dict, cfg: TransformerConfig) -> dict | None:
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
    return folder / BASELINE if config.get("arch") == TRANSFORMER else folder


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


def latency(pred: Predictor, text: str, runs: int = 7) -> float:
    "Median seconds for one review through the predictor (its serving threads: serve.request_threads)."
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pred.logits([text])
        times.append(time.perf_counter() - start)
    return float(np.median(times[1:]))


def five_hundred_words(texts: list[str]) -> str:
    return min(texts, key=lambda t: abs(len(t.split()) - 500))


def bundle_baseline(folder, cfg: TransformerConfig) -> None:
    """Copy the n-gram artifact the combination was fitted with into `folder`/baseline (one folder serves both).
    Retraining in place (`--out` the folder whose baseline/ is the baseline model) leaves baseline/ as it is."""
    src, dst = baseline_folder(cfg.baseline_model), Path(folder) / BASELINE
    if src.resolve() == dst.resolve():
        return
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(BASELINE))
