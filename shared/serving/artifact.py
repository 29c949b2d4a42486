"""A model is a folder: `model.safetensors` + `model.onnx` + `config.json` + `README.md` (the model card).

The serving side reads `config.json` and runs `model.onnx` in ONNX Runtime (numpy arrays from the safetensors
file where it needs them); the training side rebuilds the network from `config.json` + `model.safetensors`.
Nothing here unpickles anything (safetensors, ONNX protobuf, JSON), and nothing imports torch at import time:
a Space that only serves never loads it. `load` takes a local folder or a Hub repo id (`user/repo[@revision]`).
"""
from __future__ import annotations

import json
import logging
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

FORMAT_VERSION = 2  # 1: weights + config + card; 2: model.onnx beside them
WEIGHTS, ONNX, CONFIG, CARD = "model.safetensors", "model.onnx", "config.json", "README.md"
FILES = (WEIGHTS, ONNX, CONFIG, CARD)
WEIGHTS_LEFT_OUT = "weights_left_out"  # config.json key of a Space bundle's model copy without model.safetensors
TERMS = ("README.txt",)  # a dataset's own terms kept beside the model (MovieLens asks for it); pushed with it
log = logging.getLogger(__name__)


class ArtifactError(RuntimeError):
    """A model artifact that cannot be used, with a message that says why."""


def library_versions() -> dict[str, str]:
    "Versions of the libraries that shape the weights: recorded at training time, compared at load time."
    out = {"python": platform.python_version()}
    for name in ("torch", "timm", "fastai", "onnxruntime"):
        try:
            out[name] = version(name).split("+")[0]
        except PackageNotFoundError:
            pass
    return out


