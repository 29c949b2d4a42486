"""The serving runtime: threads per request, and ONNX Runtime giving the network's own answers."""
import pytest
import torch

from shared.serving import runtime
from shared.serving.artifact import ArtifactError
from shared.training.export import onnx_bytes


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
    code = "import sys, shared.serving.runtime, shared.serving.artifact; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    assert out.stdout.strip() == "False", out.stderr



@pytest.mark.parametrize("concurrency", ["1", "2"])
def test_a_space_runs_numpys_blas_on_the_threads_per_request(concurrency):
    "Importing shared.serving.ui (every Space does) puts numpy's BLAS on serving_threads() threads, as ONNX Runtime."
    import json
    import os
    import subprocess
    import sys
    code = ("import json, numpy, shared.serving.ui\nfrom threadpoolctl import threadpool_info\nfrom shared.serving import runtime\n"
            "print(json.dumps([runtime.serving_threads(), [i['num_threads'] for i in threadpool_info() "
            "if i['user_api'] == 'blas']]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "CONCURRENCY": concurrency},
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    threads, blas = json.loads(out.stdout.strip().splitlines()[-1])
    assert blas and all(n == threads for n in blas), out.stderr


def test_same_paddings_become_constants_inside_the_convolutions():
    """pets' export: timm's TF-style 'same' convolutions pad by fixed amounts for the served size, and
    `pads_into_convs` moves those pads into the Conv nodes: no Pad or Shape node is left, the same numbers come out."""
    import numpy as np
    import onnx
    from timm.layers.conv2d_same import Conv2dSame

    from shared.training.export import pads_into_convs
    from shared.tasks.pets.train import static_padding
    torch.manual_seed(0)
    model = torch.nn.Sequential(Conv2dSame(3, 4, 3, stride=2), torch.nn.ReLU(),
                                Conv2dSame(4, 4, 5, stride=2, groups=4), torch.nn.ReLU(),
                                Conv2dSame(4, 2, 3, stride=1)).eval()
    fixed = static_padding(model, 21)
    x = torch.randn(2, 3, 21, 21)
    with torch.no_grad():
        expected = model(x).numpy()
        assert np.array_equal(fixed(x).numpy(), expected)
    assert all(type(m) is Conv2dSame for m in model if isinstance(m, torch.nn.Conv2d))  # the original is untouched
    plain = onnx_bytes(fixed, (x[:1],), ["x"], ["y"], {"x": {0: "batch"}, "y": {0: "batch"}}, fold_constants=False)
    fused = pads_into_convs(plain)
    ops = [n.op_type for n in onnx.load_from_string(fused).graph.node]
    assert "Pad" in [n.op_type for n in onnx.load_from_string(plain).graph.node]
    assert "Pad" not in ops and "Shape" not in ops and ops.count("Conv") == 3
    got = runtime.OnnxModel(fused, threads=1)(x.numpy())
    assert abs(got - expected).max() < 1e-5


def test_a_pad_that_is_not_zero_stays():
    "Reflection padding (or any pad a Conv cannot do itself) is left where it is."
    import onnx

    from shared.training.export import pads_into_convs
    model = torch.nn.Sequential(torch.nn.ReflectionPad2d((0, 1, 0, 1)), torch.nn.Conv2d(3, 2, 3)).eval()
    x = torch.randn(1, 3, 8, 8)
    fused = pads_into_convs(onnx_bytes(model, (x,), ["x"], ["y"], fold_constants=False))
    assert "Pad" in [n.op_type for n in onnx.load_from_string(fused).graph.node]
    with torch.no_grad():
        assert abs(runtime.OnnxModel(fused, threads=1)(x.numpy()) - model(x).numpy()).max() < 1e-5
