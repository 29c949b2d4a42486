"""The colorize model card's text (what a published card says; edit here, not in module docstrings)."""
from __future__ import annotations

from dataclasses import asdict

from shared.serving import weights

from .config import COLOUR_TOLERANCE, Config
from .evaluate import EVAL_SIDE

ABOUT = """Colorize: old black-and-white photos in colour. Lightness in, colour out, with a fastai-trained U-Net
on an ImageNet-pretrained encoder.

A photo is split into CIE Lab: L (lightness, what a black-and-white photo keeps) and a/b (the colour).
The network sees L at a small working resolution ({size} px short side), turns it into the grey photo and
runs it through **{arch}**, pretrained on ImageNet (it already knows grass, sky, fur and faces), whose
feature maps at strides 4 to 32 feed a small U-Net decoder (fastai DynamicUnet's pattern: upsample, join
the encoder's map of that size, convolve). It predicts the colour at a quarter of the working size; the
colour is upsampled and recombined with the photo's own full-resolution L, so the output keeps every
detail of the input and the network only has to get the colours right.

{loss} The colour shown is the
*annealed mean* of the distribution at temperature **{temperature}**{confidence}. {choice}{mirror}

**Training ({preset} preset).** {recipe}
"""

LOSS = """**Loss: colour classification{rebalanced} (Zhang, Isola & Efros, "Colorful Image Colorization", ECCV
2016)**, not regression. The a/b plane is cut into bins {grid} units wide (those inside the sRGB gamut); the
network predicts a probability for every bin at every pixel, trained with cross-entropy against the true colour
softly spread over the four nearest bins. A photo's colour is ambiguous (a grey car may be red or blue) and L2
regression answers with the average, a grey-brown mush; classification keeps the answers apart"""
LOSS_ENDS = {  # with or without the paper's class rebalancing (Config.rebalance < 1 or = 1)
    True: """, and rebalancing (inverse bin
frequency mixed with uniform, lambda {rebalance}) keeps rare saturated colours from being drowned by greys and
browns.""",
    False: """. Without the paper's class rebalancing (its lambda =
1): rebalancing buys vivid colours at the price of wrong ones, and on tuning photos of every kind the model
trained without it was more accurate at the same colourfulness (BENCHMARKS.md); how strong the colour is shown
is the confidence rule's gain instead.""",
}

MIRROR = """ The network looks at the photo and at its mirror image, and the two answers (colour and
spread, the mirror's flipped back) are averaged: a mirrored photo gets exactly the mirrored colours."""

CHOSEN_ON = """Both were chosen on the
tuning photos of every kind (pets, Kaggle's cats and dogs, scenes, COCO; not the held-out ones): """
CHOICES = {  # how the temperature and the confidence rule were chosen (Config.rule_choice)
    "colourful": CHOSEN_ON + """the most
accurate setting (the best PSNR gain over the grey input in the kind of photo where it does worst) whose
output keeps at least {min_colourfulness:.0%} of the truth's colourfulness in every kind, or, when none does,
the most accurate of the most colourful ones (within {tolerance} of the best ratio; config.json has the table
it was chosen from). A strength control scales the colour afterwards.""",
    "margins": CHOSEN_ON + """the setting
that clears the bars of issue 33 by the widest margin (`config.BARS`: PSNR gain over the grey input, share of
photos closer than grey, colourfulness over the truth's, per kind; each margin in standard errors on the tuning
photos, the smallest of them as large as it can be), so that no bar is cleared by a hair on the tuning photos
only (config.json has the table it was chosen from). A strength control scales the colour afterwards.""",
}

RECIPES = {
    True: "fastai's fine_tune, first stage: the pretrained encoder frozen, its feature maps computed once per "
          "{views} (ONNX Runtime) and cached, the decoder trained on them for {freeze_epochs} "
          "epochs (fit_one_cycle){then}.{oversample}",
    False: "fastai's fine_tune: {freeze_epochs} epochs of the decoder on the frozen encoder, then {epochs} epochs of "
           "the whole network with discriminative learning rates, random crops and flips.{oversample}",
}


