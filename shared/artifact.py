"""A model is a folder: `model.safetensors` + `config.json` + `README.md` (the model card).

Nothing here unpickles anything: weights are safetensors, everything else is JSON.
`load` takes a local folder or a Hub repo id (`user/repo` or `user/repo@revision`).
"""
from __future__ import annotations

import json
import logging
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

FORMAT_VERSION = 1
WEIGHTS, CONFIG, CARD = "model.safetensors", "config.json", "README.md"
FILES = (WEIGHTS, CONFIG, CARD)
log = logging.getLogger(__name__)


class ArtifactError(RuntimeError):
    """A model artifact that cannot be used, with a message that says why."""


def library_versions() -> dict[str, str]:
    "Versions of the libraries that shape the weights: recorded at training time, compared at load time."
    out = {"python": platform.python_version()}
    for name in ("torch", "timm", "fastai"):
        try:
            out[name] = version(name).split("+")[0]
        except PackageNotFoundError:
            pass
    return out


def save(folder, state_dict: dict[str, torch.Tensor], config: dict, card: str) -> Path:
    "Write weights, config and model card into `folder`."
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in state_dict.items()}
    save_file(tensors, folder / WEIGHTS, metadata={"format": "pt"})
    config = {"format_version": FORMAT_VERSION, **config, "versions": library_versions()}
    (folder / CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    (folder / CARD).write_text(card)
    return folder


def split_source(source: str) -> tuple[str, str | None]:
    "'user/repo@rev' -> ('user/repo', 'rev')."
    repo, _, rev = str(source).partition("@")
    return repo, rev or None


def resolve(source) -> Path:
    "A local folder as is; anything else is a Hub model repo id, downloaded (or read from the cache)."
    if Path(source).is_dir():
        return Path(source)
    repo_id, revision = split_source(source)
    if repo_id.count("/") != 1 or repo_id.startswith((".", "/")):
        raise ArtifactError(f"model source {source!r} is neither a folder nor a Hub repo id like 'user/name[@revision]'")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError
    try:
        return Path(snapshot_download(repo_id, revision=revision, allow_patterns=list(FILES)))
    except (LocalEntryNotFoundError, RepositoryNotFoundError, HfHubHTTPError, OSError) as e:
        raise ArtifactError(f"could not get model {source!r} from the Hugging Face Hub: {e}") from e


def read_config(folder: Path, task: str | None = None) -> dict:
    path = folder / CONFIG
    if not path.is_file():
        raise ArtifactError(f"{folder} has no {CONFIG}: not a model artifact")
    try:
        config = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ArtifactError(f"{path} is not valid JSON: {e}") from e
    fmt = config.get("format_version")
    if not isinstance(fmt, int) or fmt > FORMAT_VERSION:
        raise ArtifactError(f"{path} has format_version {fmt!r}; this code reads up to {FORMAT_VERSION}: "
                            "update the shared package")
    if task and config.get("task") != task:
        raise ArtifactError(f"{folder} holds a {config.get('task')!r} model, not a {task!r} model")
    now = library_versions()
    drift = {k: (v, now.get(k)) for k, v in config.get("versions", {}).items()
             if k in ("torch", "timm", "fastai") and minor(v) != minor(now.get(k, ""))}
    if drift:
        log.warning("model %s was trained with other library versions (trained, installed): %s", folder, drift)
    return config


def minor(v: str) -> str:
    return ".".join(str(v).split(".")[:2])


def load(source, task: str | None = None) -> tuple[dict, dict[str, torch.Tensor], Path]:
    "Config, weights and folder of the artifact at `source` (folder or Hub id), checked."
    folder = resolve(source)
    config = read_config(folder, task)
    weights = folder / WEIGHTS
    if not weights.is_file():
        raise ArtifactError(f"{folder} has no {WEIGHTS}")
    try:
        state = load_file(weights)
    except Exception as e:  # safetensors raises its own error types for truncated or foreign files
        raise ArtifactError(f"{weights} is not a readable safetensors file: {e}") from e
    return config, state, folder


def load_weights(model: torch.nn.Module, state: dict[str, torch.Tensor], config: dict) -> torch.nn.Module:
    "Load `state` into `model` strictly; a mismatch means the code that builds the network has drifted."
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        trained = config.get("versions", {})
        raise ArtifactError(f"the weights do not fit the network built for arch {config.get('arch')!r} "
                            f"(version drift? trained with {trained}, installed {library_versions()}): "
                            f"{str(e).splitlines()[0]}") from e
    return model.eval()


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
                  allow_patterns=list(FILES))
    return f"https://huggingface.co/{repo.repo_id}"
