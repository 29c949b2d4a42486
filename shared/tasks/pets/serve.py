"""Serving: a photo -> breed and cat-or-dog probabilities, and where the model looked. ONNX Runtime, numpy, PIL;
no torch, no fastai, no timm."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from shared.serving import artifact
from shared.serving import runtime
from shared.serving.images import open_image

from .config import ServingConfig, is_cat_breed
from .crop import centre_crop


NEITHER = "neither"


class ImageNetClass(str):
    "An ImageNet class's name (a str), with its `index` among the 1,000 (two names repeat: crane, maillot)."
    def __new__(cls, name: str, index: int):
        self = super().__new__(cls, name)
        self.index = index
        return self


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p) - np.log1p(-p)


def pet_mass(imagenet_logits: np.ndarray, neither: dict) -> np.ndarray:
    "The pretrained ImageNet classifier's probability that the photo shows one of its cat or dog classes."
    return runtime.softmax(imagenet_logits)[:, neither["classes"]].sum(-1)


def p_neither(features: np.ndarray, imagenet_logits: np.ndarray, neither: dict) -> np.ndarray:
    """P(no cat and no dog): a logistic regression on the body's features and the ImageNet classifier's log-odds of
    a cat or dog class (shared.tasks.pets.heads.fit_neither; one half where 0.5% of the training pets fall)."""
    z = (features.astype(np.float64) @ np.asarray(neither["weight"]) + neither["imagenet"] *
         logit(pet_mass(imagenet_logits, neither)) + neither["bias"])
    return 1 / (1 + np.exp(-z))


def answer(logits: np.ndarray, serving: ServingConfig, species_of_label: np.ndarray,
           imagenet: np.ndarray | None = None, features: np.ndarray | None = None) -> np.ndarray:
    """Logits (and the ImageNet logits) -> [label softmax | cat, dog(, neither)] per photo: what the Space answers.
    Cat/dog is the product of the cat/dog head and the breeds' summed probabilities (species_mix); with "neither",
    cat and dog share 1 - p(neither)."""
    n = len(serving.labels)
    if not serving.species:
        return runtime.softmax(logits)
    labels, mix = runtime.softmax(logits[:, :n]), serving.species_mix
    log_head, log_labels = (np.log(np.maximum(p, 1e-12)) for p in (runtime.softmax(logits[:, n:]), labels @ species_of_label))
    species = runtime.softmax((1 - mix) * log_head + mix * log_labels)  # a product of the two experts
    if serving.neither and imagenet is not None:
        other = p_neither(features, imagenet, serving.neither)[:, None]
        species = np.concatenate([species * (1 - other), other], -1)
    return np.concatenate([labels, species], -1)


class Predictor:
    """The training side's preprocessing (resize the short side, centre crop, /255, normalise) in numpy and the network in ONNX
    Runtime. model.onnx answers three things at once: logits, class activation maps, pooled features."""

    def __init__(self, config: dict, onnx):
        self.config = config
        self.serving = ServingConfig.from_dict(config)
        self.labels, self.size = list(self.serving.labels), self.serving.size
        self.neither = bool(self.serving.neither and self.serving.species)
        self.species = list(self.serving.species) + ([NEITHER] if self.neither else [])
        self.mean = np.asarray(self.serving.mean, np.float32).reshape(1, 3, 1, 1)
        self.std = np.asarray(self.serving.std, np.float32).reshape(1, 3, 1, 1)
        # label -> species one-hot (the pets data's labels are breeds; Oxford's naming tells cats from dogs)
        self.species_of_label = np.array([[is_cat_breed(b), not is_cat_breed(b)] for b in self.labels], np.float32)
        self.model = runtime.OnnxModel(onnx)
        if self.model.outputs[:3] != ["logits", "cams", "features"] or (
                self.neither and "imagenet" not in self.model.outputs):
            raise artifact.ArtifactError(f"pets model.onnx answers {self.model.outputs}, not logits, cams, features"
                                         f"{', imagenet' if self.neither else ''}: re-export it "
                                         "(python -m shared.training.export FOLDER)")

    @classmethod
    def load(cls, source) -> "Predictor":
        config, folder = artifact.load(source, task="pets")
        return cls(config, Path(folder) / artifact.ONNX)

    def open(self, source) -> Image.Image:
        "Any upload -> RGB photo (JPEGs decode at reduced size when they are far larger than needed)."
        return open_image(source, max_side=4 * self.size)

    def preprocess(self, images) -> np.ndarray:
        """Exactly the training side's pipeline (its fastai item transform calls the same `centre_crop`): short side
        to size / crop_pct, centre crop (or the old squish) -> /255 -> Normalize; NCHW float32."""
        crop_pct, how = self.serving.crop_pct, self.serving.interpolation
        x = np.stack([np.asarray(centre_crop(img.convert("RGB"), self.size, crop_pct, how), np.uint8)
                      for img in images]).transpose(0, 3, 1, 2).astype(np.float32) / 255.0
        return np.ascontiguousarray((x - self.mean) / self.std)

    def run(self, images, flip: bool = False) -> dict[str, np.ndarray]:
        x = self.preprocess(images)
        return self.model.run(x=np.ascontiguousarray(np.concatenate([x, x[..., ::-1]])) if flip else x)

    def probabilities(self, images, tta: bool | None = None) -> np.ndarray:
        """Label softmax and cat/dog(/neither) side by side (`answer`); with flip TTA, averaged over the photo and
        its mirror."""
        return self.answers(images, tta)[0]

    def answers(self, images, tta: bool | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        "(probabilities as `probabilities`, the ImageNet classifier's probabilities or None), flip TTA averaged."
        flip = self.serving.tta == "flip" if tta is None else tta
        out = self.run(images, flip)
        imagenet = out.get("imagenet")
        probs = answer(out["logits"], self.serving, self.species_of_label, imagenet, out["features"])
        imagenet = runtime.softmax(imagenet) if imagenet is not None else None
        if flip:
            half = len(images)
            probs = (probs[:half] + probs[half:]) / 2
            imagenet = (imagenet[:half] + imagenet[half:]) / 2 if imagenet is not None else None
        return probs, imagenet

    def looks_like(self, imagenet: np.ndarray) -> str | None:
        "The ImageNet class (not a cat or dog one) with the highest probability: what a non-pet photo looks like."
        if imagenet is None or not self.serving.imagenet_labels:
            return None
        p = imagenet.copy()
        if self.serving.neither:
            p[self.serving.neither["classes"]] = -1
        best = int(p.argmax())
        return ImageNetClass(self.serving.imagenet_labels[best], best)

    def predict(self, images) -> list[tuple[dict, dict]]:
        """For each photo: ({label: probability} over all labels, {'cat': p, 'dog': p(, 'neither': p)} or {} for your
        own labels)."""
        return [(breeds, species) for breeds, species, _ in self.classify(images)]

    def classify(self, images) -> list[tuple[dict, dict, str | None]]:
        "As `predict`, with what each photo looks like to the ImageNet classifier when it is no cat or dog (else None)."
        probs, imagenet = self.answers(images)
        n, out = len(self.labels), []
        for i, p in enumerate(probs):
            species = dict(zip(self.species, map(float, p[n:])))
            other = self.neither and max(species, key=species.get) == NEITHER
            out.append((dict(zip(self.labels, map(float, p[:n]))), species,
                        self.looks_like(imagenet[i]) if other else None))
        return out

    def features(self, images, flip: bool = False) -> np.ndarray:
        "The body's pooled features (N x C), what a new head learns from (shared.tasks.pets.teach)."
        return self.run(images, flip)["features"]

    def heatmap(self, image: Image.Image, label: str | None = None) -> np.ndarray:
        """Where the model looked for `label` (default: its top label): the class activation map, ReLU'd and
        scaled to [0, 1] (h x w). For a network ending in average pooling and a linear layer this IS Grad-CAM."""
        out = self.run([image])
        n = len(self.labels)
        idx = self.labels.index(label) if label else int(out["logits"][0, :n].argmax())
        cam = np.maximum(out["cams"][0, idx], 0)
        return cam / cam.max() if cam.max() > 0 else cam