def base_model(cfg: Config) -> str | None:
    w = weights.KNOWN.get(cfg.arch)
    return w.base_model if (cfg.pretrained and w) else (f"timm/{cfg.arch}" if cfg.pretrained else None)


def weights_note(cfg: Config) -> str:
    w = weights.KNOWN.get(cfg.arch)
    if not cfg.pretrained:
        return "The encoder starts from random weights (no pretrained weights)."
    if w:
        return f"Encoder weights: {w.origin}; licence {w.license}."
    return f"Encoder weights: timm's `{cfg.arch}` ImageNet weights (their licence is on the timm model page)."


def card(cfg: Config, metrics: dict, command: str) -> str:
    from shared.training.card import model_card
    metrics = dict(metrics)
    sweep = metrics.pop("sweep", [])
    rows = "\n".join(f"| {r['strength']} | {r['psnr']} | {r['colourfulness_ratio']} |" for r in sweep)
    then = f", then {cfg.epochs} epochs of the whole network" if cfg.epochs else ""
    views = "photo and its mirror image" if cfg.views >= 2 else "photo"
    oversample = (f" Oversampled: `{cfg.oversample}` (each training photo of that kind seen that many times an "
                  "epoch, so that a kind with few photos is not drowned by the many)." if cfg.oversample else "")
    recipe = RECIPES[cfg.cached_features].format(freeze_epochs=cfg.freeze_epochs, epochs=cfg.epochs, then=then,
                                                 views=views, oversample=oversample)
    if not (cfg.freeze_epochs or cfg.epochs):  # `--init-from ... --freeze-epochs 0`: the serving rules chosen again
        first = RECIPES[cfg.cached_features].format(freeze_epochs=Config.freeze_epochs, epochs=0, then="",
                                                    views=views, oversample=oversample)
        recipe = (f"The first command (the preset's own): {first} The last command trains nothing: it takes those "
                  "weights and chooses the temperature and the confidence rule again on the tuning photos.")
    conf = metrics.pop("confidence", None)
    confidence = ("" if not conf else f""", **scaled by the model's confidence**: where the predicted colour
distribution is wide (its standard deviation `spread`, in Lab units) the model does not know the colour, and
each pixel's colour is multiplied by gain / (1 + (spread / sigma0)^4), with sigma0 = {conf['sigma0']:g} and
gain = {conf['gain']:g}: full colour where it is sure, fading to grey where it is not, so that an unfamiliar
photo comes out nearly grey rather than wrongly coloured""")
    crops = f" Extra views: `{cfg.crops}` (crops of each training photo of that kind at several scales)." if cfg.crops else ""
    recipe += crops
    rebalanced = cfg.rebalance < 1
    loss = (LOSS + LOSS_ENDS[rebalanced]).format(rebalanced=" with class rebalancing" if rebalanced else "",
                                                 grid=cfg.grid, rebalance=cfg.rebalance)
    about = ABOUT.format(size=cfg.size, arch=cfg.arch, loss=loss, preset=cfg.preset, recipe=recipe,
                         mirror=MIRROR if cfg.mirror else "",
                         confidence=confidence, temperature=metrics.get("temperature", cfg.temperature),
                         choice=CHOICES["margins" if cfg.confidence and cfg.rule_choice == "margins"
                                        else "colourful"].format(min_colourfulness=cfg.min_colourfulness,
                                                                 tolerance=COLOUR_TOLERANCE))
    extra = f"""
Measured on the held-out photos (a fixed {cfg.valid_pct:.0%} of every folder by file name, more of the smaller
ones: `{cfg.split_pcts}` as held-out:tuning shares; never trained on and not used to choose the temperature or
the strength; at most {EVAL_SIDE} px) through the shipped serving path, turned grey by the model itself (it
reads L only). The baseline is the grey input. `pets` = Oxford-IIIT Pet photos, `cats_vs_dogs` = Kaggle's
small photos, `scenes` = varied photos (monuments, streets, landscapes, plants, animals, objects; the GCompris
photos of one subject kept on one side of the split), `streets` = the scenes' streets and buildings by file
name (Scratch's outdoor backdrops, GCompris's monuments: fewer than 50 photos, a check rather than a claim),
`coco` = COCO photos (128 px). PSNR gain: mean over photos of PSNR(output) - PSNR(grey); closer than grey: the share of photos
whose output has the higher PSNR; colourfulness: Hasler & Suesstrunk's M (2003), mean over the photos, the
output's over the truth's. Reproduce with

```bash
python -m shared.training.evaluate colorize MODEL_FOLDER
```

Held-out photos, grey input | ours | truth (the Space's `held_out.jpg`; any model:
`python -m shared.tasks.colorize.grid MODEL_FOLDER grid.jpg`):

![held-out photos: grey input, ours, truth](../held_out.jpg)

The Space's strength control scales the predicted colour (0 is the grey input):

| strength | PSNR (dB) | colourfulness ratio |
|---|---|---|
{rows}

## Limitations

The network sees each photo at {cfg.size} px and paints the colour at a quarter of that, so thin coloured
details (a red collar, a traffic light) get their colour spread or missed. Where the colour is truly
ambiguous (a car, a shirt) it leaves it muted or grey: the confidence rule trades colour for accuracy. Old photos differ from greyed modern
ones (grain, fading, scratches); the model has seen none of those.
"""
    return model_card(
        "colorize", title="Colorize: black-and-white photos in colour", task="image-to-image", metrics=metrics,
        datasets=["timm/oxford-iiit-pet", COCO], license="cc-by-sa-4.0", command=command, config=asdict(cfg),
        metric_names={"pets_psnr_gain": "PSNR gain over grey, pets (dB)",
                      "pets_closer_than_grey": "pets photos closer to the truth than grey",
                      "pets_colourfulness_ratio": "colourfulness ratio, pets (output / truth)",
                      "scenes_psnr_gain": "PSNR gain over grey, scenes (dB)",
                      "scenes_closer_than_grey": "scene photos closer to the truth than grey",
                      "scenes_colourfulness_ratio": "colourfulness ratio, scenes (output / truth)",
                      "coco_psnr_gain": "PSNR gain over grey, COCO (dB)",
                      "coco_colourfulness_ratio": "colourfulness ratio, COCO (output / truth)",
                      "psnr": "PSNR (dB)", "grey_psnr": "PSNR of the grey input (dB)", "ssim": "SSIM",
                      "colourfulness_ratio": "colourfulness ratio (output / truth)"},
        metric_datasets={"scenes_psnr_gain": None, "scenes_closer_than_grey": None,  # no Hub dataset: table only
                         "scenes_colourfulness_ratio": None, "coco_psnr_gain": COCO, "coco_colourfulness_ratio": COCO,
                         "psnr": None, "grey_psnr": None, "ssim": None, "colourfulness_ratio": None},  # all kinds
        about=about, data_note=DATA_NOTE + "\n\n" + weights_note(cfg), extra=extra, base_model=base_model(cfg))


COCO = "detection-datasets/coco"  # the Hub's copy of COCO (the Space's README names the same)

DATA_NOTE = """Colour photos of Kaggle's "Dogs vs. Cats" (Asirra, Microsoft Research / Petfinder; 12,000 photos
at 144 px; research and non-commercial terms), Oxford-IIIT Pet (Parkhi et al., "Cats and Dogs", CVPR 2012;
CC BY-SA 4.0, photos (c) their owners), fastai's COCO_TINY sample of COCO (Lin et al. 2014; images under
their Flickr licences) and 420 varied scene photos shipped by free-software packages (GCompris: Public Domain,
CC0 or CC BY-SA; Scratch 1.4 backdrops: CC BY-SA 3.0; tabler-ui, caer: MIT; OpenCV, scikit-image: BSD-3;
Lomiri wallpapers: CC BY(-SA) 4.0; MATE, Plasma, Tux Paint: GPL-2+). Near-greyscale photos (mean Lab chroma below `min_chroma`) are skipped; config.json
lists them. Split by file name: held out (`valid_pct`), tuning (`tune_pct`: fastai's validation set and the
temperature's choice), training (the rest)."""
