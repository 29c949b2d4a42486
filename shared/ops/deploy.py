"""Build self-contained Hugging Face Space bundles and upload them. By default: the whole suite as ONE ZeroGPU
Space, what a free account can host; single Spaces on request.

    python -m shared.ops.deploy --dry-run                       # bundles/chapter-one-spaces/: every Space as one app
    python -m shared.ops.deploy --user you                      # ... created (or updated): you/chapter-one-spaces, ZeroGPU
    python -m shared.ops.deploy --push-models --user you        # ... serving models pushed to you/<space>
    python -m shared.ops.deploy --dry-run --space pets          # only bundles/pets/: one Space alone
    python -m shared.ops.deploy --space pets --model pets=you/my-bears --user you   # one Space, a model of yours
    python -m shared.ops.deploy --dry-run --separate            # bundles/<space>/ for every Space (each its own Space)

A bundle is a folder that runs on its own: `app.py`, the `shared/` package copied in (vendored), a pinned
`requirements.txt` (what the Spaces import, nothing from the test tools: `space_requirements` decides it;
on ZeroGPU hardware, the default, Python at a version ZeroGPU builds), the model files (`model/`) or,
with `--hub-models` / `--model`, a Hub model id the app serves through its `<NAME>_MODEL` variable, the
examples, and a README.md whose front matter configures the Space (licence: the most restrictive of what the
bundle ships; dataset ids with their owner; embed snippets).

Uploading (`shared.ops.deploy_hub`) checks the Hub models first and, on ZeroGPU, that the account has room for the
Spaces it would create (a free account hosts at most 2), then creates or updates each Space: files, model
variables and hardware. The token comes from $HF_TOKEN or the `hf auth login` cache and is never printed.
"""
from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

from shared.ops import deploy_hub, imports
from shared.gallery import app as gallery
from shared.ops.deploy_readme import (LICENCE_KEYS, LICENCE_ORDER, bundle_licence, checked_datasets,  # noqa: F401
                                  checked_meta, front_matter_and_body, hub_url, licence_of, local_links,
                                  personalise, render_readme)

from shared import REPO
SHARED = REPO / "shared"
COMBINED = "chapter-one-spaces"
SDK_VERSION = metadata.version("gradio")  # the Space runs the Gradio the tests ran
PYTHON_VERSION = "{}.{}".format(*sys.version_info[:2])
# torch brings its own CUDA runtime wheels (nvidia-*, triton) at the versions its exact pin requires
LEFT_TO_TORCH = re.compile(r"^(nvidia-|triton$|cuda-)")


class DeployError(RuntimeError):
    """Something the person deploying must fix, with a message that says what."""


# ----------------------------------------------------------------------------------------------- requirements
def _top_level_requirements(path: Path = REPO / "requirements.txt") -> list[str]:
    return [line.split("#")[0].strip() for line in path.read_text().splitlines()
            if line.split("#")[0].strip() and not line.startswith("-")]


