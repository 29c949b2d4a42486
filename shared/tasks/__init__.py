"""One package per application area, `shared/tasks/<task>/`, each with the same small interface:

- `config.py`: `Config` (every training setting, = the training CLI's flags), `PRESETS`, and the typed serving
  config that config.json holds. No torch.
- `train.py` (fastai, timm, torch), what `shared.training.cli` runs, in this order, once each:
  `learner(cfg)`; `fit(learn, cfg)`; `export(learn, cfg) -> (state_dict, config dict, model.onnx bytes)`: every
  serving choice (a temperature, a threshold, a window, int8 or not) is made inside export or what it calls and
  returned in the config, never left on the learner for later; numbers only the learner can give (fastai's own
  validation loss, a cross-validation run during fit) go in `config["training_metrics"]`, which the CLI moves
  into the card's metrics; then the CLI saves the folder (`shared.training.checkpoint.save`), calls the optional
  `after_save(folder, cfg)` (files kept beside the artifact's own, before it is measured), measures the saved
  folder through the serving Predictor (`shared.training.evaluate.evaluate`) and writes those metrics into
  config.json and the card, `card(cfg, metrics, command) -> str`. Also `build_model(config)` and
  `to_onnx(model, config) -> bytes` (`shared.training.export.servable`: the conversion, for export and for
  re-exporting a saved folder), and `Config` and `PRESETS` for the CLI.
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
