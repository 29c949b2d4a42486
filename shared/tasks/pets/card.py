"""The pets model card's text (what a published card says; edit here, not in module docstrings)."""
from __future__ import annotations

from dataclasses import asdict

from shared.serving import weights

from .config import Config, archs

ABOUT = """Pets: chapter 1's first model. One photo -> its breed (37 Oxford-IIIT breeds) and cat, dog or neither.

Transfer learning, as in the chapter: an ImageNet-pretrained network (`{arch}`) whose body is kept and whose
head is new, trained with fastai on our photos. One network, one linear head over the body's average-pooled
features: outputs 0-36 are the breeds, 37-38 are (cat, dog). Oxford photos teach both; the Kaggle cats-vs-dogs
photos teach cat-or-dog alone. Because the head is linear over average-pooled features, the Space's heatmap (the
class activation map: feature map x head weights) is exactly Grad-CAM for this network.

Photos are prepared as the pretrained weights saw ImageNet (timm's `pretrained_cfg`): the short side resized to
size / crop_pct, the centre square cut out; in training (a fastai item transform) and in serving (numpy) by the
same function. "Neither" (no cat and no dog): a logistic regression of pets against photos with no cat or dog
(varied scenes, COCO photos) on the body's features and on the pretrained ImageNet classifier's log-odds of its
135 dog, wolf, fox and cat classes; that classifier is kept in the model (`model.onnx`'s `imagenet` output), so a photo of
neither can be told what it looks like instead. Its bias is set so that {false_neither:.1%} of the training pet photos of each
kind come out "neither".

Pretrained weights: {origin}. They are read offline from the package's file, pinned by sha256, every tensor
checked against the network's shape (`shared.training.pretrained`).
"""

BODIES = """The body is {n} pretrained networks side by side, {names}: each sees the same photo, their feature maps
are joined channel by channel, and the one linear head reads them all. An ensemble of the bodies that one logistic
regression fits at once; the heatmap stays exact (both maps are 1/32 of the photo). "Neither" and "looks more
like" read the first network's ImageNet classifier."""

SCHEDULE = {
    True: """The `cpu` recipe is the frozen stage of fastai's `fine_tune`, solved exactly: with the pretrained body
frozen, its features of a photo never change, so they are computed once per photo and its mirror image, and the
linear head is fitted on them as a multinomial logistic regression (L-BFGS to the optimum, L2 penalty `1/head_c`,
balanced class weights). The breed rows learn from the Oxford photos, every breed weighing the same, and each
breed's bias loses `breed_prior` x the log of its share of the training photos (the three breeds of which
`pets-extra/` has 190 photos are not named more often for it); the cat/dog rows from every photo, Oxford's
portraits and Kaggle's small photos weighing the same. The cat-or-dog answer combines the cat/dog head and the
breeds' summed probabilities as a product of experts (geometric mean, `species_mix` 0.5): the head knows Kaggle's small photos, the breeds know the
portraits. That is what fits 2 CPU cores in one command. The `gpu`
preset runs the whole `fine_tune` (head, then the unfrozen network with augmentation) from the same offline weights.""",
    False: """Trained with fastai's `fine_tune`: `freeze_epochs` of the head on the frozen pretrained body, then
`epochs` of the whole network with discriminative learning rates and fastai's augmentation.""",
}

MEASURED = """
How these were measured. The table's first rows: `python -m shared.training.evaluate pets MODEL` (the Space's own serving
path: model.onnx in ONNX Runtime) on photos never trained on, chosen by a stable hash of the file name (so the
split never moves): `valid_per_breed` Oxford photos of every breed and `valid_pct` of the Kaggle cats-vs-dogs
photos and of the photos with no cat or dog. Those are few (37 breed photos), so the cross-validated numbers
below (the rows from `cv_folds` on) are the ones to read.
"""

CV_ROWS = [("breed_top1", "breed top-1, every breed counted the same", "breed_photos"),
           ("cat_dog_oxford", "cat or dog right, Oxford photos ('neither' counts wrong)", "oxford_photos"),
           ("cat_dog_kaggle", "cat or dog right, Kaggle photos", "kaggle_photos"),
           ("false_neither_oxford", "'neither' on an Oxford pet photo", "oxford_photos"),
           ("false_neither_kaggle", "'neither' on a Kaggle pet photo", "kaggle_photos"),
           ("neither_scenes", "'neither' on photos with no cat or dog: scenes/", "scenes_photos"),
           ("neither_coco_tiny", "'neither' on photos with no cat or dog: COCO", "coco_tiny_photos")]


