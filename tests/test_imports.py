"""The layout's rules, read from the source (ast, shared.ops.imports): one way through, serving apart from training.

- no import cycle among the package's modules;
- the serving side (the serving core, the gallery, every Space's app and everything they import, at any depth,
  lazy imports included) imports nothing from shared.training or shared.ops, and no module of it imports the
  training stack (torch, fastai, timm, transformers, accelerate);
- the serving core imports only the serving core;
- no project module is imported by a name built at run time, except by the task registry (shared.tasks.get);
- a Space's bundle carries exactly those modules.
"""
import ast
import textwrap
from pathlib import Path

import pytest

from shared.ops import deploy, imports

REPO = Path(__file__).resolve().parent.parent
APPS = sorted((REPO / "spaces").glob("*/app.py"))
GALLERY = REPO / "shared" / "gallery" / "app.py"
OFF_LIMITS = ("shared.training", "shared.ops")


def training_side(name: str, path: Path) -> bool:
    return name.startswith(OFF_LIMITS) or bool(imports.third_party(path) & set(imports.TRAINING_STACK))


def serving_violations(*starts: Path, root: Path = REPO) -> list[str]:
    found = imports.closure(*starts, root=root)
    return sorted(name for name, path in found.items() if training_side(name, path))


def test_no_import_cycle():
    assert imports.cycles() == []


@pytest.mark.parametrize("app", [*APPS, GALLERY], ids=lambda p: p.parent.name)
def test_the_serving_side_imports_no_training_and_no_ops(app):
    assert serving_violations(app) == []


def test_the_serving_core_imports_only_the_serving_core():
    core = {n: p for n, p in imports.modules().items() if n.startswith("shared.serving")}
    outside = {n for n in imports.closure(*core.values()) if not n.startswith("shared.serving") and n != "shared"}
    assert outside == set()
    assert not any(imports.third_party(p) & set(imports.TRAINING_STACK) for p in core.values())


def test_only_the_task_registry_imports_by_name():
    by_name = []
    for name, path in imports.modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if called in ("import_module", "__import__"):
                    by_name.append(name)
    assert by_name == ["shared.tasks"]


def test_the_checks_can_fail(tmp_path):
    "A made-up tree with a cycle, a serving module that imports training lazily, and one that imports torch."
    files = {
        "shared/__init__.py": "",
        "shared/serving/__init__.py": "",
        "shared/serving/ui.py": "def f():\n    from shared.training import export\n",
        "shared/serving/a.py": "from shared.serving import b\n",
        "shared/serving/b.py": "from . import a\nimport torch\n",
        "shared/training/__init__.py": "",
        "shared/training/export.py": "",
        "app.py": "from shared.serving import ui, a\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text))
    assert imports.cycles(tmp_path) == [["shared.serving.a", "shared.serving.b", "shared.serving.a"]]
    assert serving_violations(tmp_path / "app.py", root=tmp_path) == ["shared.serving.b", "shared.training",
                                                                       "shared.training.export"]


@pytest.mark.parametrize("space", ["pets", "history"])
def test_a_space_bundle_carries_its_serving_modules_only(space, tmp_path):
    folder = deploy.space_bundle(space, tmp_path, None, None, None)
    carried = sorted(imports.module_name(p, folder) for p in (folder / "shared").rglob("*.py"))
    assert carried == sorted(deploy.bundle_modules(REPO / "spaces" / space / "app.py"))
    assert not [m for m in carried if m.startswith(OFF_LIMITS)]
    others = {"pets", "sentiment", "colorize", "recommend", "history"} - {space}
    assert not [m for m in carried if m.split(".")[2:3] and m.split(".")[2] in others and m.startswith("shared.tasks")]
    for path in (folder / "shared").rglob("*.py"):
        assert not imports.third_party(path) & set(imports.TRAINING_STACK), path
