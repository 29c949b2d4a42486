"""The serving runtime: threads per request, and ONNX Runtime giving the network's own answers."""
import pytest
import torch

from shared import runtime
from shared.artifact import ArtifactError
from shared.export import onnx_bytes


@pytest.mark.parametrize("concurrency,cores,threads", [("2", 2, 1), ("1", 2, 2), ("2", 8, 4), ("4", 2, 1)])
def test_threads_share_the_cores_among_concurrent_requests(monkeypatch, concurrency, cores, threads):
    monkeypatch.setenv("CONCURRENCY", concurrency)
    monkeypatch.setattr(runtime.os, "cpu_count", lambda: cores)
    assert runtime.concurrency() == int(concurrency) and runtime.serving_threads() == threads


def small_network():
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                               torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 2)).train()


def test_onnx_model_takes_any_batch_and_size_and_leaves_the_torch_model_as_it_was(monkeypatch):
    monkeypatch.setenv("CONCURRENCY", "1")
    model = small_network()
    onnx = runtime.OnnxModel(onnx_bytes(model, (torch.zeros(1, 3, 16, 16),), ["x"], ["y"],
                                        {"x": {0: "batch", 2: "h", 3: "w"}, "y": {0: "batch"}}), threads=1)
    assert model.training  # exported in eval mode, handed back in training mode
    assert onnx.inputs == ["x"] and onnx.outputs == ["y"]
    assert onnx.session.get_session_options().intra_op_num_threads == 1
    for shape in [(5, 3, 16, 16), (1, 3, 24, 40)]:
        x = torch.randn(*shape)
        with torch.no_grad():
            expected = model.eval()(x).numpy()
        got = onnx(x.numpy())
        assert got.shape == expected.shape and abs(got - expected).max() < 1e-5
        assert abs(onnx.run(x=x.numpy())["y"] - expected).max() < 1e-5


def test_sessions_use_the_threads_per_request(monkeypatch):
    monkeypatch.setenv("CONCURRENCY", "2")
    monkeypatch.setattr(runtime.os, "cpu_count", lambda: 8)
    onnx = onnx_bytes(small_network(), (torch.zeros(1, 3, 8, 8),), ["x"], ["y"])
    assert runtime.session(onnx).get_session_options().intra_op_num_threads == 4


def test_an_unreadable_model_is_named(tmp_path):
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"\x08\x07not a graph")
    with pytest.raises(ArtifactError, match=f"{bad} cannot be run by ONNX Runtime"):
        runtime.OnnxModel(bad)


def test_runtime_imports_no_torch():
    import subprocess
    import sys
    code = "import sys, shared.runtime, shared.artifact; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    assert out.stdout.strip() == "False", out.stderr

