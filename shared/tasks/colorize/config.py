"""The colorize task's settings: every training flag (`Config`, `PRESETS`) and what config.json records."""
from __future__ import annotations

from dataclasses import dataclass

MAX_PIXELS = 36_000_000  # 6000x6000: larger photos are refused with a message (memory and time on a 2-vCPU Space)
L_MEAN, L_STD = 0.45, 0.225  # L/100 normalised like one ImageNet channel (the pretrained encoder expects that)


@dataclass
class Config:
    preset: str = "cpu"
    arch: str = "resnet18"        # timm ResNet family name for the U-Net's encoder
    channels: str = "16,32,64,128"  # encoder stage widths ('' = the architecture's own): a narrow net for 2 cores
    stem_width: int = 16          # encoder stem width (0 = the architecture's own)
    pretrained: bool = False      # timm ImageNet weights (needs the internet; only with the default widths)
    size: int = 64                # working resolution: square training crops; serving keeps the aspect ratio
    last_cross: bool = False      # fastai DynamicUnet's full-resolution input cross connection (costly)
    self_attention: bool = False
    epochs: int = 8
    lr: float = 3e-3
    bs: int = 32
    fine_tune: bool = False       # fastai fine_tune (pretrained encoder) rather than fit_one_cycle
    folders: str = "pets/images,pets-extra/images,coco_tiny/images"  # under the data dir, or absolute
    min_chroma: float = 1.5       # skip near-greyscale photos: mean Lab chroma (sqrt(a^2+b^2)) below this
    valid_pct: float = 0.1        # share of photos held out (fixed by file name)
    grid: int = 10                # a/b bin width (Lab units)
    rebalance: float = 0.5        # lambda of Zhang et al.: 0 = full inverse-frequency weights, 1 = no rebalancing
    temperature: float = 0.38     # annealed-mean temperature at serving (1 = mean, -> 0 = mode)
    max_train_samples: int = 0    # >0: a tiny run for tests and laptops
    mixed_precision: bool = False
    workers: int = 1
    seed: int = 42


PRESETS = {
    "cpu": {},
    "gpu": dict(arch="resnet34", channels="", stem_width=0, pretrained=True, size=224, last_cross=True,
                self_attention=True, epochs=10, lr=2e-3, bs=32, fine_tune=True, mixed_precision=True, workers=8,
                folders="coco_sample/train_sample,oxford-iiit-pet/images"),
    "tiny": dict(arch="resnet10t", channels="8,16,32,64", stem_width=8, size=32, epochs=1, bs=8,
                 max_train_samples=32, workers=0),
}

# Folders that fastai can download when they are not under the data dir (the gpu preset, online).
DOWNLOADS = {"coco_sample/train_sample": ("COCO_SAMPLE", "train_sample"),
             "oxford-iiit-pet/images": ("PETS", "images"), "pets/images": ("PETS", "images"),
             "imagenette2-320/train": ("IMAGENETTE_320", "train")}


def train_config(d: dict) -> Config:
    "The training Config recorded in config.json (unknown keys from other versions left out)."
    return Config(**{k: v for k, v in d.items() if k in Config.__dataclass_fields__})


@dataclass
class ServingConfig:
    """What serving reads from config.json (format_version 2; format 1 had the same keys): the working size,
    the colour bins' centres, the annealed-mean temperature and the lightness normalisation."""
    size: int
    ab_centres: list
    temperature: float
    l_mean: float = L_MEAN
    l_std: float = L_STD

    @classmethod
    def from_dict(cls, d: dict) -> "ServingConfig":
        from shared.artifact import ArtifactError
        try:
            return cls(size=int(d["size"]), ab_centres=list(d["ab_centres"]), temperature=float(d["temperature"]),
                       l_mean=float(d["l_mean"]), l_std=float(d["l_std"]))
        except (KeyError, TypeError, ValueError) as e:
            raise ArtifactError(f"colorize config.json lacks or mistypes {e}") from e

    def to_dict(self) -> dict:
        return {"size": self.size, "ab_centres": self.ab_centres, "temperature": self.temperature,
                "l_mean": self.l_mean, "l_std": self.l_std}
