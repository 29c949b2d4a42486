"""Serving: a photo -> breed and cat-or-dog probabilities, and where the model looked. ONNX Runtime, numpy, PIL;
no torch, no fastai, no timm."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from shared import artifact, runtime
from shared.images import open_image

from .config import ServingConfig, is_cat_breed


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


class Predictor:
    """fastai's validation preprocessing (squish-resize, bilinear, /255, normalise) in numpy and the network in ONNX
    Runtime. model.onnx answers three things at once: logits, class activation maps, pooled features."""

    def __init__(self, config: dict, onnx):
        self.config = config
        self.serving = ServingConfig.from_dict(config)
        self.labels, self.species, self.size = list(self.serving.labels), list(self.serving.species), self.serving.size
        self.mean = np.asarray(self.serving.mean, np.float32).reshape(1, 3, 1, 1)
        self.std = np.asarray(self.serving.std, np.float32).reshape(1, 3, 1, 1)
        # label -> species one-hot (the pets data's labels are breeds; Oxford's naming tells cats from dogs)
        self.species_of_label = np.array([[is_cat_breed(b), not is_cat_breed(b)] for b in self.labels], np.float32)
        self.model = runtime.OnnxModel(onnx)
        if self.model.outputs[:3] != ["logits", "cams", "features"]:
            raise artifact.ArtifactError(f"pets model.onnx answers {self.model.outputs}, not logits, cams, features: "
                                         "re-export it (python -m shared.export FOLDER)")

    @classmethod
    def load(cls, source) -> "Predictor":
        config, folder = artifact.load(source, task="pets")
        return cls(config, Path(folder) / artifact.ONNX)

    def open(self, source) -> Image.Image:
        "Any upload -> RGB photo (JPEGs decode at reduced size when they are far larger than needed)."
        return open_image(source, max_side=4 * self.size)

    def preprocess(self, images) -> np.ndarray:
        "Exactly fastai's validation pipeline: Resize(squish, bilinear) -> /255 -> Normalize; NCHW float32."
        x = np.stack([np.asarray(img.convert("RGB").resize((self.size, self.size), Image.BILINEAR), np.uint8)
                      for img in images]).transpose(0, 3, 1, 2).astype(np.float32) / 255.0
        return np.ascontiguousarray((x - self.mean) / self.std)

    def run(self, images, flip: bool = False) -> dict[str, np.ndarray]:
        x = self.preprocess(images)
        return self.model.run(x=np.ascontiguousarray(np.concatenate([x, x[..., ::-1]])) if flip else x)

    def probabilities(self, images, tta: bool | None = None) -> np.ndarray:
        "Label softmax and cat/dog softmax side by side; with flip TTA, averaged over the photo and its mirror."
        flip = self.serving.tta == "flip" if tta is None else tta
        logits = self.run(images, flip)["logits"]
        n = len(self.labels)
        if self.species:
            labels, mix = softmax(logits[:, :n]), self.serving.species_mix
            log_head, log_labels = (np.log(np.maximum(p, 1e-12)) for p in (softmax(logits[:, n:]),
                                                                            labels @ self.species_of_label))
            species = softmax((1 - mix) * log_head + mix * log_labels)  # a product of the two experts
            probs = np.concatenate([labels, species], -1)
        else:
            probs = softmax(logits)
        return (probs[:len(images)] + probs[len(images):]) / 2 if flip else probs

    def predict(self, images) -> list[tuple[dict, dict]]:
        "For each photo: ({label: probability} over all labels, {'cat': p, 'dog': p} or {} for your own labels)."
        n = len(self.labels)
        return [(dict(zip(self.labels, map(float, p[:n]))), dict(zip(self.species, map(float, p[n:]))))
                for p in self.probabilities(images)]

    def features(self, images, flip: bool = False) -> np.ndarray:
        "The body's pooled features (N x C), what a new head learns from (shared.teach)."
        return self.run(images, flip)["features"]

    def heatmap(self, image: Image.Image, label: str | None = None) -> np.ndarray:
        """Where the model looked for `label` (default: its top label): the class activation map, ReLU'd and
        scaled to [0, 1] (h x w). For a network ending in average pooling and a linear layer this IS Grad-CAM."""
        out = self.run([image])
        n = len(self.labels)
        idx = self.labels.index(label) if label else int(out["logits"][0, :n].argmax())
        cam = np.maximum(out["cams"][0, idx], 0)
        return cam / cam.max() if cam.max() > 0 else cam
