"""Pets: chapter 1's first model. One photo -> its breed (37 Oxford-IIIT breeds) and cat-or-dog.

One network, two heads in one output: logits[:, :37] are breeds, logits[:, 37:] are (cat, dog).
Oxford photos teach both heads; the 12,000 Kaggle cats-vs-dogs photos teach cat-or-dog alone,
which gives the from-scratch cpu model far more pictures than 37 x 8 breed photos could.
"""
from __future__ import annotations

import os
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from fastai.metrics import Metric
from PIL import Image

from shared import artifact, runtime
from shared.data import local_or_download
from shared.images import PHOTO_SUFFIXES, open_image
from shared.schedule import fit  # noqa: F401  (the task's training schedule)

SPECIES = ("cat", "dog")
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)  # ImageNet statistics, as timm and fastai use


@dataclass
class Config:
    preset: str = "cpu"
    arch: str = "regnetx_002"    # any timm architecture name
    pretrained: bool = False     # timm ImageNet weights (needs the internet)
    size: int = 64               # training and serving resolution (square, squished like fastai's Resize)
    epochs: int = 24
    lr: float = 4e-3
    swa_epochs: int = 0          # then this many one-epoch cosine cycles from lr, their weights averaged (SWA)
    bs: int = 64
    fine_tune: bool = False      # fastai fine_tune (pretrained) rather than fit_one_cycle (from scratch)
    oxford: str = "pets/images,pets-extra/images"  # folders under the data dir, or absolute; 'download' = URLs.PETS
    cats_dogs: str = "cats-vs-dogs/images"         # Kaggle cat.N.jpg / dog.N.jpg, '' for none
    folder: str = ""             # YOUR photos instead: one subfolder per label (photos/cat/*.jpg, photos/dog/*.jpg)
    per_breed: int = 40          # each breed is repeated (or capped at 2x) to about this many photos an epoch
    spare_as_species: bool = True  # photos past a breed's cap still teach cat-or-dog (else they are left out)
    breed_weight: float = 0.5    # weight of the breed loss against the cat-or-dog loss
    label_smoothing: float = 0.1
    wd: float = 0.05             # AdamW weight decay (fastai's default is 0.01; from scratch, more fights overfitting)
    max_zoom: float = 1.6        # random zoom up to this factor: crops down to ~40% of the photo's area
    aug_mult: float = 1.5        # strength of fastai's aug_transforms (rotation 10 deg, lighting 0.2, warp 0.1 at 1.0)
    valid_per_breed: int = 2     # Oxford photos of each breed held out for validation
    valid_pct: float = 0.1       # share of the cats-vs-dogs photos held out
    max_train_samples: int = 0   # >0: a tiny run for tests and laptops
    mixed_precision: bool = False
    workers: int = 1
    tta: bool = True             # serve (and measure) the average of the photo and its mirror image
    presize: bool = True         # decode + resize every photo once into a lossless cache: 2 cores train, not decode
    seed: int = 42


PRESETS = {
    "cpu": {},
    "gpu": dict(arch="convnext_tiny", pretrained=True, size=224, epochs=5, lr=2e-3, fine_tune=True,
                oxford="download", cats_dogs="", per_breed=0, mixed_precision=True, workers=8, bs=64, presize=False,
                wd=0.01, max_zoom=1.2, aug_mult=1.0),  # fastai's fine-tuning defaults
    "tiny": dict(arch="resnet10t", size=32, epochs=1, bs=16, max_train_samples=96, per_breed=2, workers=0,
                 presize=False),
}


# ---------------------------------------------------------------- data
def breed_of(path) -> str:
    "Oxford file names: `Abyssinian_101.jpg` -> `Abyssinian` (capital first letter = cat)."
    return Path(path).stem.rsplit("_", 1)[0]


def is_cat_breed(breed: str) -> bool:
    return breed[:1].isupper()


def stable_fraction(name: str) -> float:
    "A number in [0, 1) fixed by the file name: splits that do not move when folders grow."
    return zlib.crc32(name.encode()) / 2**32


