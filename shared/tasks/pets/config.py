"""Every pets training setting (each one a flag of `python -m shared.training pets`), and the label helpers."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from shared.serving import artifact

SPECIES = ("cat", "dog")


@dataclass
class Config:
    preset: str = "cpu"
    arch: str = "tf_efficientnet_lite2+tf_efficientnet_lite0"  # timm architectures, '+' for several bodies side by
                                 # side (one head on their joined features); the EfficientNet-Lites have offline weights
    pretrained: bool = True      # ImageNet weights (shared.training.pretrained: a pip package's file, or timm's download)
    size: int = 260              # training and serving resolution (square)
    crop: bool = True            # as the weights were trained (timm's pretrained_cfg): short side to size/crop_pct,
                                 # centre crop; False: the whole photo squished to size x size (before issue 32)
    epochs: int = 4              # fine_tune: epochs with the whole network unfrozen (0: the head alone)
    freeze_epochs: int = 1       # epochs of the head alone on the frozen pretrained body
    cached_features: bool = True  # the frozen stage solved exactly on features computed once (cpu; no epochs)
    views: int = 2               # cached_features: views of each photo (the photo, its mirror image)
    head_c: float = 0.3          # cached_features: inverse L2 penalty of the breed rows (scikit-learn's C)
    species_c: float = 1.0       # cached_features: the same for the cat/dog rows
    breed_prior: float = 0.5     # cached_features: this times log(breed's share of the training photos) taken off
                                 # each breed's bias, so a breed is not named for having been seen more often
    lr: float = 2e-3
    bs: int = 64
    oxford: str = "pets/images,pets-extra/images"  # folders under the data dir, or absolute; 'download' = URLs.PETS
    cats_dogs: str = "cats-vs-dogs/images"         # Kaggle cat.N.jpg / dog.N.jpg ('download' = URLs.DOGS), '' for none
    cats_dogs_share: float = 1.0  # the share of them used, chosen by a stable hash of the file name (the held-out
                                  # valid_pct first): fewer photos, fewer features to compute on a CPU
    folder: str = ""             # YOUR photos instead: one subfolder per label (photos/cat/*.jpg, photos/dog/*.jpg)
    per_breed: int = 0           # >0 (fine_tune): each breed repeated (or capped at 2x) to about this many an epoch
    spare_as_species: bool = True  # photos past a breed's cap still teach cat-or-dog (else they are left out)
    breed_weight: float = 1.0    # weight of the breed loss against the cat-or-dog loss
    label_smoothing: float = 0.1
    wd: float = 0.01             # AdamW weight decay (fastai's default)
    dropout: float = 0.2         # before the linear head
    max_zoom: float = 1.2        # fastai aug_transforms (unfrozen epochs)
    valid_per_breed: int = 1     # Oxford photos of each breed held out for validation
    valid_pct: float = 0.1       # share of the cats-vs-dogs photos (and of your own labels' photos) held out
    max_train_samples: int = 0   # >0: a tiny run for tests and laptops
    mixed_precision: bool = False
    workers: int = 1
    tta: bool = False            # serve (and measure) the average of the photo and its mirror image
    negatives: str = "scenes/images,coco_tiny/images"  # photos with no cat or dog: "neither" learns from them
                                 # against the pets, and is measured on them (cross-validation); '' for none
    false_neither: float = 0.005  # "neither" is set so that this share of the training pet photos (Oxford's,
                                  # Kaggle's, each kind apart) come out "neither"
    neither_c: float = 0.1       # "neither": inverse L2 penalty of its logistic regression
    neither_scale: float = 5.0   # "neither": the ImageNet log-odds of a cat or dog scaled up (so penalised less)
    folds: int = 5               # stratified k-fold cross-validation of the card's numbers (0: none)
    species_mix: float = 0.5     # cat-or-dog answer: the cat/dog head's and the breeds' summed probabilities combined
                                 # as a product of experts, p ~ head^(1-mix) x breeds^mix (breeds know Oxford's
                                 # portraits, the head Kaggle's small photos)
    seed: int = 42


PRESETS = {
    "cpu": dict(epochs=0),  # 2 cores: the body's features of every photo once, the heads fitted on them
    "gpu": dict(epochs=4, freeze_epochs=1, cached_features=False, bs=64, mixed_precision=True, workers=8,
                lr=2e-3, per_breed=40),  # fastai's fine_tune on the whole network, with augmentation
    "tiny": dict(size=64, epochs=0, bs=16, max_train_samples=96, workers=0, views=1,
                 folds=2),
}


def breed_of(path) -> str:
    "Oxford file names: `Abyssinian_101.jpg` -> `Abyssinian` (capital first letter = cat)."
    return Path(path).stem.rsplit("_", 1)[0]


def archs(arch: str) -> list[str]:
    "The timm bodies of `arch`: one name, or several joined by '+' (their features side by side: train.Bodies)."
    return arch.split("+")


def is_cat_breed(breed: str) -> bool:
    return breed[:1].isupper()


def species_of(cfg: Config) -> tuple[str, ...]:
    "The cat-or-dog head exists for the pets data; a folder of your own photos has its labels alone."
    return () if cfg.folder else SPECIES


def train_config(d: dict) -> Config:
    return artifact.recorded(Config, d)


@dataclass
class ServingConfig:
    """What config.json holds for serving (format_version 2): the network (timm arch, outputs), the labels (breeds or
    your own, then the species if any: the order of the outputs), and the preprocessing."""
    arch: str
    labels: list
    species: list
    size: int
    mean: list
    std: list
    dropout: float = 0.0
    tta: str | None = None        # "flip": average the photo and its mirror image
    species_mix: float = 0.0       # cat/dog ~ (cat/dog head)^(1 - mix) x (summed breed probabilities)^mix
    crop_pct: float | None = None  # preprocessing (shared.tasks.pets.crop): None squishes the whole photo
    interpolation: str = "bilinear"
    imagenet_labels: list | None = None  # model.onnx's `imagenet` output: the pretrained classifier's 1,000 classes
    neither: dict | None = None    # "neither" (no cat, no dog): {"classes": ImageNet indices of cats and dogs,
                                   # "weight": per feature, "imagenet": a, "bias": b}: p(neither) = sigmoid(features
                                   # . weight + a logit(m) + b), m = the ImageNet probability of those classes
    base_model: str | None = None  # the pretrained weights' Hub id

    @property
    def n_out(self) -> int:
        return len(self.labels) + len(self.species)

    @classmethod
    def from_dict(cls, d: dict) -> "ServingConfig":
        try:
            return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})
        except TypeError as e:
            raise artifact.ArtifactError(f"pets config.json lacks or mistypes a field: {e}") from e

    def to_dict(self) -> dict:
        return {"task": "pets", **asdict(self), "n_out": self.n_out}