@functools.cache
def pinned_requirements(top: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """`name==version` for the runtime requirements and everything they pull in, as installed here.

    Walks the installed distributions' metadata (extras like `gradio[mcp]` included), so the list is the exact
    environment the tests ran against, without the test and notebook tools. Torch's CUDA wheels are left to
    torch's own exact pins (no Space's bundle pins torch); Hugging Face installs gradio itself at the pinned version.
    """
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    top = top if top is not None else _top_level_requirements()
    pins: dict[str, str] = {}
    todo = [(Requirement(line), set(Requirement(line).extras)) for line in top]
    seen: set[tuple[str, frozenset]] = set()
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        if (name, frozenset(extras)) in seen:
            continue
        seen.add((name, frozenset(extras)))
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            if req.specifier and any(s.operator == "==" for s in req.specifier):
                pins[name] = next(s.version for s in req.specifier if s.operator == "==")
            continue
        pins[name] = dist.version
        for dep in dist.requires or []:
            d = Requirement(dep)
            if d.marker and not any(d.marker.evaluate({"extra": e}) for e in (extras or {""})):
                continue
            todo.append((d, set(d.extras)))
    return tuple(f"{n}=={v}" for n, v in sorted(pins.items()) if not LEFT_TO_TORCH.match(n))


# What a Space's serving imports: the web app, the artifact and ONNX Runtime; no torch, fastai or timm.
SERVING_REQUIREMENTS = ("gradio[mcp]", "gradio_client", "huggingface_hub", "safetensors", "onnxruntime", "numpy",
                        "threadpoolctl", "pillow", "spaces")
EXTRA_REQUIREMENTS = {"history": ("matplotlib",  # history's pictures (it trains its networks in plain numpy)
                                  "koreanize-matplotlib"),  # their Korean words: its NanumGothic font files
                      "pets": ("onnx",  # the teach tab writes the taught model.onnx (its head's initializers)
                               "koreanize-matplotlib"),  # its confusion matrix's Korean words: the NanumGothic files
                      "sentiment": ("tokenizers",)}  # the transformer's WordPiece tokenizer

# ZeroGPU builds only with the Python versions its documentation lists (read November 2026: 3.10.13 or 3.12.12);
# onnxruntime and numpy need Python 3.11+, so 3.12.12. It builds only some torch versions too (2.8.0, 2.9.1,
# 2.10.0, 2.11.0; another pin fails with "No candidate PyTorch version found for ZeroGPU"), but no bundle pins
# torch: no Space imports it, and ZeroGPU's `spaces` package runs without it (it imports torch only if present).
ZERO_GPU_PYTHON = "3.12.12"
DEFAULT_HARDWARE = "zero-a10g"  # ZeroGPU: what a free account can create (no CPU Gradio Spaces since July 2026)


def is_zero_gpu(hardware: str | None) -> bool:
    return bool(hardware) and hardware.startswith("zero-")


def space_requirements(names: list[str], hardware: str | None) -> tuple[list[str], str]:
    """What a bundle of these Spaces installs on this hardware: (pinned requirements, Python version).

    The one place that decides it: the serving stack and what these Spaces alone add (never torch, fastai or
    timm), pinned to the versions installed here (the tests' versions); on ZeroGPU hardware Python moves to a
    version ZeroGPU builds."""
    top = tuple(dict.fromkeys([*SERVING_REQUIREMENTS, *(r for n in names for r in EXTRA_REQUIREMENTS.get(n, ()))]))
    return list(pinned_requirements(top)), ZERO_GPU_PYTHON if is_zero_gpu(hardware) else PYTHON_VERSION


def requirements_text(pins: list[str], hardware: str | None) -> str:
    zero = (f"# ZeroGPU: Python {ZERO_GPU_PYTHON} (what ZeroGPU builds); the tests ran Python {PYTHON_VERSION}.\n"
            if is_zero_gpu(hardware) else "")
    return ("# Exact versions of everything the app imports, as tested (python -m shared.ops.deploy).\n" + zero +
            "# No torch: no Space imports it (ZeroGPU's `spaces` package runs without it).\n"
            + "\n".join(pins) + "\n")


# ---------------------------------------------------------------------------------------------- Space facts
def model_variable(name: str) -> str | None:
    "The environment variable the Space reads its model source from (`ui.model_source(\"PETS_MODEL\", ...)`)."
    m = re.search(r"model_source\(\s*[\"'](\w+)[\"']", (gallery.SPACES / name / "app.py").read_text())
    return m.group(1) if m else None


PREAMBLE = '''# --- added by `python -m shared.ops.deploy` -------------------------------------------------------------
import os  # noqa: E402
{models}if os.environ.get("SPACES_ZERO_GPU"):
    import spaces  # noqa: F401  ZeroGPU wants `spaces` imported before torch touches CUDA
# ------------------------------------------------------------------------------------------------------
'''
DEPLOYED = '''# The model each Space was deployed to serve (None: its model/ folder). It wins over a Space variable left
# from an earlier deploy (the deploy updates the variables too); redeploy with --model to serve another.
for _var, _model in {models!r}.items():
    if os.environ.get(_var) not in (None, "", _model):
        print(f"shared.ops.deploy: ignoring {{_var}}={{os.environ[_var]!r}}: this Space was deployed to serve "
              f"{{_model or 'its model/ folder'}}", flush=True)
    if _model:
        os.environ[_var] = _model
    else:
        os.environ.pop(_var, None)
'''


def preamble(models: dict[str, str | None]) -> str:
    "`models`: the model variable of each Space in the bundle -> its Hub model, or None for its model/ folder."
    return PREAMBLE.format(models=DEPLOYED.format(models=models) if models else "")


def with_preamble(app_source: str, models: dict[str, str]) -> str:
    "Insert the preamble after the module docstring and any `from __future__` imports (which must come first)."
    m = re.match(r'(\s*(?:(?:"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\')\s*\n)?(?:from __future__ import [^\n]*\n\s*)*)',
                 app_source)
    head = m.group(1) if m else ""
    return head + preamble(models) + app_source[len(head):]


# ------------------------------------------------------------------------------------------------- bundles
def bundle_modules(*starts: Path) -> dict[str, Path]:
    """The package's modules a bundle carries: the starting files and every module they import, at any depth
    (`shared.ops.imports.closure`): the serving core and the Spaces' own serving files, no training, no ops."""
    start = {imports.module_name(p): Path(p) for p in starts if SHARED in Path(p).resolve().parents}
    return {**start, **imports.closure(*starts)}


def copy_shared(dest: Path, *starts: Path):
    """The modules `bundle_modules(*starts)` names, copied to dest/shared/..., with the data files that sit beside
    them (pets' imagenet_ko.tsv); nothing else of the package."""
    modules = [p.resolve() for p in bundle_modules(*starts).values()]
    data = {f for folder in {p.parent for p in modules} for f in folder.iterdir()
            if f.is_file() and f.suffix not in (".py", ".pyc", ".pyi")}
    for path in [*modules, *sorted(data)]:
        target = dest / path.relative_to(REPO.resolve())
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def copy_space_files(name: str, dest: Path, hub_model: str | None):
    "app.py's folder minus tests output: examples, thumbnail, model/ (unless the model comes from the Hub)."
    src = gallery.SPACES / name
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "flagged", ".gradio",
                                    *(["model"] if hub_model else []))
    shutil.copytree(src, dest, ignore=ignore, dirs_exist_ok=True)
    leave_out_unread_weights(dest)


