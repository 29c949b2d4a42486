"""The frozen stage on cached features (training side): fastai unet_learner's first stage, computed smartly.

While the pretrained encoder is frozen (eval mode) its feature maps of a photo never change, so they are computed
once per photo and view (the photo, its mirror image) by ONNX Runtime, kept on disk as float16 .npy files (numpy
arrays, never a pickle) under $CHAPTER_ONE_CACHE, and the decoder alone is trained on them with fastai
(fit_one_cycle): each epoch costs the decoder's work only, not the encoder's.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .colour import lightness
from .data import crop_items, repeats, square_view

NAMES = ("f4", "f8", "f16", "f32")


def cache_folder(encoder, size: int, views: int, paths: list[str]) -> Path:
    "A folder per encoder weights, working size, views and photo list: anything else gets its own features."
    digest = hashlib.sha256(json.dumps([size, views, paths]).encode())
    for k, v in encoder.state_dict().items():
        digest.update(k.encode() + v.detach().cpu().numpy().tobytes())
    root = Path(os.environ.get("CHAPTER_ONE_CACHE", Path.home() / ".cache" / "chapter-one-spaces"))
    return root / f"colorize-features-{digest.hexdigest()[:16]}"


def encoder_features(encoder, paths: list[str], size: int, views: int, l_norm, bs: int = 64) -> dict:
    """The frozen encoder's maps of every photo and view, and the true colour at stride 4 (the decoder's output
    size): {'f4': (N, views, C, size/4, size/4), ..., 'ab': (N, views, 2, size/4, size/4)} float16, memory-mapped."""
    from shared.serving import runtime
    from shared.training.export import onnx_bytes
    folder = cache_folder(encoder, size, views, paths)
    if (folder / "done").is_file():
        return {k: np.load(folder / f"{k}.npy", mmap_mode="r") for k in (*NAMES, "ab")}
    folder.mkdir(parents=True, exist_ok=True)
    encoder = encoder.float().eval()
    example = torch.zeros(1, 1, size, size)
    onnx = runtime.OnnxModel(onnx_bytes(encoder, (example,), ["l"], list(NAMES), {"l": {0: "n"}}),
                             threads=torch.get_num_threads())
    shapes = {k: f.shape[1:] for k, f in zip(NAMES, encoder(example))}
    shapes["ab"] = (2, size // 4, size // 4)
    out = {k: np.lib.format.open_memmap(folder / f"{k}.npy", "w+", np.float16, (len(paths), views, *s))
           for k, s in shapes.items()}
    for start in range(0, len(paths), bs):
        rgb = torch.from_numpy(np.stack([square_view(p, size) for p in paths[start:start + bs]]))
        l, ab = lightness(rgb, *l_norm)
        ab = F.avg_pool2d(ab, 4)
        for v in range(views):
            flip = (lambda t: t.flip(-1)) if v % 2 else (lambda t: t)
            maps = onnx.run(l=np.ascontiguousarray(flip(l).numpy()))
            for k in NAMES:
                out[k][start:start + len(l), v] = maps[k]
            out["ab"][start:start + len(l), v] = flip(ab).numpy()
        if start // bs % 20 == 0:
            print(f"encoder features: {start + len(l)}/{len(paths)} photos", flush=True)
    for a in out.values():
        a.flush()
    (folder / "done").write_text("ok\n")
    return {k: np.load(folder / f"{k}.npy", mmap_mode="r") for k in out}


class FeatureSet(torch.utils.data.Dataset):
    "Items (f4, f8, f16, f32, ab) in float32 for the photos `rows` of the cached arrays, every view of each."

    def __init__(self, arrays: dict, rows):
        self.arrays, self.rows = arrays, np.asarray(rows)
        self.views = arrays["ab"].shape[1]

    def __len__(self):
        return len(self.rows) * self.views

    def __getitem__(self, i):
        n, v = self.rows[i // self.views], i % self.views
        return tuple(torch.from_numpy(np.asarray(self.arrays[k][n, v], dtype=np.float32)) for k in (*NAMES, "ab"))


def fit_decoder(learn, cfg, df):
    """The frozen stage: the decoder of `learn.model` trained with fastai (fit_one_cycle, `freeze_epochs`) on the
    cached features of the photos of `df` (is_valid: fastai's validation set; training photos repeated as
    cfg.oversample says); the encoder is not touched."""
    from fastai.data.core import DataLoaders
    from fastai.data.load import DataLoader
    from fastai.learner import Learner
    paths = list(df.path)
    l_norm = (learn.model.encoder.l_mean, learn.model.encoder.l_std)
    arrays = encoder_features(learn.model.encoder, paths, cfg.size, max(1, cfg.views), l_norm, bs=max(cfg.bs, 8))
    rows = np.arange(len(paths))
    valid = df.is_valid.to_numpy()
    train = np.repeat(rows[~valid], repeats(np.array(paths)[~valid], cfg.oversample))
    train_set = FeatureSet(arrays, train)
    crops = crop_items(np.array(paths)[~valid], cfg.crops)
    if crops:  # crops at several scales of the larger photos of the kinds with few photos: more views of them
        crop_arrays = encoder_features(learn.model.encoder, crops, cfg.size, 1, l_norm, bs=max(cfg.bs, 8))
        train_set = torch.utils.data.ConcatDataset([train_set, FeatureSet(crop_arrays, np.arange(len(crops)))])
    train_dl = DataLoader(train_set, bs=cfg.bs, shuffle=True, drop_last=True, num_workers=0)
    valid_dl = DataLoader(FeatureSet(arrays, rows[valid]), bs=cfg.bs, num_workers=0)
    inner = Learner(DataLoaders(train_dl, valid_dl), learn.model.decoder, loss_func=learn.loss_func,
                    metrics=learn.metrics, wd=cfg.wd)
    inner.fit_one_cycle(cfg.freeze_epochs, cfg.lr)
    return learn
