"""One package per application area, `shared/tasks/<task>/`, each with the same small interface:

- `config.py`: `Config` (every training setting, = the training CLI's flags), `PRESETS`, and the typed serving
  config that config.json holds. No torch.
- `train.py` (fastai, timm, torch): `learner(cfg)`, `fit(learn, cfg)`, `evaluate(learn, cfg)`,
  `export(learn, cfg) -> (state_dict, config dict)`, `build_model(config)`, `to_onnx(model, config) -> bytes`,
  `card(cfg, metrics, command)`; it also offers `Config` and `PRESETS` to `shared.training.cli`.
- `serve.py`: `Predictor.load(source)`, the serving path: onnxruntime, numpy, PIL; never torch, fastai, timm.
- `evaluate.py`: `evaluate(predictor, limit=0, **options) -> metrics`, what the card reports, measured through
  the serving Predictor (`python -m shared.training.evaluate TASK MODEL`).

Serving code imports `shared.tasks.<task>.serve` directly; `get(name)` is the training side.
"""
from importlib import import_module

NAMES = ("colorize", "pets", "recommend", "sentiment")  # the tasks that train a model (history trains live)
PARTS = ("train", "serve", "evaluate", "card", "config")


def get(name: str, part: str = "train"):
    "Module `part` of task `name` (its training side by default): the project's one import by name."
    if name not in NAMES:
        raise KeyError(f"unknown task {name!r}; known: {', '.join(NAMES)}")
    if part not in PARTS:
        raise KeyError(f"unknown part {part!r} of a task; known: {', '.join(PARTS)}")
    return import_module(f"shared.tasks.{name}.{part}")