def serving_reads_weights(config: dict) -> bool:
    """Whether serving this model reads its model.safetensors (beyond the header): colorize and the sentiment
    transformer run model.onnx alone; the n-gram baseline (its words' pushes), recommend (the movie vectors) and pets
    (the teach tab's base weights) read the arrays."""
    return not (config.get("task") == "colorize" or config.get("arch") == "minilm")


def leave_out_unread_weights(space_folder: Path):
    """A bundle carries what its Space reads: the weights of a model whose serving never reads them stay out (the
    repo's spaces/<name>/model, or its Hub model, keeps the whole artifact); config.json says so."""
    for config_path in (space_folder / "model").glob("**/config.json"):
        config = json.loads(config_path.read_text())
        weights = config_path.parent / "model.safetensors"
        if weights.is_file() and not serving_reads_weights(config):
            weights.unlink()
            config["weights_left_out"] = ("python -m shared.ops.deploy: this Space serves model.onnx alone; the weights "
                                          "are in the project's spaces/<name>/model (or its Hub model)")
            config_path.write_text(json.dumps(config, indent=2) + "\n")


def check_model(name: str, folder: Path, hub_model: str | None):
    var = model_variable(name)
    if var and not hub_model and not (folder / "model" / "config.json").is_file():
        raise DeployError(f"spaces/{name}/model/ has no trained model: train it (python -m shared.training ...) "
                          f"or point the bundle at a Hub model with --model {name}=USER/REPO")


