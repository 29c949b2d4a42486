"""The taught model as a standard pets artifact: the base model's folder with its head replaced.

model.safetensors: the base weights, the head (`1.3.weight`, `1.3.bias`) swapped for the taught one (safetensors.numpy).
model.onnx: the base network with the head's initializers swapped (the same weight feeds the logits and the class
activation maps), output shapes updated, and checked by running it. config.json: the taught labels, no species.
README.md: the card. `PETS_MODEL=<folder> python spaces/pets/app.py` serves it; `shared.serving.artifact.push` uploads it.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from shared.serving import artifact
from shared.tasks.pets.config import ServingConfig

from .card import card
from .teacher import Taught

HEAD = ("1.3.weight", "1.3.bias")  # the pets network's linear head: nn.Sequential(body, Sequential(pool, flat, drop, linear))


def swap_initializers(model, swaps: list[tuple[np.ndarray, np.ndarray]]) -> list[str]:
    "Replace every initializer equal to an old array (or its transpose) by the new one; the names replaced."
    from onnx import numpy_helper
    done = []
    for init in model.graph.initializer:
        arr = numpy_helper.to_array(init)
        for old, new in swaps:
            for o, n in ((old, new), (old.T, new.T)):
                if arr.shape == o.shape and np.array_equal(arr, o.astype(arr.dtype)):
                    init.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(n.astype(arr.dtype)), init.name))
                    done.append(init.name)
                    break
            else:
                continue
            break
    return done


def taught_onnx(base_onnx: Path, old: tuple[np.ndarray, np.ndarray], new: tuple[np.ndarray, np.ndarray]) -> bytes:
    "The base model.onnx with its head's initializers replaced and the logits/cams outputs resized."
    import onnx
    model = onnx.load(str(base_onnx))
    replaced = swap_initializers(model, [(old[0], new[0]), (old[1], new[1])])
    if len(replaced) < 2:
        raise artifact.ArtifactError(f"{base_onnx}: the head's weights were not found among its initializers "
                                     f"(replaced {replaced}): re-export it (python -m shared.training.export)")
    k = len(new[1])
    for output in model.graph.output:
        if output.name in ("logits", "cams"):
            output.type.tensor_type.shape.dim[1].dim_value = k
    del model.graph.value_info[:]  # intermediate shapes inferred for the old head
    return model.SerializeToString()


def check(onnx: bytes, head: tuple[np.ndarray, np.ndarray], size: int) -> None:
    "Run the taught model.onnx: its logits must be the taught head (as stored: float16 if the base is) over its features."
    from shared.serving import runtime
    rng = np.random.default_rng(0)
    out = runtime.OnnxModel(onnx, threads=1).run(x=rng.normal(size=(1, 3, size, size)).astype(np.float32))
    w, b = (a.astype(np.float32) for a in head)
    expected = out["features"] @ w.T + b
    if out["logits"].shape != expected.shape or not np.allclose(out["logits"], expected, rtol=1e-3, atol=1e-3):
        raise artifact.ArtifactError("the taught model.onnx does not compute the taught head: not written")


def config(base: dict, taught: Taught, source: str, zip_name: str) -> dict:
    serving = ServingConfig.from_dict(base)
    serving.labels, serving.species = list(taught.labels), []
    serving.tta = "flip" if taught.tta else None
    train_config = {**base.get("train_config", {}), "folder": zip_name, "epochs": 0, "cached_features": True,
                    "views": 2, "head_c": taught.c}
    metrics = {"accuracy": round(taught.accuracy, 4)}
    return {**serving.to_dict(), "train_config": train_config, "metrics": metrics,
            "taught": {"from": source, "photos": taught.counts, "skipped": taught.skipped, "folds": taught.folds,
                       "confusion": taught.confusion.tolist(), "seconds": {k: round(v, 2) for k, v in
                                                                             taught.seconds.items()}}}


def write(taught: Taught, base_source: str, out: Path, zip_name: str = "photos.zip") -> Path:
    "The taught artifact folder `out`, from the base pets model at `base_source` (folder or Hub id)."
    base, folder = artifact.load(base_source, task="pets")
    arrays = artifact.load_arrays(folder)
    if any(key not in arrays for key in HEAD):
        raise artifact.ArtifactError(f"{folder} has no {HEAD} tensors: not the pets network")
    old = tuple(arrays[key] for key in HEAD)
    new = tuple(np.ascontiguousarray(n.astype(o.dtype)) for n, o in zip((taught.weight, taught.bias), old))
    onnx = taught_onnx(folder / artifact.ONNX, old, new)
    check(onnx, new, base["size"])
    arrays.update(zip(HEAD, new))
    source = base_source if not Path(base_source).is_dir() else (base.get("base_model") or "")
    cfg = config(base, taught, source, zip_name)
    return artifact.save_arrays(out, arrays, cfg, card(taught, cfg, source), onnx)


def zip_folder(folder: Path, target: Path) -> Path:
    "`folder` as a .zip whose entries sit in one folder of the same name (unzip -> a servable folder)."
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in artifact.FILES:
            zf.write(folder / name, f"{folder.name}/{name}")
    return target

