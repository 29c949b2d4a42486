"""Pretrained ImageNet weights, offline: the weight files that pip packages ship, mapped onto timm's networks.

    from shared.training import pretrained
    model = pretrained.create("tf_efficientnet_lite0")          # timm network, ImageNet head, weights loaded
    body = pretrained.create("tf_efficientnet_lite0", num_classes=0)   # features only (1280 after pooling)

The files and their pins are `shared.serving.weights`'s catalogue. Those files are lukemelas-style state dicts whose
tensors, in order, have the shapes of timm's network; every tensor is matched by position AND shape, and any
mismatch is an error that names the first bad pair: never a silent partial load. Files are read with
`torch.load(weights_only=True)`: tensors only, no pickled code. Any other architecture falls back to timm's own
download (needs the internet).
"""
from __future__ import annotations

from shared.serving.weights import KNOWN, PretrainedError, known, text_model, weights_file


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


def text_tensors(name: str, keys: dict[str, str]) -> dict:
    """{our key: torch tensor} of the pretrained text model's own tensors ({our key: its key}), from the pinned
    package's model.safetensors: what an artifact leaves out because fine-tuning kept it frozen (`base_tensors`)."""
    from safetensors import safe_open
    with safe_open(str(text_model(name) / "model.safetensors"), framework="pt") as f:
        missing = sorted(set(keys.values()) - set(f.keys()))
        if missing:
            raise PretrainedError(f"{name} has no tensor {missing[0]!r}")
        return {ours: f.get_tensor(theirs) for ours, theirs in keys.items()}