# ------------------------------------------------------------------------------------- README metadata
def licence_parts(name: str, prefix: str, hub_model: str | None) -> list[tuple[str, dict]]:
    "What one Space adds to a bundle, with its licence: its app and files, and its model/ unless it is on the Hub."
    space = licence_of(gallery.SPACES / name / "README.md", prefix)
    parts = [(f"`{prefix}` (the app and its examples)" if prefix else "`app.py`, `shared/` and the examples", space)]
    if model_variable(name) and not hub_model:
        model = licence_of(gallery.SPACES / name / "model" / "README.md", prefix + "model/") or space
        if model.get("license") == "other" and not model.get("license_name") and space.get("license") == "other":
            model = space  # the model card says "other"; the Space's README names those terms
        parts.append((f"`{prefix}model/` (the {name} model; see its model card)", model))
    return parts


def space_bundle(name: str, out: Path, user: str | None, hub_model: str | None, hardware: str | None) -> Path:
    "bundles/<name>/: the Space alone."
    dest = out / name
    if dest.exists():
        shutil.rmtree(dest)
    copy_space_files(name, dest, hub_model)
    check_model(name, dest, hub_model)
    copy_shared(dest, gallery.SPACES / name / "app.py")
    var = model_variable(name)
    (dest / "app.py").write_text(with_preamble((gallery.SPACES / name / "app.py").read_text(),
                                               {var: hub_model} if var else {}))
    pins, python = space_requirements([name], hardware)
    meta, body = front_matter_and_body(gallery.SPACES / name / "README.md")
    meta = checked_datasets(checked_meta(meta, f"spaces/{name}/README.md"), f"spaces/{name}/README.md")
    licence, licence_notes = bundle_licence(licence_parts(name, "", hub_model))
    meta = {k: v for k, v in meta.items() if k not in LICENCE_KEYS}
    meta.update(sdk="gradio", sdk_version=SDK_VERSION, python_version=python, app_file="app.py", **licence)
    meta.setdefault("title", name)
    if hardware:
        meta["suggested_hardware"] = hardware
    if hub_model:
        meta["models"] = [hub_model.split("@")[0]]
    body = (local_links(body, dest) + mcp_section(name, [name], combined=False)
            + model_section({name: (var, hub_model)}) + licence_notes)
    (dest / "README.md").write_text(personalise(render_readme(meta, body), user))
    (dest / "requirements.txt").write_text(requirements_text(pins, hardware))
    return dest


def model_section(models: dict[str, tuple[str | None, str | None]]) -> str:
    lines = ["", "## Model source", ""]
    for name, (var, hub) in models.items():
        if not var:
            lines.append(f"- `{name}`: no trained model (the Space computes its answers directly).")
        elif hub:
            lines.append(f"- `{name}`: the Hub model `{hub}` (the deploy sets it in `app.py` and in the Space "
                         f"variable `{var}`; redeploy with `--model {name}=USER/REPO` to serve another).")
        else:
            lines.append(f"- `{name}`: the model files in `{'spaces/' + name + '/' if len(models) > 1 else ''}model/` "
                         f"(redeploy with `--model {name}=USER/REPO[@REVISION]` to serve a Hub model instead).")
    return "\n".join(lines) + "\n"


def endpoints(name: str) -> list[str]:
    """The named API endpoints of a Space, as its app.py and the task modules it imports declare them
    (`api_name="..."`; the pets Space's teach tab lives in shared/tasks/pets/teach/ui.py), `predict` first."""
    app = gallery.SPACES / name / "app.py"
    sources = [app.read_text()] + [path.read_text() for module, path in imports.closure(app).items()
                                   if module.startswith("shared.tasks.")]
    found = [e for text in sources for e in re.findall(r"api_name=[\"'](\w+)[\"']", text)]
    return sorted(dict.fromkeys(found), key=lambda e: e != "predict")


