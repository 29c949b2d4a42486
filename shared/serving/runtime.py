"""How a Space runs its network on a CPU: ONNX Runtime, with the cores shared among the requests that run at once.

The network comes from the artifact's `model.onnx` (written at export from the safetensors weights); nothing
here imports torch, so a serving process never loads it.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    "Probabilities over the last axis, computed stably (the largest logit subtracted first)."
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def concurrency() -> int:
    "Requests a Space runs at once ($CONCURRENCY, default 2: one per vCPU of a free CPU Space)."
    return int(os.environ.get("CONCURRENCY", 2))


def serving_threads() -> int:
    """Threads per request: the cores shared among the requests that run at once (1 on a 2-vCPU Space).
    Two requests on one thread each beat two on two threads each: oversubscribed OpenMP threads spin-wait."""
    return max(1, (os.cpu_count() or 1) // concurrency())


def limit_blas_threads(threads: int | None = None) -> None:
    """numpy's BLAS (OpenBLAS) on `threads` threads (default `serving_threads()`), like the ONNX sessions: with a
    thread per core, every matrix product of one request spin-waits on the core another request (or process)
    holds, and a small product can cost many times the CPU of one thread's."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(threads or serving_threads(), user_api="blas")


def session(model, threads: int | None = None, spinning: bool = True):
    """An ONNX Runtime CPU session for `model` (a path to model.onnx, or its bytes), `threads` per request
    (default `serving_threads()`); spinning=False: idle threads sleep instead of spin-waiting, so a session that
    uses every core still shares them well with a concurrent request. An unreadable model raises ArtifactError."""
    import onnxruntime as ort
    from shared.serving.artifact import ArtifactError
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or serving_threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # warnings about unused initialisers are noise here
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = str(model) if isinstance(model, (str, Path)) else model
    try:
        return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime raises its own Fail / InvalidProtobuf / NoSuchFile types
        name = source if isinstance(source, str) else "the ONNX model"
        raise ArtifactError(f"{name} cannot be run by ONNX Runtime: {str(e).splitlines()[0][:300]}") from e


class OnnxModel:
    "A model.onnx run by ONNX Runtime: `model(x)` -> the first output, `model.run(**inputs)` -> every output by name."

    def __init__(self, model, threads: int | None = None, spinning: bool = True):
        self.session = session(model, threads, spinning)
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.outputs = [o.name for o in self.session.get_outputs()]

    def run(self, **inputs) -> dict[str, np.ndarray]:
        return dict(zip(self.outputs, self.session.run(None, inputs)))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.inputs[0]: x})[0]

