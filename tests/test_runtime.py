"""The serving runtime: threads per request, and ONNX Runtime giving the same answers as PyTorch."""
from pathlib import Path

import pytest
import torch

from shared import runtime
from shared.images import open_image
from shared.tasks import pets

REPO = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = REPO / "spaces" / "pets" / "model"


@pytest.mark.parametrize("concurrency,cores,threads", [("2", 2, 1), ("1", 2, 2), ("2", 8, 4), ("4", 2, 1)])
def test_threads_share_the_cores_among_concurrent_requests(monkeypatch, concurrency, cores, threads):
    monkeypatch.setenv("CONCURRENCY", concurrency)
    monkeypatch.setattr(runtime.os, "cpu_count", lambda: cores)
    assert runtime.concurrency() == int(concurrency) and runtime.serving_threads() == threads


def test_the_default_model_is_served_by_onnxruntime_with_pytorchs_answers(data):
    "Same weights, two engines: the probabilities the Space serves equal PyTorch's on real photos."
    served = pets.Predictor.load(DEFAULT_MODEL)
    eager = pets.Predictor.load(DEFAULT_MODEL, engine="torch")
    assert isinstance(served.forward, runtime.OnnxModel) and eager.forward is eager.model
    photos = [open_image(p) for p in sorted((data / "pets" / "images").glob("*.jpg"))[::37]]
    for tta in (False, True):
        a, b = served.probabilities(photos, tta=tta), eager.probabilities(photos, tta=tta)
        assert a.shape == (len(photos), 39) and torch.allclose(a, b, atol=1e-4)
    for (breeds, species), (breeds_eager, species_eager) in zip(served.predict(photos), eager.predict(photos)):
        assert breeds == pytest.approx(breeds_eager, abs=1e-4) and species == pytest.approx(species_eager, abs=1e-4)


def test_onnx_model_takes_any_batch_and_leaves_the_torch_model_as_it_was():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                                torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 2)).train()
    onnx = runtime.OnnxModel(model, torch.zeros(1, 3, 16, 16), threads=1)
    assert model.training  # exported in eval mode, handed back in training mode
    x = torch.randn(5, 3, 16, 16)
    with torch.no_grad():
        assert torch.allclose(onnx(x), model.eval()(x), atol=1e-5)


def test_engine_names_are_checked():
    model = torch.nn.Linear(2, 2)
    assert runtime.fast_forward(model, torch.zeros(1, 2), "torch") is model
    with pytest.raises(ValueError, match="engine must be"):
        runtime.fast_forward(model, torch.zeros(1, 2), "tensorrt")
