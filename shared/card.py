"""The model card: Hugging Face Hub metadata (front matter) + how the model was trained and how well it does."""
from __future__ import annotations

import json

import yaml


def model_card(module: str, title: str, task: str, metrics: dict, datasets: list[str], license: str, command: str,
               config: dict, metric_names: dict[str, str], about: str = "", data_note: str = "",
               extra: str = "", base_model: str | None = None) -> str:
    """README.md text for a model folder. `metric_names` picks which metrics go into the Hub's model-index;
    `base_model`: the Hub id of the pretrained weights it was fine-tuned from."""
    results = [{"type": key, "name": name, "value": metrics[key]}
               for key, name in metric_names.items() if metrics.get(key) is not None]
    dataset = datasets[0] if datasets else "imagefolder"  # no Hub dataset: the trainer's own folder
    meta = {"library_name": "fastai", "license": license, **({"base_model": base_model} if base_model else {}),
            "pipeline_tag": task,
            "tags": ["fastai", task, "chapter-one-spaces"], **({"datasets": datasets} if datasets else {}),
            "model-index": [{"name": title, "results": [{"task": {"type": task},
                                                         "dataset": {"name": dataset, "type": dataset},
                                                         "metrics": results}]}]}
    rows = "\n".join(f"| {metric_names.get(k, k)} | {v} |" for k, v in metrics.items())
    return f"""---
{yaml.safe_dump(meta, sort_keys=False).strip()}
---

# {title}

{about.strip()}

## Training

Trained from this project's shared training CLI:

```bash
{command}
```

## Results (held-out validation data)

| metric | value |
|---|---|
{rows}
{extra}
## Data

{data_note.strip()}

## Config

```json
{json.dumps(config, indent=2)}
```

Pickle-free: `model.safetensors` holds the weights, `model.onnx` the network as it is served (ONNX Runtime),
and `config.json` everything needed to rebuild the network and its pre- and post-processing. Load it with
`shared.tasks.{module}.serve.Predictor.load("folder-or-user/repo[@revision]")`.
"""