def mcp_tools(repo_name: str, names: list[str], combined: bool) -> list[str]:
    """The MCP tool names Gradio serves on the Hugging Face Space `USER/repo_name`: there (SPACE_ID set) it puts the
    Space's name in front of each endpoint's function name (the gallery names each function after its endpoint,
    `pets_predict`) and turns anything but letters and digits into `_` (gradio.mcp)."""
    tools = [f"{repo_name}_{gallery.api_name(n, e) if combined else e}" for n in names for e in endpoints(n)]
    return [re.sub(r"[^a-zA-Z0-9]", "_", t) for t in tools]


def mcp_section(repo_name: str, names: list[str], combined: bool) -> str:
    tools = ", ".join(f"`{t}`" for t in mcp_tools(repo_name, names, combined))
    return ("\n## MCP tools on this Space\n\nOn Hugging Face, Gradio puts the Space's name in front of every MCP tool "
            f"(the API endpoints keep their names): this Space's tools are {tools}.\n")


COMBINED_APP = '''"""Chapter One Spaces: every Space of the suite as ONE Gradio app (a landing page at /, each Space at /<name>).

Built by `python -m shared.ops.deploy`; runs as one Hugging Face Space (ZeroGPU: `shared.gallery.app` calls `launch()`,
which is where the `spaces` package checks in with ZeroGPU).
"""
{preamble}
from shared.gallery import app as gallery  # noqa: E402

if __name__ == "__main__":
    gallery.main()
'''

COMBINED_README = """# Chapter One Spaces

The demos of chapter 1 of *Deep Learning for Coders with fastai & PyTorch* as one Space: a landing page with a
card per demo, each demo on its own page. It is one Gradio app, so one API and one MCP server serve them all,
each endpoint named after its demo.

| demo | page | API endpoints | what it does |
|---|---|---|---|
{rows}

## Hardware: ZeroGPU

A free Hugging Face account can no longer create CPU Gradio Spaces and may host at most two ZeroGPU Spaces, so
this one Space hosts the whole suite. `python -m shared.ops.deploy` (its default) creates it on ZeroGPU (`zero-a10g`)
and sets the hardware again on every redeploy; by hand: *Settings → Space hardware → ZeroGPU*
(`suggested_hardware` is only a hint for people who duplicate the Space). Every demo serves on the Space's CPU
(ONNX Runtime, numpy), so no demo function asks ZeroGPU for a GPU and a visitor's click spends none of their
daily GPU quota; ZeroGPU starts a Space only once one `spaces.GPU` function is registered, so one that no
endpoint calls is (`shared.serving.ui.zero_gpu_startup`, 5 s). The requirements pin Python {python}, a version ZeroGPU
builds, and no torch: no demo imports it (ZeroGPU's `spaces` package runs without it).

## API and MCP

```python
from gradio_client import Client
client = Client("{url}/")
print(client.view_api())   # every demo's endpoints: {first}_predict, ...
```

MCP server: `{url}/gradio_api/mcp/`. On Hugging Face, Gradio puts the Space's name in front of every tool (not
of the API endpoints): {tools}.
{embed}
"""


