"""The project's import graph, read statically (ast): which of our modules each module or Space imports.

    python -m shared.ops.imports spaces/pets/app.py     # the modules the pets Space's bundle must carry

Every `import` counts, at the top of a file or inside a function: a lazy import is still a dependency of the
bundle that may run it. The layout's rule (tests/test_imports.py): the serving side (`shared.serving`, the gallery,
each task's serving modules) imports nothing from `shared.training` or `shared.ops`, and no module imports a
project module by a name built at run time, except the task registry `shared.tasks.get`.
"""
from __future__ import annotations

import ast
import sys
from functools import lru_cache
from pathlib import Path

from shared import REPO

PACKAGE = "shared"
TRAINING_STACK = ("torch", "fastai", "timm", "transformers", "accelerate")


def module_name(path: Path, root: Path = REPO) -> str:
    "shared/tasks/pets/serve.py -> shared.tasks.pets.serve (a package's __init__.py -> the package)."
    parts = list(Path(path).resolve().relative_to(root.resolve()).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=None)
def modules(root: Path = REPO) -> dict[str, Path]:
    "Every module of the package: {dotted name: file}."
    return {module_name(p, root): p for p in sorted((root / PACKAGE).rglob("*.py")) if "__pycache__" not in p.parts}


@lru_cache(maxsize=None)
def _tree(path: Path) -> ast.Module:
    "The file's syntax tree, parsed once however many questions are asked of it."
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imports(path: Path, name: str) -> list[tuple[str, int]]:
    "(imported dotted name, line) for every import in the file, relative ones resolved."
    tree = _tree(Path(path).resolve())
    package = name if Path(path).name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, node.lineno))
            found += [(f"{module}.{a.name}", node.lineno) for a in node.names]  # `from pkg import module`
    return found


@lru_cache(maxsize=None)
def edges(path: Path, root: Path = REPO) -> tuple[str, ...]:
    "The project modules that the file at `path` imports (an app.py outside the package too)."
    path = Path(path).resolve()
    inside = (root / PACKAGE).resolve() in path.parents
    name = module_name(path, root) if inside else "__main__"
    known = modules(root)
    out = set()
    for imported, _ in _imports(path, name):
        if imported in known:
            out.add(imported)
        elif imported.rpartition(".")[0] in known and imported.split(".")[0] == PACKAGE:
            out.add(imported.rpartition(".")[0])  # `from shared.x import function`
    for m in list(out):  # importing shared.a.b runs shared/__init__.py and shared/a/__init__.py first
        parts = m.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)) if ".".join(parts[:i]) in known)
    out.discard(name)
    return tuple(sorted(out))


def third_party(path: Path) -> set[str]:
    "The top-level names of every module the file imports that is not ours."
    return {m.split(".")[0] for m, _ in _imports(Path(path), "__main__") if m and m.split(".")[0] != PACKAGE}


def closure(*paths: Path, root: Path = REPO) -> dict[str, Path]:
    "Every project module reachable from the given files through any import: {name: file}."
    known = modules(root)
    seen: dict[str, Path] = {}
    todo = [m for p in paths for m in edges(Path(p), root)]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen[m] = known[m]
            todo += edges(known[m], root)
    return dict(sorted(seen.items()))


def graph(root: Path = REPO) -> dict[str, tuple[str, ...]]:
    return {name: edges(path, root) for name, path in modules(root).items()}


def cycles(root: Path = REPO) -> list[list[str]]:
    "Import cycles among the package's modules (each one a list of names, first = last), found by depth-first search."
    g, found, state = graph(root), [], {}

    def visit(m, stack):
        state[m] = "open"
        stack.append(m)
        for n in g.get(m, ()):
            if n.startswith(m + "."):
                continue  # a package's __init__ importing its own submodule is not a cycle Python trips on
            if state.get(n) == "open":
                found.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n, stack)
        stack.pop()
        state[m] = "done"

    for m in g:
        if m not in state:
            visit(m, [])
    return found


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["spaces/pets/app.py"]:
        for name, path in closure(Path(arg)).items():
            print(name, path.relative_to(REPO))