def oxford_files(cfg: Config) -> list[Path]:
    from fastai.data.external import URLs
    folders = [local_or_download("oxford-iiit-pet/images" if f == "download" else f, URLs.PETS, "images")
               for f in cfg.oxford.split(",") if f]
    return sorted(p for d in folders for p in d.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)


def species_of(cfg: Config) -> tuple[str, ...]:
    "The cat-or-dog head exists for the pets data; a folder of your own photos has its labels alone."
    return () if cfg.folder else SPECIES


def folder_items(cfg: Config):
    """Your own photos: `folder/<label>/<photo>`; labels are the subfolder names. valid_pct of each label's
    photos (at least one, chosen by a stable hash of the file name) are held out for the model card."""
    import pandas as pd
    root = Path(cfg.folder).expanduser()
    by_label = {d.name: sorted((p for p in d.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES),
                               key=lambda p: stable_fraction(p.name))
                for d in sorted(root.iterdir()) if d.is_dir()} if root.is_dir() else {}
    by_label = {label: paths for label, paths in by_label.items() if paths}
    if len(by_label) < 2 or min(map(len, by_label.values())) < 2:
        raise ValueError(f"{root}: need at least two subfolders (one per label) of at least two photos each, "
                         f"found {({k: len(v) for k, v in by_label.items()})}")
    rows = []
    for label, paths in by_label.items():
        n_valid = max(1, round(cfg.valid_pct * len(paths)))
        rows += [(str(p), label, i < n_valid) for i, p in enumerate(paths)]
    return pd.DataFrame(rows, columns=["path", "label", "is_valid"]), sorted(by_label)


def items(cfg: Config):
    "A DataFrame of (path, label, is_valid): breeds for Oxford photos, cat/dog for the Kaggle ones."
    import pandas as pd
    if cfg.folder:
        df, labels = folder_items(cfg)
        return tiny(df, cfg), labels
    rows, by_breed = [], {}
    for p in oxford_files(cfg):
        by_breed.setdefault(breed_of(p), []).append(p)
    rng = np.random.default_rng(cfg.seed)
    for breed, paths in sorted(by_breed.items()):
        paths = sorted(paths, key=lambda p: stable_fraction(p.name))
        valid, train = paths[:cfg.valid_per_breed], paths[cfg.valid_per_breed:]
        spare = []
        if cfg.per_breed and train:  # balance: repeat rare breeds, cap common ones
            want = cfg.per_breed if len(train) < cfg.per_breed else min(len(train), 2 * cfg.per_breed)
            train, spare = [train[i] for i in rng.permutation(np.resize(np.arange(len(train)), want))], train[want:]
            spare = spare if cfg.spare_as_species else []
        species = "cat" if is_cat_breed(breed) else "dog"
        rows += ([(str(p), breed, True) for p in valid] + [(str(p), breed, False) for p in train]
                 + [(str(p), species, False) for p in spare])
    if cfg.cats_dogs:
        from fastai.data.external import URLs
        folder = local_or_download(cfg.cats_dogs, URLs.DOGS)
        for p in sorted(folder.glob("*.jpg")):
            rows.append((str(p), p.name.split(".")[0], stable_fraction(p.name) < cfg.valid_pct))
    return tiny(pd.DataFrame(rows, columns=["path", "label", "is_valid"]), cfg), sorted(by_breed)