def combined_bundle(names: list[str], out: Path, user: str | None, hub_models: dict[str, str],
                    hardware: str | None, repo_name: str = COMBINED) -> Path:
    "bundles/chapter-one-spaces/: app.py serving the gallery, shared/, spaces/<name>/ for every Space."
    dest = out / repo_name
    if dest.exists():
        shutil.rmtree(dest)
    models, rows, tags, model_ids, datasets, parts = {}, [], ["chapter-one-spaces", "mcp-server"], [], [], []
    for name in names:
        hub = hub_models.get(name)
        copy_space_files(name, dest / "spaces" / name, hub)
        check_model(name, dest / "spaces" / name, hub)
        var = model_variable(name)
        models[name] = (var, hub)
        if hub:
            model_ids.append(hub.split("@")[0])
        card = gallery.card(name)
        api = ", ".join(f"`{gallery.api_name(name, e)}`" for e in endpoints(name))
        rows.append(f"| {card['emoji']} {card['title']} | `/{name}` | {api} | {card['what']} |")
        tags += [t for t in card["tags"] if t not in tags]
        where = f"spaces/{name}/README.md"
        datasets += [d for d in checked_datasets(gallery.front_matter(name), where)["datasets"] if d not in datasets]
        parts += licence_parts(name, f"spaces/{name}/", hub)
    copy_shared(dest, SHARED / "gallery" / "app.py", *(gallery.SPACES / name / "app.py" for name in names))
    (dest / "app.py").write_text(COMBINED_APP.format(
        preamble=preamble({var: hub for var, hub in models.values() if var})))
    pins, python = space_requirements(names, hardware)
    licence, licence_notes = bundle_licence(parts)
    repo_id = f"{user or 'YOUR-NAME'}/{repo_name}"
    url = hub_url(repo_id)
    meta = {"title": "Chapter One Spaces", "emoji": "📘", "colorFrom": "yellow", "colorTo": "indigo",
            "sdk": "gradio", "sdk_version": SDK_VERSION, "python_version": python, "app_file": "app.py",
            "pinned": False, **licence, "suggested_hardware": hardware or DEFAULT_HARDWARE,
            "short_description": "Every demo of chapter 1 of fastbook in one Space",
            "tags": tags, "models": sorted(set(model_ids)), "datasets": datasets}
    first = names[0] if names else "pets"
    body = COMBINED_README.format(rows="\n".join(rows), url=url, first=first, python=python,
                                  embed=embed_markdown(f"{url}/{gallery.embed_path(first).rstrip('/')}"),
                                  tools=", ".join(f"`{t}`" for t in mcp_tools(repo_name, names, combined=True)))
    body += model_section(models) + licence_notes
    (dest / "README.md").write_text(personalise(render_readme(meta, local_links(body, dest)), user))
    (dest / "requirements.txt").write_text(requirements_text(pins, hardware))
    return dest


def embed_markdown(page_url: str, app_url: str | None = None) -> str:
    "The embed snippets: an iframe of one Space, Gradio's web component of it (the suite: one Space alone)."
    return ("\n## Embed\n\n```html\n" + gallery.embed_iframe(page_url) + "\n```\n\n```html\n"
            + gallery.embed_component(app_url or page_url) + "\n```\n")


