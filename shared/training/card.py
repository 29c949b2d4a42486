"""The model card: Hugging Face Hub metadata (front matter, through huggingface_hub's ModelCardData and EvalResult)
+ how the model was trained and how well it does."""
from __future__ import annotations

import json

# What the folder holds, as the Hub names it: the network as ONNX (served by ONNX Runtime) beside safetensors
# weights. Not "fastai": the Hub's fastai snippet loads a pickled model.pkl, which these folders never have.
LIBRARY_NAME = "onnx"
NO_DATASET = ("imagefolder", "your own photos")  # a model trained on the user's folder: no Hub dataset


def card_data(title: str, task: str, metrics: dict, datasets: list[str], license: str,
              metric_names: dict[str, str], metric_datasets: dict[str, str | None] | None = None,
              split: str = "validation", base_model: str | None = None, license_name: str | None = None,
              license_link: str | None = None, dataset_names: dict[str, str] | None = None):
    """The card's metadata as huggingface_hub's ModelCardData: one EvalResult per metric that `metric_names` lists,
    filed under its own dataset (`metric_datasets`: metric key -> dataset id, None for a metric over several
    datasets, which stays in the card's table only; default the first dataset) and `split`; the Hub groups them
    into one model-index result per dataset and split."""
    from huggingface_hub import EvalResult, ModelCardData
    metric_datasets = metric_datasets or {}
    dataset_names = dataset_names or {}
    default = datasets[0] if datasets else None
    results = []
    for key, name in metric_names.items():
        value = metrics.get(key)
        dataset = metric_datasets.get(key, default)
        if value is None or (key in metric_datasets and dataset is None):
            continue
        dtype, dname = (dataset, dataset_names.get(dataset, dataset)) if dataset else NO_DATASET
        results.append(EvalResult(task_type=task, dataset_type=dtype, dataset_name=dname, dataset_split=split,
                                  metric_type=key, metric_name=name, metric_value=value))
    return ModelCardData(
        model_name=title, library_name=LIBRARY_NAME, license=license, license_name=license_name,
        license_link=license_link, base_model=base_model, pipeline_tag=task,
        tags=["fastai", "onnx", "safetensors", task, "chapter-one-spaces"],
        datasets=[d for d in datasets if d.count("/") == 1] or None, eval_results=results or None)


def model_card(module: str, title: str, task: str, metrics: dict, datasets: list[str], license: str, command: str,
               config: dict, metric_names: dict[str, str], about: str = "", data_note: str = "",
               extra: str = "", base_model: str | None = None, metric_datasets: dict[str, str | None] | None = None,
               split: str = "validation", license_name: str | None = None, license_link: str | None = None,
               dataset_names: dict[str, str] | None = None) -> str:
    """README.md text for a model folder (huggingface_hub's ModelCard). `metric_names` picks which metrics go into
    the Hub's model-index (see `card_data`); `base_model`: the Hub id of the pretrained weights it was fine-tuned
    from; `license_name` / `license_link` for `license: other`."""
    from huggingface_hub import ModelCard
    data = card_data(title, task, metrics, datasets, license, metric_names, metric_datasets, split, base_model,
                     license_name, license_link, dataset_names)
    rows = "\n".join(f"| {metric_names.get(k, k)} | {v} |" for k, v in metrics.items())
    return str(ModelCard(f"""---
{data.to_yaml()}
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
"""))


def regenerate(folder) -> str:
    """The card of an artifact folder written again from its config.json (training config, metrics, command) by
    the task's current card code, without retraining (training side: imports the task's training module)."""
    import re
    from pathlib import Path

    from shared import tasks
    from shared.serving import artifact
    folder = Path(folder)
    config = artifact.read_config(folder)
    task = tasks.get(config["task"])
    cfg = tasks.get(config["task"], "config").train_config(config["train_config"])
    command = config.get("command")
    if not command:  # older artifacts (a transformer's baseline/) keep it only in their card
        old = (folder / artifact.CARD).read_text() if (folder / artifact.CARD).is_file() else ""
        m = re.search(r"```bash\n(.*?)\n```", old, re.S)
        command = m.group(1) if m else "# (training command not recorded)"
    return task.card(cfg, config.get("metrics", {}), command)


def main(argv=None):
    import argparse
    from pathlib import Path
    p = argparse.ArgumentParser(prog="python -m shared.training.card",
                                description="Write README.md (the model card) of artifact folders again from their "
                                            "config.json, with the current card code (no retraining).")
    p.add_argument("folders", nargs="+")
    p.add_argument("--check", action="store_true", help="only say which cards differ (exit 1 if any)")
    args = p.parse_args(argv)
    stale = []
    for folder in map(Path, args.folders):
        text, path = regenerate(folder), folder / "README.md"
        if path.is_file() and path.read_text() == text:
            continue
        stale.append(str(path))
        if not args.check:
            path.write_text(text)
            print(f"wrote {path}")
    if args.check and stale:
        print("stale: " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
