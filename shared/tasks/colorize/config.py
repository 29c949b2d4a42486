"""The colorize task's settings: every training flag (`Config`, `PRESETS`) and what config.json records."""
from __future__ import annotations

from dataclasses import dataclass

from shared.serving import artifact

MAX_PIXELS = 36_000_000  # 6000x6000: larger photos are refused with a message (memory and time on a 2-vCPU Space)
L_MEAN, L_STD = 0.5, 0.5  # the network's input: L/100 normalised (the network turns it into the grey photo itself)
COLOUR_TOLERANCE = 0.02  # temperatures this close to the most colourful count as colourful as it (tuning noise)


@dataclass
class Config:
    preset: str = "cpu"
    arch: str = "tf_efficientnet_lite2"  # the U-Net's encoder: a timm name (shared.training.pretrained has its weights)
    pretrained: bool = True       # ImageNet weights for the encoder (from a pip package: shared.training.pretrained)
    decoder: str = "128,96,64"    # decoder widths at strides 16, 8 and 4 (the colour is decoded at stride 4)
    size: int = 160               # working resolution (a multiple of 32): square training views; serving keeps the aspect ratio
    cached_features: bool = True  # frozen stage on the encoder's features, computed once per photo and view
    views: int = 1                # cached_features: 1 = the photo, 2 = and its mirror image
    freeze_epochs: int = 2        # epochs of the decoder alone on the frozen pretrained encoder
    epochs: int = 0               # then epochs of the whole network, encoder unfrozen (fastai fine_tune)
    lr: float = 3e-3
    bs: int = 64
    wd: float = 1e-2
    folders: str = "cats-vs-dogs/images,pets/images,pets-extra/images,coco_tiny/images,scenes/images"  # under the data dir, or absolute
    min_chroma: float = 1.5       # skip near-greyscale photos: mean Lab chroma (sqrt(a^2+b^2)) below this
    valid_pct: float = 0.15       # held out, fixed by file name: never trained on, never tuned on (the card's numbers)
    tune_pct: float = 0.05        # the next slice by file name: fastai's validation set and the temperature's choice
    split_pcts: str = "scenes=0.2:0.2,coco=0.27:0.13"  # 'kind=held_out:tuning,...': other shares for the kinds with
                                  # few photos (at least 50 held out; enough tuning photos to choose the strength on)
    grid: int = 10                # a/b bin width (Lab units)
    oversample: str = ""          # 'kind=times,...': each training photo of that kind (data.GROUPS) seen this many times
                                  # an epoch, e.g. 'coco=4'
    crops: str = ""               # cached_features: 'kind=n,...': n more views of each training photo of that kind,
                                  # crops at several scales (random resized crops of the larger photos), e.g. 'scenes=6'
    rebalance: float = 1.0        # lambda of Zhang et al.: 0 = full inverse-frequency weights, 1 = no rebalancing
    temperature: float = 0.0      # annealed-mean temperature at serving (1 = mean, -> 0 = mode); 0 = choose it (and the
                                  # confidence rule below) on the tuning photos:
    min_colourfulness: float = 0.63  # the most accurate setting whose colourfulness is at least this share of the truth's
                                    # (if none: the most accurate within COLOUR_TOLERANCE of the most colourful)
    rule_choice: str = "colourful"  # how the confidence rule is chosen: 'colourful' (as above) or 'margins' (the one
                                    # that clears every bar of BARS by the widest margin, `train.pick_rule`)
    confidence: bool = True       # also choose a colour strength from the model's confidence (serve.strength_map)
    mirror: bool = True           # serve the mean of the photo's and its mirror image's colours (twice the network)
    tune_photos: int = 100        # at most this many tuning photos of each kind (pets, cats_vs_dogs, scenes, coco)
    eval_photos: int = 300        # the card's numbers: at most this many held-out photos of each kind (0 = all)
    max_train_samples: int = 0    # >0: a tiny run for tests and laptops
    mixed_precision: bool = False
    workers: int = 1
    seed: int = 42


PRESETS = {
    "cpu": dict(oversample="coco=4,scenes=2", crops="scenes=6"),  # the few scenes beside ~9,600 cats and dogs
    "gpu": dict(size=224, decoder="256,192,128", cached_features=False, freeze_epochs=2, epochs=10, lr=2e-3, bs=64,
                mixed_precision=True, workers=8,
                folders="cats-vs-dogs/images,pets/images,pets-extra/images,coco_tiny/images,coco_sample/train_sample"),
    "tiny": dict(size=64, decoder="16,16,16", views=1, freeze_epochs=1, epochs=1, bs=8, max_train_samples=32,
                 workers=0, confidence=False, eval_photos=4),
}

# Issue 33's bars per kind of photo (PSNR gain over grey in dB, share of photos closer than grey, colourfulness over
# the truth's; the kinds it names no PSNR bar for should at least not come out worse than grey): with
# --rule-choice margins, the confidence rule is the one that clears them by the widest margin on the tuning photos
# (`evaluate.bar_margins`, `train.pick_rule`).
BARS = {"pets": {"psnr_gain": 0.5, "closer_than_grey": 0.65, "colourfulness_ratio": 0.6},
        "scenes": {"psnr_gain": 0.5, "closer_than_grey": 0.6, "colourfulness_ratio": 0.6},
        "coco": {"psnr_gain": 0.0, "colourfulness_ratio": 0.6},
        "cats_vs_dogs": {"psnr_gain": 0.0, "colourfulness_ratio": 0.6}}

# The kinds of photo the metrics are reported for, by words in their folder's path.
GROUPS = {"pets": ("pets", "oxford-iiit-pet"), "cats_vs_dogs": ("cats-vs-dogs",), "scenes": ("scenes",),
          "coco": ("coco",)}

# Folders that fastai can download when they are not under the data dir (the gpu preset, online).
DOWNLOADS = {"coco_sample/train_sample": ("COCO_SAMPLE", "train_sample"),
             "oxford-iiit-pet/images": ("PETS", "images"), "pets/images": ("PETS", "images"),
             "imagenette2-320/train": ("IMAGENETTE_320", "train")}


def train_config(d: dict) -> Config:
    return artifact.recorded(Config, d)


@dataclass
class ServingConfig:
    """What serving reads from config.json (format_version 2; format 1 had the same keys): the working size,
    the colour bins' centres, the annealed-mean temperature, the lightness normalisation and, optionally, the
    confidence rule (`serve.strength_map`: {"sigma0": Lab units, "gain": ...}; absent: the colour as predicted)."""
    size: int
    ab_centres: list
    temperature: float
    l_mean: float = L_MEAN
    l_std: float = L_STD
    confidence: dict | None = None
    mirror: bool = False

    @classmethod
    def from_dict(cls, d: dict) -> "ServingConfig":
        try:
            conf = d.get("confidence")
            conf = None if conf is None else {"sigma0": float(conf["sigma0"]), "gain": float(conf["gain"])}
            return cls(size=int(d["size"]), ab_centres=list(d["ab_centres"]), temperature=float(d["temperature"]),
                       l_mean=float(d["l_mean"]), l_std=float(d["l_std"]), confidence=conf,
                       mirror=bool(d.get("mirror", False)))
        except (KeyError, TypeError, ValueError) as e:
            raise artifact.ArtifactError(f"colorize config.json lacks or mistypes {e}") from e

    def to_dict(self) -> dict:
        return {"size": self.size, "ab_centres": self.ab_centres, "temperature": self.temperature,
                "l_mean": self.l_mean, "l_std": self.l_std, "confidence": self.confidence, "mirror": self.mirror}
