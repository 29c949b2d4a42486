"""How a Space runs its network on a CPU: threads per request, and ONNX Runtime for the forward pass.

A small network (the pets model: 2.7 M parameters, 144 px) spends much of a PyTorch eager forward pass on
per-operator overhead rather than arithmetic; in ONNX Runtime a whole prediction takes 5.9 ms on one core
against 8.4 ms in eager PyTorch (BENCHMARKS.md). So the serving path exports the loaded network to ONNX in
memory (about a second at start; no file, nothing unpickled: the weights still come from model.safetensors) and
runs it there. Where onnxruntime is not installed, or on a GPU, the torch model runs as it is.
"""
from __future__ import annotations

import io
import os

import numpy as np
import torch


def concurrency() -> int:
    "Requests a Space runs at once ($CONCURRENCY, default 2: one per vCPU of a free CPU Space)."
    return int(os.environ.get("CONCURRENCY", 2))


def serving_threads() -> int:
    """Threads per request: the cores shared among the requests that run at once (1 on a 2-vCPU Space).
    Two requests on one thread each beat two on two threads each: oversubscribed OpenMP threads spin-wait."""
    return max(1, (os.cpu_count() or 1) // concurrency())


class OnnxModel:
    "A torch network exported to ONNX in memory and run by ONNX Runtime; called like the network (tensor in, out)."

    def __init__(self, model: torch.nn.Module, example: torch.Tensor, threads: int | None = None):
        import onnxruntime as ort
        buf = io.BytesIO()
        was_training = model.training
        model.eval()
        with torch.no_grad():  # the TorchScript exporter: no onnxscript needed, a batch axis of any size
            torch.onnx.export(model, (example,), buf, input_names=["x"], output_names=["y"],
                              dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, dynamo=False)
        model.train(was_training)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or serving_threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # warnings about unused initialisers are noise here
        self.session = ort.InferenceSession(buf.getvalue(), options, providers=["CPUExecutionProvider"])

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        (y,) = self.session.run(None, {"x": np.ascontiguousarray(x.detach().cpu().numpy(), dtype=np.float32)})
        return torch.from_numpy(y)


def onnxruntime_available() -> bool:
    try:
        import onnx  # noqa: F401  (torch's exporter writes through it)
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def fast_forward(model: torch.nn.Module, example: torch.Tensor, engine: str = "auto"):
    """The callable that serves `model`: ONNX Runtime on CPU ("auto" where installed, or "onnx"), else the
    torch model itself ("torch", a GPU, or no onnxruntime)."""
    if engine not in ("auto", "onnx", "torch"):
        raise ValueError(f"engine must be 'auto', 'onnx' or 'torch', not {engine!r}")
    on_cpu = example.device.type == "cpu"
    if engine == "onnx" or (engine == "auto" and on_cpu and onnxruntime_available()):
        return OnnxModel(model, example)
    return model
