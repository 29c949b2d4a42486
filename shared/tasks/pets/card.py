"""The pets model card's text (what a published card says; edit here, not in module docstrings)."""
from __future__ import annotations

from dataclasses import asdict

from shared import pretrained

from .config import Config

ABOUT = """Pets: chapter 1's first model. One photo -> its breed (37 Oxford-IIIT breeds) and cat-or-dog.

Transfer learning, as in the chapter: an ImageNet-pretrained network (`{arch}`) whose body is kept and whose
head is new, trained with fastai on our photos. One network, one linear head over the body's average-pooled
features: outputs 0-36 are the breeds, 37-38 are (cat, dog). Oxford photos teach both; the Kaggle cats-vs-dogs
photos teach cat-or-dog alone. Because the head is linear over average-pooled features, the Space's heatmap (the
class activation map: feature map x head weights) is exactly Grad-CAM for this network.

Pretrained weights: {origin}. They are read offline from the package's file, pinned by sha256, every tensor
checked against the network's shape (`shared.pretrained`).
"""

SCHEDULE = {
    True: """The `cpu` recipe is the frozen stage of fastai's `fine_tune`, solved exactly: with the pretrained body
frozen, its features of a photo never change, so they are computed once per photo and its mirror image, and the
linear head is fitted on them as a multinomial logistic regression (L-BFGS to the optimum, L2 penalty `1/head_c`,
balanced class weights). The breed rows learn from the Oxford photos; the cat/dog rows from every photo, Oxford's
portraits and Kaggle's small photos weighing the same. The cat-or-dog answer combines the cat/dog head and the
breeds' summed probabilities as a product of experts (geometric mean, `species_mix` 0.5): the head knows Kaggle's small photos, the breeds know the
portraits. That is what fits 2 CPU cores in one command. The `gpu`
preset runs the whole `fine_tune` (head, then the unfrozen network with augmentation) from the same offline weights.""",
    False: """Trained with fastai's `fine_tune`: `freeze_epochs` of the head on the frozen pretrained body, then
`epochs` of the whole network with discriminative learning rates and fastai's augmentation.""",
}

MEASURED = """
How these were measured: `python -m shared.evaluate pets MODEL` (the Space's own serving path: model.onnx in ONNX
Runtime) on photos never trained on, chosen by a stable hash of the file name (so the split never moves):
`valid_per_breed` Oxford photos of every breed (breed accuracy counts each breed equally often) and `valid_pct` of
the Kaggle cats-vs-dogs photos (cat-or-dog accuracy is over all held-out photos, and over each kind apart).
"""

DATA_NOTE = """Oxford-IIIT Pet (Parkhi et al., "Cats and Dogs", CVPR 2012; CC BY-SA 4.0, photos (c) their owners)
and the Kaggle "Dogs vs. Cats" photos (Asirra, Microsoft Research / Petfinder; research and non-commercial use)."""


def about(cfg: Config) -> str:
    w = pretrained.KNOWN.get(cfg.arch)
    origin = w.origin if (cfg.pretrained and w) else ("timm's own ImageNet weights" if cfg.pretrained else
                                                       "none: trained from scratch")
    return ABOUT.format(arch=cfg.arch, origin=origin) + "\n" + SCHEDULE[cfg.cached_features and cfg.freeze_epochs > 0
                                                                        and cfg.epochs == 0]


def base_model(cfg: Config) -> str | None:
    w = pretrained.KNOWN.get(cfg.arch)
    return w.base_model if (cfg.pretrained and w) else (f"timm/{cfg.arch}" if cfg.pretrained else None)


def card(cfg: Config, metrics: dict, command: str) -> str:
    from shared.card import model_card
    common = dict(command=command, config=asdict(cfg), base_model=base_model(cfg))
    if cfg.folder:
        return model_card("pets", title="Image classifier trained on your own photos", task="image-classification",
                          metrics=metrics, datasets=[], license="other", license_name=OWN_PHOTOS_TERMS,
                          metric_names={"accuracy": "accuracy"},
                          about=about(cfg), data_note=f"Your photos, one subfolder per label ({cfg.folder}).",
                          extra=f"\nHow this was measured: {cfg.valid_pct:.0%} of each label's photos (at least one, "
                                "chosen by a stable hash of the file name) were held out of training.\n", **common)
    return model_card(
        "pets", title="Pets: breed and cat-or-dog", task="image-classification", metrics=metrics,
        datasets=["timm/oxford-iiit-pet", "microsoft/cats_vs_dogs"], license="cc-by-sa-4.0",
        metric_names={"cat_dog_accuracy": "cat-or-dog accuracy", "breed_top1_accuracy": "breed top-1 accuracy",
                      "breed_top5_accuracy": "breed top-5 accuracy",
                      "cat_dog_accuracy_oxford": "cat-or-dog accuracy, Oxford photos",
                      "cat_dog_accuracy_kaggle": "cat-or-dog accuracy, Kaggle photos"},
        metric_datasets={"cat_dog_accuracy": None, "cat_dog_accuracy_kaggle": "microsoft/cats_vs_dogs"},
        about=about(cfg), data_note=DATA_NOTE, extra=MEASURED, **common)


OWN_PHOTOS_TERMS = "the-terms-of-your-photos"  # license: other, for a model trained on the user's own photos