def cross_validation(metrics: dict) -> str:
    "The card's cross-validated table, generated from the training run's metrics (`heads.cross_validate`)."
    if not metrics.get("cv_folds"):
        return ""
    rows = "\n".join(f"| {text} | {metrics[key]:.3f} | {metrics[key + '_interval'][0]:.3f} - "
                      f"{metrics[key + '_interval'][1]:.3f} | {metrics[count]} |"
                      for key, text, count in CV_ROWS if key in metrics)
    return f"""
### Cross-validated ({metrics['cv_folds']}-fold, stratified: every photo held out once)

Every Oxford photo (all 37 breeds), every Kaggle photo used and every photo with no cat or dog was answered once by
heads fitted without it, through the same answer code as the Space. Breed top-1 is the mean over breeds of each
breed's share right (the three breeds with 190 photos count as much as the others), its interval a bootstrap over
the photos within each breed; the other intervals are Wilson intervals. 95% intervals.

| measure | mean | 95% interval | photos |
|---|---|---|---|
{rows}
"""

DATA_NOTE = """Oxford-IIIT Pet (Parkhi et al., "Cats and Dogs", CVPR 2012; CC BY-SA 4.0, photos (c) their owners)
and the Kaggle "Dogs vs. Cats" photos (Asirra, Microsoft Research / Petfinder; research and non-commercial use).
Photos with no cat or dog, for "neither": the project's `scenes/` photos (Public Domain, CC0, CC BY(-SA), MIT,
BSD-3, GPL-2+ per source) and fastai's COCO_TINY (COCO: CC BY 4.0 annotations, images under their Flickr
licences), less the few that show a cat or a dog (`shared.tasks.pets.data.SHOWS_A_PET`)."""


def origin(arch: str, pretrained: bool) -> str:
    w = weights.KNOWN.get(arch)
    return w.origin if (pretrained and w) else ("timm's own ImageNet weights" if pretrained else
                                                "none: trained from scratch")


def about(cfg: Config) -> str:
    bodies = archs(cfg.arch)
    origins = "; ".join((f"`{a}`: " if len(bodies) > 1 else "") + origin(a, cfg.pretrained) for a in bodies)
    text = ABOUT.format(arch=cfg.arch, origin=origins, false_neither=cfg.false_neither)
    if len(bodies) > 1:
        text += "\n" + BODIES.format(n=len(bodies), names=" and ".join(f"`{a}`" for a in bodies))
    return text + "\n" + SCHEDULE[cfg.cached_features and cfg.freeze_epochs > 0 and cfg.epochs == 0]


def base_model(cfg: Config) -> str | list[str] | None:
    "The Hub id of the pretrained weights (a list of them for several bodies), for the card's metadata."
    if not cfg.pretrained:
        return None
    ids = [w.base_model if (w := weights.KNOWN.get(a)) else f"timm/{a}" for a in archs(cfg.arch)]
    return ids[0] if len(ids) == 1 else ids


def card(cfg: Config, metrics: dict, command: str) -> str:
    from shared.training.card import model_card
    common = dict(command=command, config=asdict(cfg), base_model=base_model(cfg))
    if cfg.folder:
        return model_card("pets", title="Image classifier trained on your own photos", task="image-classification",
                          metrics=metrics, datasets=[], license="other", license_name=OWN_PHOTOS_TERMS,
                          metric_names={"accuracy": "accuracy"},
                          about=about(cfg), data_note=f"Your photos, one subfolder per label ({cfg.folder}).",
                          extra=f"\nHow this was measured: {cfg.valid_pct:.0%} of each label's photos (at least one, "
                                "chosen by a stable hash of the file name) were held out of training.\n", **common)
    return model_card(
        "pets", title="Pets: breed and cat, dog or neither", task="image-classification", metrics=metrics,
        datasets=["timm/oxford-iiit-pet", "microsoft/cats_vs_dogs"], license="cc-by-sa-4.0",
        metric_names={"cat_dog_accuracy": "cat-or-dog accuracy", "breed_top1_accuracy": "breed top-1 accuracy",
                      "breed_top5_accuracy": "breed top-5 accuracy",
                      "breed_top1": "breed top-1 accuracy, 5-fold cross-validation (per-breed mean)",
                      "cat_dog_kaggle": "cat-or-dog accuracy, Kaggle photos, cross-validation",
                      "neither_scenes": "neither on photos with no cat or dog (scenes), cross-validation",
                      "cat_dog_accuracy_oxford": "cat-or-dog accuracy, Oxford photos",
                      "cat_dog_accuracy_kaggle": "cat-or-dog accuracy, Kaggle photos"},
        metric_datasets={"cat_dog_accuracy": None, "cat_dog_accuracy_kaggle": "microsoft/cats_vs_dogs",
                         "cat_dog_kaggle": "microsoft/cats_vs_dogs", "neither_scenes": None},  # scenes: no Hub dataset
        about=about(cfg), data_note=DATA_NOTE, extra=MEASURED + cross_validation(metrics), **common)


OWN_PHOTOS_TERMS = "the-terms-of-your-photos"  # license: other, for a model trained on the user's own photos