def save_arrays(folder, arrays: dict, config: dict, card: str, onnx: bytes) -> Path:
    "`save` for numpy weights (the serving side writes models too: the pets Space's taught labels); no torch."
    from safetensors.numpy import save_file
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(arrays, folder / WEIGHTS, metadata={"format": "pt"})
    config = {**config, "format_version": FORMAT_VERSION, "versions": library_versions()}
    (folder / CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    (folder / CARD).write_text(card)
    write_onnx(folder, onnx)
    return folder


def write_onnx(folder, onnx: bytes) -> Path:
    "Write `model.onnx` into an artifact folder (and mark config.json as format 2)."
    folder = Path(folder)
    if not onnx:
        raise ArtifactError("empty ONNX model: nothing written")
    (folder / ONNX).write_bytes(onnx)
    path = folder / CONFIG
    config = json.loads(path.read_text())
    if config.get("format_version") != FORMAT_VERSION:
        path.write_text(json.dumps({**config, "format_version": FORMAT_VERSION}, indent=2) + "\n")
    return folder / ONNX


def recorded(cls, d: dict):
    "The dataclass `cls` (a task's training Config) as config.json records it; keys of other versions left out."
    return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def split_source(source: str) -> tuple[str, str | None]:
    "'user/repo@rev' -> ('user/repo', 'rev')."
    repo, _, rev = str(source).partition("@")
    return repo, rev or None


def hub_patterns(files=FILES) -> list[str]:
    "The artifact's files, and the same names in subfolders: companion artifacts (a sentiment transformer's baseline/)."
    return [*files, *(f"*/{f}" for f in files)]


def resolve(source, files=FILES) -> Path:
    "A local folder as is; anything else is a Hub model repo id, downloaded (or read from the cache)."
    if Path(source).is_dir():
        return Path(source)
    repo_id, revision = split_source(source)
    if repo_id.count("/") != 1 or repo_id.startswith((".", "/")):
        raise ArtifactError(f"model source {source!r} is neither a folder nor a Hub repo id like 'user/name[@revision]'")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError
    try:
        return Path(snapshot_download(repo_id, revision=revision, allow_patterns=hub_patterns(files)))
    except (LocalEntryNotFoundError, RepositoryNotFoundError, HfHubHTTPError, OSError) as e:
        raise ArtifactError(f"could not get model {source!r} from the Hugging Face Hub: {e}") from e


def read_config(folder: Path, task: str | None = None) -> dict:
    path = folder / CONFIG
    if not path.is_file():
        raise ArtifactError(f"{folder} has no {CONFIG}: not a model artifact")
    try:
        config = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ArtifactError(f"{path} is not valid JSON: {e}") from e
    if not isinstance(config, dict):
        raise ArtifactError(f"{path} is not a JSON object")
    fmt = config.get("format_version")
    if not isinstance(fmt, int) or fmt > FORMAT_VERSION:
        raise ArtifactError(f"{path} has format_version {fmt!r}; this code reads up to {FORMAT_VERSION}: "
                            "update the shared package")
    if task and config.get("task") != task:
        raise ArtifactError(f"{folder} holds a {config.get('task')!r} model, not a {task!r} model")
    return config


def warn_on_drift(folder: Path, config: dict) -> None:
    "Log (not fail) when the model was trained with other torch / timm / fastai minor versions than installed."
    now = library_versions()
    drift = {k: (v, now.get(k)) for k, v in config.get("versions", {}).items()
             if k in ("torch", "timm", "fastai") and k in now and minor(v) != minor(now[k])}
    if drift:
        log.warning("model %s was trained with other library versions (trained, installed): %s", folder, drift)


def minor(v: str) -> str:
    return ".".join(str(v).split(".")[:2])


def check_weights(path: Path) -> None:
    "The safetensors header is readable (a cheap check: the tensors are not read)."
    from safetensors import safe_open
    try:
        with safe_open(path, framework="numpy") as f:
            f.keys()
    except Exception as e:  # safetensors raises its own error types for truncated or foreign files
        raise ArtifactError(f"{path} is not a readable safetensors file: {e}") from e


def check_onnx(path: Path) -> None:
    "An ONNX model is a protobuf ModelProto: field 1 (ir_version, a varint) comes first. Sessions check the rest."
    head = path.read_bytes()[:2] if path.stat().st_size else b""
    if len(head) < 2 or head[0] != 0x08:
        raise ArtifactError(f"{path} is not an ONNX model (re-export it: python -m shared.training.export {path.parent})")


def load(source, task: str | None = None, files=FILES) -> tuple[dict, Path]:
    """(config, folder) of the artifact at `source` (folder or Hub id), every one of `files` checked: present,
    and readable as what it claims to be. The error names each file that is missing or wrong."""
    folder = resolve(source, files)
    config = read_config(folder, task)
    if config.get(WEIGHTS_LEFT_OUT):  # a Space bundle's copy whose serving never reads them
        files = tuple(f for f in files if f != WEIGHTS)
    missing = [f for f in files if f != CONFIG and not (folder / f).is_file()]
    if missing:
        hint = f" (add it: python -m shared.training.export {folder})" if missing == [ONNX] else ""
        raise ArtifactError(f"{folder} has no {' and no '.join(missing)}{hint}")
    if WEIGHTS in files:
        check_weights(folder / WEIGHTS)
    if ONNX in files:
        check_onnx(folder / ONNX)
    return config, folder


def load_arrays(folder) -> dict:
    "Serving side: the weights as numpy arrays (safetensors.numpy; no torch)."
    from safetensors.numpy import load_file
    path = Path(folder) / WEIGHTS
    if not path.is_file():
        raise ArtifactError(f"{folder} has no {WEIGHTS}")
    try:
        return load_file(path)
    except Exception as e:
        raise ArtifactError(f"{path} is not a readable safetensors file: {e}") from e


def push(folder, repo_id: str, token: str | None = None, private: bool = False,
         message: str = "Upload model") -> str:
    "Create (if needed) the Hub model repo and upload the artifact folder. Token: argument, HF_TOKEN or login cache."
    from huggingface_hub import create_repo, upload_folder
    token = token or os.environ.get("HF_TOKEN")  # None falls back to the login cache; never printed
    folder = Path(folder)
    missing = [f for f in FILES if not (folder / f).is_file()]
    if missing:
        raise ArtifactError(f"{folder} is missing {missing}: nothing pushed")
    repo = create_repo(repo_id, token=token, private=private, exist_ok=True, repo_type="model")
    upload_folder(repo_id=repo.repo_id, folder_path=folder, token=token, commit_message=message,
                  allow_patterns=hub_patterns(FILES + TERMS))
    return f"https://huggingface.co/{repo.repo_id}"