# ----------------------------------------------------------------------------------------------------- CLI
def parse_models(items: list[str], names: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, repo = item.partition("=")
        if not sep or name not in names or repo.count("/") != 1:
            raise DeployError(f"--model {item!r}: expected NAME=USER/REPO[@REVISION] with NAME one of {names}")
        out[name] = repo
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m shared.ops.deploy", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dry-run", action="store_true", help="write the bundle folders, upload nothing")
    p.add_argument("--out", default=str(REPO / "bundles"), help="where the bundle folders go (default bundles/)")
    p.add_argument("--space", action="append", default=[], metavar="NAME",
                   help="this Space alone, as its own Space (repeatable); default: every Space in ONE combined Space")
    p.add_argument("--combined", action="store_true",
                   help="one Space serving every app (the default; with --space: serving those Spaces)")
    p.add_argument("--separate", action="store_true",
                   help="every Space (or each --space) as its own Space, instead of the combined one")
    p.add_argument("--user", help="Hub user or organisation (default: the token's owner)")
    p.add_argument("--name", default=COMBINED, help=f"repo name of the combined Space (default {COMBINED})")
    p.add_argument("--hub-models", action="store_true",
                   help="serve USER/<space> Hub models instead of copying model/ into the bundles "
                        "(checked on the Hub before any Space is created)")
    p.add_argument("--push-models", action="store_true",
                   help="first push every Space's model/ folder to USER/<space> (implies --hub-models)")
    p.add_argument("--model", action="append", default=[], metavar="NAME=REPO",
                   help="serve this Hub model (user/repo[@revision]) in Space NAME instead of its model/")
    p.add_argument("--hardware", default=DEFAULT_HARDWARE,
                   help=f"Space hardware, set at creation and on every redeploy (default {DEFAULT_HARDWARE}, "
                        "ZeroGPU: Python pinned to a version it builds; e.g. cpu-basic for the tested Python)")
    p.add_argument("--private", action="store_true", help="create private Spaces")
    args = p.parse_args(argv)

    all_names = gallery.space_names()
    names = args.space or all_names
    try:
        unknown = sorted(set(names) - set(all_names))
        if unknown:
            raise DeployError(f"no such Space {unknown}; the Spaces are {all_names}")
        user = args.user
        if not args.dry_run and not user:
            user = deploy_hub.whoami()
        hub_names = [n for n in names if (args.hub_models or args.push_models) and model_variable(n)]
        if hub_names and not user:
            raise DeployError("--hub-models needs --user (the Hub namespace of the models)")
        hub_models = {n: f"{user}/{n}" for n in hub_names}
        hub_models.update(parse_models(args.model, names))
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        built: list[tuple[Path, str, dict[str, str | None]]] = []
        separate = args.separate or (bool(args.space) and not args.combined)
        if separate:
            for name in names:
                folder = space_bundle(name, out, user, hub_models.get(name), args.hardware)
                var = model_variable(name)
                built.append((folder, name, {var: hub_models.get(name)} if var else {}))
        else:
            folder = combined_bundle(names, out, user, hub_models, args.hardware, args.name)
            built.append((folder, args.name, {model_variable(n): hub_models.get(n) for n in names
                                              if model_variable(n)}))
        for folder, _, _ in built:
            size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6
            print(f"bundle {folder}  ({size:.1f} MB)")
        plan = [f"{user or 'YOUR-NAME'}/{repo_name}" for _, repo_name, _ in built]
        print(f"plan: {len(plan)} Space{'s' if len(plan) != 1 else ''} on {args.hardware}: {', '.join(plan)}")
        if args.dry_run:
            print(json.dumps({"bundles": [str(f) for f, _, _ in built], "spaces": plan, "hardware": args.hardware}))
            return 0
        if is_zero_gpu(args.hardware):  # a free account hosts at most 2 ZeroGPU Spaces: said before anything is made
            deploy_hub.check_zero_gpu_room(user, [f"{user}/{repo_name}" for _, repo_name, _ in built])
        if args.push_models:
            deploy_hub.push_models({n: (gallery.SPACES / n / "model", f"{user}/{n}") for n in hub_names})
        deploy_hub.check_models(hub_models)  # before any Space is created
        for folder, repo_name, variables in built:
            url = deploy_hub.upload(folder, f"{user}/{repo_name}", hardware=args.hardware, private=args.private,
                                    variables=variables)
            print(f"uploaded {folder} -> {url}  (app: {hub_url(user + '/' + repo_name)})")
        return 0
    except DeployError as e:
        print(f"deploy: {e}", file=sys.stderr)
        return 2
    except (deploy_hub.PaymentRequired, deploy_hub.MissingModels, deploy_hub.NoRoom) as e:
        print(f"deploy: {e}", file=sys.stderr)
        return 3
    except deploy_hub.HubError as e:
        print(f"deploy: the upload to the Hugging Face Hub failed ({e}). The bundles are in {args.out}; "
              "check the network, HF_TOKEN or `hf auth login`, and try again.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
