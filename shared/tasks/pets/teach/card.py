"""The taught model's card (README.md): Hub metadata, the labels and counts, the held-out estimate, how it was made."""
from __future__ import annotations

import json

import yaml

from .teacher import Taught


def card(taught: Taught, config: dict, base_model: str | list) -> str:
    "`base_model`: the Hub id(s) of the pretrained weights."
    named = " + ".join(f"`{m}`" for m in ([base_model] if isinstance(base_model, str) else base_model or []))
    meta = {"library_name": "onnx", "license": "other", "license_name": "the-terms-of-your-photos",
            **({"base_model": base_model} if base_model else {}),
            "pipeline_tag": "image-classification", "tags": ["image-classification", "chapter-one-spaces"],
            "model-index": [{"name": "Image classifier taught from a few photos", "results": [{
                "task": {"type": "image-classification"}, "dataset": {"name": "imagefolder", "type": "imagefolder"},
                "metrics": [{"type": "accuracy", "name": f"accuracy ({taught.folds}-fold cross-validation)",
                             "value": round(taught.accuracy, 4)}]}]}]}
    counts = "\n".join(f"| {label} | {n} |" for label, n in taught.counts.items())
    return f"""---
{yaml.safe_dump(meta, sort_keys=False).strip()}
---

# Image classifier taught from a few photos

Labels: {", ".join(taught.labels)}. Taught in the pets Space's "Teach it your own labels" tab (Chapter One
Spaces) from {sum(taught.counts.values())} photos in {taught.seconds.get("total", 0):.1f} s on a CPU.

## How it was made

Transfer learning at its simplest, as in chapter 1: the pets network's ImageNet-pretrained body
(`{config["arch"]}`{f", from {named}" if named else ""}) is kept as it is, and only a new linear head is
learnt. Each photo and its mirror image go through the body once; their {taught.weight.shape[1]} average-pooled
features teach a multinomial logistic regression (balanced class weights, L2 penalty with C = {taught.c}, solved to
its optimum by L-BFGS). The network is the pets network with its head replaced: `model.onnx` answers the logits,
the class activation maps (where it looked) and the features.

## Photos

| label | photos |
|---|---|
{counts}

## Held-out estimate

**{taught.accuracy:.1%}** of the photos labelled right by {taught.folds}-fold cross-validation (stratified by label;
each photo was labelled by a head trained without it and without its mirror image). Few photos make this estimate
rough: with 48 photos one photo is 2 points. Confusion matrix (rows: true label, columns: predicted, in label order):

```json
{json.dumps(taught.confusion.tolist())}
```

## Use it

```bash
PETS_MODEL=path/to/this/folder python spaces/pets/app.py
```

or `shared.tasks.pets.serve.Predictor.load("folder-or-user/repo")`; upload it with
`shared.serving.artifact.push("folder", "user/repo")`. Pickle-free: safetensors weights, an ONNX network, JSON config.
"""
