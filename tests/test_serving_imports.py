"""Serving apart from training: every serving module and every Space imports no torch, fastai or timm (history
trains its small networks live in plain numpy). Each is imported in a fresh interpreter, then sys.modules is read."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TASKS = REPO / "shared" / "tasks"
TRAINING_STACK = ("torch", "fastai", "timm", "transformers")
SERVE_MODULES = sorted(f"shared.tasks.{p.parent.name}.{p.stem}" for p in TASKS.glob("*/serve*.py"))
SPACES = sorted(p.parent.name for p in (REPO / "spaces").glob("*/app.py"))
HISTORY_MODULES = sorted(f"shared.tasks.history.{p.stem}" for p in (REPO / "shared" / "tasks" / "history").glob("*.py"))

REPORT = """
import json, sys
{body}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({stack!r}))))
"""


def loaded_training_modules(body: str, cwd: Path = REPO) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    out = subprocess.run([sys.executable, "-c", REPORT.format(body=body, stack=TRAINING_STACK)], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_split_task_has_a_serving_side():
    assert {"pets", "sentiment", "colorize", "recommend"} <= {m.split(".")[2] for m in SERVE_MODULES if m.endswith(".serve")}


@pytest.mark.parametrize("module", SERVE_MODULES)
def test_serve_module_imports_no_training_stack(module):
    assert loaded_training_modules(f"import {module}") == []


@pytest.mark.parametrize("module", HISTORY_MODULES)
def test_history_module_imports_no_training_stack(module):
    assert loaded_training_modules(f"import {module}") == []


def test_history_trains_and_draws_without_the_training_stack():
    "Not only the imports: a network trained and drawn, as the Space's /predict does."
    body = "from shared.tasks.history import experiments as ex; assert ex.two_layers('xor', 4, 300)[0] == 1.0"
    assert loaded_training_modules(body) == []


@pytest.mark.parametrize("space", SPACES)
def test_space_loads_its_model_and_builds_its_ui_without_the_training_stack(space):
    "The whole app module: its imports, its model loaded from the committed artifact, its Blocks built."
    app = REPO / "spaces" / space / "app.py"
    body = f"import runpy; runpy.run_path({str(app)!r}, run_name='app')"
    assert loaded_training_modules(body, cwd=app.parent) == []


def test_the_check_sees_torch_when_it_is_there():
    "The test itself can fail: a module that imports torch is reported."
    assert loaded_training_modules("import torch") == ["torch"]
