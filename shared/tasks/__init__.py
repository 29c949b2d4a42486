"""One module per application area, each with the same small interface:

- `Config`: a dataclass of every training setting, `PRESETS`: named overrides (`cpu`, `gpu`, `tiny`).
- `learner(cfg)`: data + fastai learner.  `fit(learn, cfg)`: the training schedule.
- `evaluate(learn, cfg)`: metrics on validation data.  `export(learn, cfg)`: (state_dict, config dict).
- `card(cfg, metrics, command)`: the model card text.  `Predictor.load(source)`: the lean serving path.
"""
from importlib import import_module
from pathlib import Path

NAMES = tuple(sorted(p.stem for p in Path(__file__).parent.glob("*.py") if not p.stem.startswith("_")))


def get(name: str):
    if name not in NAMES:
        raise KeyError(f"unknown task {name!r}; known: {', '.join(NAMES)}")
    return import_module(f"shared.tasks.{name}")