def tiny(df, cfg: Config):
    "max_train_samples > 0: that many random training photos and a quarter as many (at least 8) held out."
    if not cfg.max_train_samples:
        return df
    import pandas as pd
    return pd.concat([df[~df.is_valid].sample(frac=1, random_state=cfg.seed)[:cfg.max_train_samples],
                      df[df.is_valid].sample(frac=1, random_state=cfg.seed)[:max(8, cfg.max_train_samples // 4)]])


def presized(df, size: int, cache: Path | None = None):
    """The same photos, decoded and squished to size x size once, exactly as fastai's Resize would each epoch
    (RGB, bilinear), and stored losslessly; fastai's Resize is then a no-op on them."""
    cache = cache or Path(os.environ.get("CHAPTER_ONE_CACHE", Path.home() / ".cache" / "chapter-one-spaces"))
    folder = cache / f"pets-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in df.path:
        target = folder / f"{Path(path).parent.parent.name}__{Path(path).stem}.png"
        if not target.exists():
            Image.open(path).convert("RGB").resize((size, size), Image.BILINEAR).save(target, compress_level=1)
        out.append(str(target))
    return df.assign(path=out)


def dataloaders(cfg: Config, df, breeds):
    from fastai.vision.all import (CategoryBlock, ColReader, ColSplitter, DataBlock, ImageBlock, Normalize,
                                   Resize, ResizeMethod, aug_transforms)
    block = DataBlock(
        blocks=(ImageBlock, CategoryBlock(vocab=list(breeds) + list(species_of(cfg)), sort=False)),
        get_x=ColReader("path"), get_y=ColReader("label"), splitter=ColSplitter("is_valid"),
        item_tfms=Resize(cfg.size, method=ResizeMethod.Squish),
        batch_tfms=[*aug_transforms(mult=cfg.aug_mult, max_zoom=cfg.max_zoom, max_warp=0.1),
                    Normalize.from_stats(MEAN, STD)])
    return block.dataloaders(df, bs=cfg.bs, num_workers=cfg.workers)


# ---------------------------------------------------------------- loss and metrics
class PetsLoss(torch.nn.Module):
    "Cross-entropy on cat/dog for every photo, plus on the breed for photos whose breed is known."

    def __init__(self, n_breeds: int, species_of: torch.Tensor, breed_weight: float = 1.0, smoothing: float = 0.0):
        super().__init__()
        self.n_breeds, self.breed_weight, self.smoothing = n_breeds, breed_weight, smoothing
        self.register_buffer("species_of", species_of)

    def forward(self, out, targ):
        if not len(self.species_of):  # your own labels: one plain cross-entropy
            return F.cross_entropy(out, targ, label_smoothing=self.smoothing)
        loss = F.cross_entropy(out[:, self.n_breeds:], self.species_of[targ], label_smoothing=self.smoothing)
        known = targ < self.n_breeds
        if known.any():
            loss = loss + self.breed_weight * F.cross_entropy(out[known, :self.n_breeds], targ[known],
                                                              label_smoothing=self.smoothing)
        return loss

    def activation(self, out):  # what fastai's learn.predict / get_preds report: both softmaxes side by side
        return torch.cat([out[:, :self.n_breeds].softmax(-1), out[:, self.n_breeds:].softmax(-1)], -1)

    def decodes(self, probs):
        return probs[:, :self.n_breeds].argmax(-1)


def species_lookup(breeds, species=SPECIES) -> torch.Tensor:
    "Label index -> species index (0 cat, 1 dog) for the vocab breeds + ('cat', 'dog'); empty without species."
    if not species:
        return torch.zeros(0, dtype=torch.long)
    return torch.tensor([0 if is_cat_breed(b) else 1 for b in breeds] + [0, 1])


# ---------------------------------------------------------------- training
def learner(cfg: Config):
    from fastai.vision.all import vision_learner
    df, breeds = items(cfg)
    dls = dataloaders(cfg, presized(df, cfg.size) if cfg.presize else df, breeds)
    species = species_lookup(breeds, species_of(cfg))
    metrics = [BreedAccuracy(len(breeds))] + ([SpeciesAccuracy(species)] if len(species) else [])
    learn = vision_learner(dls, cfg.arch, pretrained=cfg.pretrained, n_out=len(breeds) + len(species_of(cfg)),
                           wd=cfg.wd, loss_func=PetsLoss(len(breeds), species, cfg.breed_weight, cfg.label_smoothing),
                           metrics=metrics)
    learn.breeds = breeds
    if cfg.mixed_precision and torch.cuda.is_available():
        learn = learn.to_fp16()
    return learn


def evaluate(learn, cfg: Config) -> dict:
    """Accuracy on the held-out photos through the serving path (the exported weights in the lean Predictor,
    with its flip TTA setting): cat/dog on all of them, breed on the Oxford ones."""
    state, config = export(learn, cfg)
    return evaluate_artifact(config, state, learn.dls.valid.items)


def evaluate_artifact(config: dict, state: dict, df) -> dict:
    "Scores of the exported model on `df` as served and, for comparison, the other way (with or without flip TTA)."
    predictor = Predictor(config, state)
    metrics = evaluate_predictor(predictor, df)
    other, suffix = (False, "_without_tta") if config.get("tta") else (True, "_with_flip_tta")
    compared = evaluate_predictor(predictor, df, tta=other)
    metrics.update({f"{k}{suffix}": v for k, v in compared.items() if k.endswith("accuracy")})
    return metrics


def evaluate_predictor(predictor: "Predictor", df, bs: int = 64, tta: bool | None = None) -> dict:
    "Scores of `predictor` on the photos of `df` (columns path, label); tta: None = as the artifact serves."
    labels = list(predictor.breeds) + list(predictor.species)
    probs = torch.cat([predictor.probabilities([open_image(p) for p in df.path[i:i + bs]], tta=tta)
                       for i in range(0, len(df), bs)])
    targ = torch.tensor([labels.index(label) for label in df.label])
    return scores(probs, targ, len(predictor.breeds), species_lookup(predictor.breeds, predictor.species))


def scores(probs, targ, n_breeds, species_of) -> dict:
    if not len(species_of):  # your own labels
        return {"accuracy": round((probs.argmax(-1) == targ).float().mean().item(), 4), "n_valid_photos": len(targ)}
    known = targ < n_breeds
    species_ok = probs[:, n_breeds:].argmax(-1) == species_of[targ]
    breed_ok = probs[known, :n_breeds].argmax(-1) == targ[known]
    top5 = (probs[known, :n_breeds].topk(5, -1).indices == targ[known, None]).any(-1)
    return {"cat_dog_accuracy": round(species_ok.float().mean().item(), 4),
            "breed_top1_accuracy": round(breed_ok.float().mean().item(), 4) if known.any() else None,
            "breed_top5_accuracy": round(top5.float().mean().item(), 4) if known.any() else None,
            "n_valid_photos": int(len(targ)), "n_valid_breed_photos": int(known.sum())}


class BreedAccuracy(Metric):
    def __init__(self, n_breeds): self.n_breeds, self.ok, self.n = n_breeds, 0, 0
    def reset(self): self.ok = self.n = 0

    def accumulate(self, learn):
        out, targ = learn.pred, learn.yb[0]
        keep = targ < self.n_breeds
        self.ok += (out[keep, :self.n_breeds].argmax(-1) == targ[keep]).sum().item()
        self.n += int(keep.sum())

    @property
    def value(self): return self.ok / self.n if self.n else float("nan")
    @property
    def name(self): return "breed_acc"


class SpeciesAccuracy(Metric):
    def __init__(self, species_of): self.species_of, self.ok, self.n = species_of, 0, 0
    def reset(self): self.ok = self.n = 0

    def accumulate(self, learn):
        out, targ = learn.pred, learn.yb[0]
        n_breeds = len(self.species_of) - 2
        self.ok += (out[:, n_breeds:].argmax(-1) == self.species_of.to(targ.device)[targ]).sum().item()
        self.n += len(targ)

    @property
    def value(self): return self.ok / self.n if self.n else float("nan")
    @property
    def name(self): return "cat_dog_acc"


# ---------------------------------------------------------------- artifact
def export(learn, cfg: Config) -> tuple[dict, dict]:
    config = {"task": "pets", "arch": cfg.arch, "n_out": len(learn.breeds) + len(species_of(cfg)),
              "breeds": list(learn.breeds), "species": list(species_of(cfg)), "size": cfg.size, "resize": "squish", "mean": list(MEAN), "std": list(STD),
              "tta": "flip" if cfg.tta else None, "train_config": asdict(cfg)}
    return learn.model.float().state_dict(), config


def build_model(config: dict) -> torch.nn.Module:
    "The network of `config`, exactly as fastai's vision_learner builds it, with random weights."
    import timm
    from fastai.vision.learner import create_timm_model
    if not timm.is_model(config["arch"]):
        raise artifact.ArtifactError(f"unknown architecture {config['arch']!r} (not a timm model name)")
    model, _ = create_timm_model(config["arch"], config["n_out"], pretrained=False)
    return model


def card(cfg: Config, metrics: dict, command: str) -> str:
    from shared.card import model_card
    if cfg.folder:
        return model_card("pets", title="Image classifier trained on your own photos", task="image-classification",
                          metrics=metrics, datasets=[], license="other", command=command, config=asdict(cfg),
                          metric_names={"accuracy": "accuracy"}, about=__doc__,
                          data_note=f"Your photos, one subfolder per label ({cfg.folder}).",
                          extra=f"\nHow this was measured: {cfg.valid_pct:.0%} of each label's photos (at least one, "
                                "chosen by a stable hash of the file name) were held out of training.\n")
    return model_card(
        "pets", title="Pets: breed and cat-or-dog", task="image-classification", metrics=metrics,
        datasets=["oxford-iiit-pet", "microsoft/cats_vs_dogs"], license="cc-by-sa-4.0", command=command,
        config=asdict(cfg), metric_names={"cat_dog_accuracy": "cat-or-dog accuracy",
                                          "breed_top1_accuracy": "breed top-1 accuracy",
                                          "breed_top5_accuracy": "breed top-5 accuracy"},
        about=__doc__, data_note=DATA_NOTE, extra=MEASURED)


MEASURED = """
How these were measured: `shared.tasks.pets.evaluate` on photos never trained on, chosen by a stable hash of
the file name (so the split never moves): `valid_per_breed` Oxford photos of every breed (breed accuracy counts
each breed equally often) and `valid_pct` of the Kaggle cats-vs-dogs photos (cat-or-dog accuracy is over all
held-out photos). The Space's example photos are among the held-out ones.
"""


DATA_NOTE = """Oxford-IIIT Pet (Parkhi et al., "Cats and Dogs", CVPR 2012; CC BY-SA 4.0, photos (c) their owners)
and the Kaggle "Dogs vs. Cats" photos (Asirra, Microsoft Research / Petfinder; research and non-commercial use)."""


# ---------------------------------------------------------------- serving
class Predictor:
    """The lean serving path: the training preprocessing in plain PIL + torch, no DataLoader, no fastai Learner;
    the forward pass in ONNX Runtime on CPU (`shared.runtime`; engine="torch" keeps it in PyTorch)."""

    def __init__(self, config: dict, state: dict, device: str = "cpu", engine: str = "auto"):
        self.config, self.device = config, device
        self.breeds, self.species = config["breeds"], config["species"]
        self.size = config["size"]
        self.model = artifact.load_weights(build_model(config), state, config).to(device).eval()
        self.mean = torch.tensor(config["mean"], device=device).view(1, 3, 1, 1)
        self.std = torch.tensor(config["std"], device=device).view(1, 3, 1, 1)
        example = torch.zeros(1, 3, self.size, self.size, device=device)
        self.forward = runtime.fast_forward(self.model, example, engine)

    @classmethod
    def load(cls, source, device: str = "cpu", engine: str = "auto") -> "Predictor":
        config, state, _ = artifact.load_torch(source, task="pets")
        return cls(config, state, device, engine)

    def open(self, source) -> Image.Image:
        "Any upload -> RGB photo (JPEGs decode at reduced size when they are far larger than needed)."
        return open_image(source, max_side=4 * self.size)

    def preprocess(self, images) -> torch.Tensor:
        "Exactly fastai's validation pipeline: Resize(squish, bilinear) -> /255 -> Normalize."
        arrays = [np.asarray(img.resize((self.size, self.size), Image.BILINEAR), dtype=np.uint8) for img in images]
        x = torch.from_numpy(np.stack(arrays)).to(self.device).permute(0, 3, 1, 2).float() / 255.0
        return (x - self.mean) / self.std

    @torch.inference_mode()
    def probabilities(self, images, tta: bool | None = None) -> torch.Tensor:
        "Breed softmax and cat/dog softmax side by side; with flip TTA, averaged over the photo and its mirror."
        x = self.preprocess(images)
        flip = self.config.get("tta") == "flip" if tta is None else tta
        out = self.forward(torch.cat([x, x.flip(3)]) if flip else x)
        nb = len(self.breeds)
        probs = torch.cat([out[:, :nb].softmax(-1), out[:, nb:].softmax(-1)], -1)
        if flip:
            probs = (probs[:len(x)] + probs[len(x):]) / 2
        return probs.cpu()

    def predict(self, images) -> list[tuple[dict, dict]]:
        "For each photo: ({breed: probability} over all breeds, {'cat': p, 'dog': p})."
        nb = len(self.breeds)
        return [(dict(zip(self.breeds, p[:nb].tolist())), dict(zip(self.species, p[nb:].tolist())))
                for p in self.probabilities(images)]

    def gradcam(self, image: Image.Image, breed: str | None = None) -> np.ndarray:
        "Grad-CAM over the last feature map for `breed` (default: the top breed); an HxW map in [0, 1]."
        body, head = self.model[0], self.model[1]
        x = self.preprocess([image])
        with torch.enable_grad():
            feats = body(x).detach().requires_grad_(True)
            out = head(feats)[0]
            idx = self.breeds.index(breed) if breed else int(out[:len(self.breeds)].argmax())
            (grad,) = torch.autograd.grad(out[idx], feats)
        cam = F.relu((grad.mean((2, 3), keepdim=True) * feats).sum(1, keepdim=True))[0, 0].detach()
        cam = cam / cam.max() if cam.max() > 0 else cam
        return cam.cpu().numpy()


SURE_SPECIES, SURE_BREED = 0.7, 0.25


def verdict(breeds: dict, species: dict | None) -> str:
    "One honest sentence: what the model thinks, and how sure it is."
    if not species:  # a model of your own labels
        label, p = max(breeds.items(), key=lambda kv: kv[1])
        sure = p >= max(SURE_BREED, 1.5 / len(breeds))
        return (f"Looks like **{label.replace('_', ' ')}** ({p:.0%})." if sure else
                f"**Not sure.** Best guess: *{label.replace('_', ' ')}* ({p:.0%}).")
    kind, p_kind = max(species.items(), key=lambda kv: kv[1])
    breed, p_breed = max(breeds.items(), key=lambda kv: kv[1])
    if p_kind < SURE_SPECIES:
        return ("**Not sure.** This doesn't look clearly like a cat or a dog to the model: it may not be a pet "
                f"photo, or the animal is hard to see. (Best guess: {kind}, {p_kind:.0%}.)")
    name = breed.replace("_", " ")
    if p_breed < SURE_BREED or is_cat_breed(breed) != (kind == "cat"):
        return f"Looks like a **{kind}** ({p_kind:.0%}). The breed is a guess: maybe *{name}* ({p_breed:.0%})."
    return f"Looks like a **{kind}** ({p_kind:.0%}), most likely a **{name}** ({p_breed:.0%})."


def fastai_learner(source, photos: list[str]):
    """A fastai Learner around the artifact's weights, rebuilt without any pickle (for `learn.predict`
    baselines and notebooks). `photos`: any few image files, only used to build the DataLoaders."""
    import pandas as pd
    from fastai.vision.all import vision_learner
    config, state, _ = artifact.load_torch(source, task="pets")
    cfg = Config(**{**config["train_config"], "workers": 0})
    df = pd.DataFrame({"path": photos, "label": config["breeds"][0], "is_valid": [i % 2 == 0 for i in range(len(photos))]})
    dls = dataloaders(cfg, df, config["breeds"])
    learn = vision_learner(dls, config["arch"], pretrained=False, n_out=config["n_out"],
                           loss_func=PetsLoss(len(config["breeds"]),
                                              species_lookup(config["breeds"], config["species"])))
    artifact.load_weights(learn.model, state, config)
    learn.breeds = config["breeds"]
    return learn
