"""The training side of an artifact folder: torch state dicts in and out of `model.safetensors`.

    checkpoint.save(folder, state_dict, config, card, onnx=...)   # what `python -m shared.training` writes
    checkpoint.record(folder, metrics, card)                      # then the saved folder's measured numbers
    config, state, folder = checkpoint.load_torch(source)         # --init-from, re-export, fastai baselines

Tensors that `config["base_tensors"]` names are left out of the file (the pretrained model's own, kept frozen in
training) and read back from their pinned pip package. Serving never imports this module (`shared.serving.artifact`
reads the same folders with numpy and ONNX Runtime).
"""
from __future__ import annotations

import json
from pathlib import Path

from shared.serving.artifact import (CARD, CONFIG, FORMAT_VERSION, WEIGHTS, ArtifactError, library_versions, load,
                                     warn_on_drift, write_onnx)


def save(folder, state_dict: dict, config: dict, card: str, onnx: bytes | None = None) -> Path:
    """Write weights (torch tensors), `model.onnx` (bytes from the task's `train.to_onnx`), config and card into
    `folder`. Without `onnx` the folder is not servable until `python -m shared.training.export FOLDER` adds it.
    Tensors that `config["base_tensors"]` names are left out: they are the pretrained model's own (kept frozen in
    training), and `load_torch` takes them back from its pinned pip package."""
    from safetensors.torch import save_file
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    left_out = set((config.get("base_tensors") or {}).get("tensors", {}))
    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in state_dict.items() if k not in left_out}
    save_file(tensors, folder / WEIGHTS, metadata={"format": "pt"})
    config = {**config, "format_version": FORMAT_VERSION, "versions": library_versions()}
    (folder / CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    (folder / CARD).write_text(card)
    if onnx is not None:
        write_onnx(folder, onnx)
    return folder


def record(folder, metrics: dict, card: str) -> Path:
    """Write `metrics` into the saved artifact's config.json and `card` as its README.md. The weights and model.onnx
    stay as they are: the metrics were measured on them (`shared.training.evaluate`, through the serving Predictor)."""
    folder = Path(folder)
    config = json.loads((folder / CONFIG).read_text())
    (folder / CONFIG).write_text(json.dumps({**config, "metrics": metrics}, indent=2) + "\n")
    (folder / CARD).write_text(card)
    return folder


def load_state(folder) -> dict:
    "Training side: the weights as a torch state dict (imports torch)."
    from safetensors.torch import load_file
    path = Path(folder) / WEIGHTS
    try:
        return load_file(path)
    except Exception as e:
        raise ArtifactError(f"{path} is not a readable safetensors file: {e}") from e


def load_torch(source, task: str | None = None) -> tuple[dict, dict, Path]:
    """Training side: (config, torch state dict, folder), for --init-from, fastai baselines and re-export.
    Needs config.json and model.safetensors only (an artifact without model.onnx is fine here)."""
    config, folder = load(source, task, files=(WEIGHTS, CONFIG))
    warn_on_drift(folder, config)
    return config, with_base_tensors(load_state(folder), config), folder


def with_base_tensors(state: dict, config: dict) -> dict:
    """Training side: the weights the artifact left out because fine-tuning kept them as pretrained
    (`config["base_tensors"]`: {"model": name, "tensors": {our key: its key}}), read back from the pretrained model's
    sha256-pinned pip package, in the stored weights' floating dtype (so the state is what was trained)."""
    base = config.get("base_tensors")
    if not base:
        return state
    from shared.training import pretrained
    dtype = next((v.dtype for v in state.values() if v.is_floating_point()), None)
    restored = pretrained.text_tensors(base["model"], base["tensors"])
    return {**state, **{k: v.to(dtype) if dtype is not None and v.is_floating_point() else v
                        for k, v in restored.items()}}


def load_weights(model, state: dict, config: dict):
    "Training side: load `state` into `model` strictly; a mismatch means the code that builds the network has drifted."
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        trained = config.get("versions", {})
        raise ArtifactError(f"the weights do not fit the network built for arch {config.get('arch')!r} "
                            f"(version drift? trained with {trained}, installed {library_versions()}): "
                            f"{str(e).splitlines()[0]}") from e
    return model.eval()
