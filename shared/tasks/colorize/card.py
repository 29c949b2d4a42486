"""The colorize model card's text (what a published card says; edit here, not in module docstrings)."""
from __future__ import annotations

from dataclasses import asdict

from .config import Config
from .evaluate import EVAL_SIDE

ABOUT = """Colorize: old black-and-white photos in colour. Luminance in, colour out, with a fastai U-Net.

A photo is split into CIE Lab: L (lightness, what a black-and-white photo keeps) and a/b (the colour).
The fastai `unet_learner` (timm ResNet encoder) sees L at a small working resolution and predicts the
colour of every pixel; the colour is upsampled and recombined with the photo's own full-resolution L,
so the output keeps every detail of the input and the network only has to get the colours right.

**Loss: colour classification with class rebalancing (Zhang, Isola & Efros, "Colorful Image
Colorization", ECCV 2016)**, not regression. The a/b plane is cut into bins 10 units wide (the ones
inside the sRGB gamut); the network predicts a probability for every bin at every pixel and is trained
with cross-entropy against the true colour, softly spread over the four nearest bins. Why: a photo's
colour is ambiguous (a grey car may be red or blue), and L2 (or L1) regression answers an ambiguous
question with the average of the answers, which is the grey-brown mush the chapter warns about.
Classification keeps the several answers apart; rebalancing weighs each bin by the inverse of how
common it is in the training photos (mixed half-and-half with uniform, as in the paper), so the rare
saturated colours are not drowned by the common greys and browns of backgrounds. The colour shown is
the *annealed mean* of the distribution (softmax at temperature 0.38, as in the paper): between the
mean (safe, dull) and the mode (vivid, patchy). A strength control scales the colour afterwards.

The colour-space conversion (sRGB <-> CIE Lab, D65) is written once, for numpy and torch alike, and used by
the training batches, the serving path and the evaluation. The network and the decoding run in ONNX Runtime.
"""


def card(cfg: Config, metrics: dict, command: str) -> str:
    from shared.card import model_card
    metrics = dict(metrics)
    sweep = metrics.pop("sweep", [])
    rows = "\n".join(f"| {r['strength']} | {r['psnr']} | {r['ssim']} | {r['colourfulness_ratio']} |" for r in sweep)
    extra = f"""
Evaluated on the held-out validation photos (a fixed tenth of the folders by file name, at most
{EVAL_SIDE} px) through the shipped serving path; the baseline is the grey input itself (L only).
PSNR and SSIM compare with the true colour photo; colourfulness is Hasler & Suesstrunk's M (2003),
mean over the photos, and the ratio is the output's over the truth's. Reproduce with

```bash
python -m shared.evaluate colorize MODEL_FOLDER
```

The Space's strength control scales the predicted colour (0 is the grey input):

| strength | PSNR (dB) | SSIM | colourfulness ratio |
|---|---|---|---|
{rows}

## Limitations

A model trained from scratch on about a thousand photos (the `cpu` preset, two CPU cores) learns the
common colours first: a warm, sepia-like palette (fur, skin, wood, sand, pale skies) and only sometimes
the green of grass or the blue of the sky. Part of its colourfulness is that overall warm cast
(Hasler & Suesstrunk's M counts the mean colour as well as its spread), and the PSNR gain over the grey
input is small: colour guesses that are wrong cost as much as right ones gain. The `gpu` preset
(ImageNet-pretrained ResNet-34 encoder, fastai's COCO sample, 224 px) is the recipe for real photos.
Old photos differ from greyed modern ones (grain, fading, scratches); the model has seen none of those.
"""
    return model_card(
        "colorize", title="Colorize: black-and-white photos in colour", task="image-to-image", metrics=metrics,
        datasets=["oxford-iiit-pet", "coco"], license="cc-by-sa-4.0", command=command, config=asdict(cfg),
        metric_names={"psnr": "PSNR (dB)", "grey_psnr": "PSNR of the grey input (dB)", "ssim": "SSIM",
                      "grey_ssim": "SSIM of the grey input", "colourfulness": "colourfulness",
                      "colourfulness_truth": "colourfulness of the truth",
                      "colourfulness_ratio": "colourfulness ratio (output / truth)"},
        about=ABOUT, data_note=DATA_NOTE, extra=extra)


DATA_NOTE = """Colour photos of Oxford-IIIT Pet (Parkhi et al., "Cats and Dogs", CVPR 2012; CC BY-SA 4.0, photos (c)
their owners) and fastai's COCO_TINY sample of COCO (Lin et al. 2014; images under their Flickr licences).
Near-greyscale photos (mean Lab chroma below `min_chroma`) are skipped; config.json lists them."""
