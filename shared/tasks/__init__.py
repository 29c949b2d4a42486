"""One package per application area, `shared/tasks/<task>/`, each with the same small interface:

- `config.py`: `Config` (every training setting, = the training CLI's flags), `PRESETS`, and the typed serving
  config that config.json holds. No torch.
- `train.py` (fastai, timm, torch): `learner(cfg)`, `fit(learn, cfg)`, `evaluate(learn, cfg)`,
  `export(learn, cfg) -> (state_dict, config dict)`, `build_model(config)`, `to_onnx(model, config) -> bytes`,
  `card(cfg, metrics, command)`; it also offers `Config` and `PRESETS` to `shared.train`.
- `serve.py`: `Predictor.load(source)`, the serving path: onnxruntime, numpy, PIL; never torch, fastai, timm.
- `evaluate.py`: `evaluate(predictor, limit=0, **options) -> metrics`, what the card reports, measured through
  the serving Predictor (`python -m shared.evaluate TASK MODEL`).

Serving code imports `shared.tasks.<task>.serve` directly; `get(name)` is the training side.
"""
from importlib import import_module
from pathlib import Path

_HERE = Path(__file__).parent
NAMES = tuple(sorted({p.parent.name for p in _HERE.glob("*/__init__.py") if not p.parent.name.startswith("_")}
                     | {p.stem for p in _HERE.glob("*.py") if not p.stem.startswith("_")}))


def get(name: str):
    "The training side of task `name` (its `train` module; a task not yet split into a package: the module)."
    if name not in NAMES:
        raise KeyError(f"unknown task {name!r}; known: {', '.join(NAMES)}")
    if (_HERE / name / "__init__.py").is_file():
        return import_module(f"shared.tasks.{name}.train")
    return import_module(f"shared.tasks.{name}")
