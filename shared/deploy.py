"""Build self-contained Hugging Face Space bundles, one per Space and one for the whole suite, and upload them.

    python -m shared.deploy --dry-run                       # bundles/<space>/ for every Space + bundles/chapter-one-spaces/
    python -m shared.deploy --dry-run --space pets          # only bundles/pets/
    python -m shared.deploy --dry-run --combined            # only the whole suite as ONE Space
    python -m shared.deploy --user you                      # build, then create + upload every Space on the Hub
    python -m shared.deploy --user you --combined --hub-models   # one Space, models read from you/<space> repos

A bundle is a folder that runs on its own: `app.py`, the `shared/` package copied in (vendored), a pinned
`requirements.txt` (the exact installed versions of what the Spaces import, nothing from the test tools),
the model files (`model/`) or, with `--hub-models` / `--model`, a Hub model id the app reads through its
`<NAME>_MODEL` variable, the examples, and a README.md whose front matter configures the Space.

The upload uses `huggingface_hub.create_repo(repo_type="space", space_sdk="gradio")` and `upload_folder`;
the token comes from $HF_TOKEN or the `hf auth login` cache and is never printed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

import yaml

from shared import gallery

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(__file__).resolve().parent
COMBINED = "chapter-one-spaces"
SDK_VERSION = metadata.version("gradio")  # the Space runs the Gradio the tests ran
PYTHON_VERSION = "{}.{}".format(*sys.version_info[:2])
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".pytest_cache", "*.log")
# torch brings its own CUDA runtime wheels (nvidia-*, triton) at the versions its exact pin requires
LEFT_TO_TORCH = re.compile(r"^(nvidia-|triton$|cuda-)")


class DeployError(RuntimeError):
    """Something the person deploying must fix, with a message that says what."""


# ----------------------------------------------------------------------------------------------- requirements
def _top_level_requirements(path: Path = REPO / "requirements.txt") -> list[str]:
    return [line.split("#")[0].strip() for line in path.read_text().splitlines()
            if line.split("#")[0].strip() and not line.startswith("-")]


def pinned_requirements(top: list[str] | None = None) -> list[str]:
    """`name==version` for the runtime requirements and everything they pull in, as installed here.

    Walks the installed distributions' metadata (extras like `gradio[mcp]` included), so the list is the exact
    environment the tests ran against, without the test and notebook tools. Torch's CUDA wheels are left to
    torch's own exact pins; Hugging Face installs torch and gradio themselves at these same versions.
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
    return [f"{n}=={v}" for n, v in sorted(pins.items()) if not LEFT_TO_TORCH.match(n)]


# What a Space's serving imports: the web app, the artifact and ONNX Runtime; no torch, fastai or timm.
SERVING_REQUIREMENTS = ("gradio[mcp]", "gradio_client", "huggingface_hub", "safetensors", "onnxruntime", "numpy",
                        "pillow", "spaces")
EXTRA_REQUIREMENTS = {"history": ("torch", "matplotlib")}  # history trains small networks live, in torch


def space_requirements(name: str) -> list[str]:
    """Top-level requirements of one Space's bundle (`pinned_requirements` pins them and what they pull in):
    the serving stack and what that Space alone adds. A task not yet split into a serving side
    (shared/tasks/<name>.py) still serves through torch: it gets the whole requirements.txt."""
    if (REPO / "shared" / "tasks" / f"{name}.py").is_file():
        return _top_level_requirements()
    return [*SERVING_REQUIREMENTS, *EXTRA_REQUIREMENTS.get(name, ())]


def requirements_text(pins: list[str]) -> str:
    return ("# Exact versions of everything the app imports, as tested (python -m shared.deploy).\n"
            "# torch's CUDA wheels follow from its pin; on ZeroGPU, Hugging Face provides `spaces`.\n"
            + "\n".join(pins) + "\n")


# ---------------------------------------------------------------------------------------------- Space facts
def model_variable(name: str) -> str | None:
    "The environment variable the Space reads its model source from (`ui.model_source(\"PETS_MODEL\", ...)`)."
    m = re.search(r"model_source\(\s*[\"'](\w+)[\"']", (gallery.SPACES / name / "app.py").read_text())
    return m.group(1) if m else None


def front_matter_and_body(path: Path) -> tuple[dict, str]:
    text = path.read_text() if path.is_file() else ""
    if text.startswith("---"):
        _, fm, body = text.split("---", 2)
        return yaml.safe_load(fm) or {}, body.lstrip("\n")
    return {}, text


MAX_SHORT_DESCRIPTION = 60  # the Hub refuses a push whose README front matter has a longer one


def checked_meta(meta: dict, where: str) -> dict:
    "Front matter the Hub accepts: a too long short_description is cut at a word (and said so)."
    text = str(meta.get("short_description") or "")
    if len(text) > MAX_SHORT_DESCRIPTION:
        cut = text[:MAX_SHORT_DESCRIPTION - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        print(f"warning: {where}: short_description has {len(text)} characters, the Hub takes at most "
              f"{MAX_SHORT_DESCRIPTION}; the bundle says {cut!r}", file=sys.stderr)
        meta = {**meta, "short_description": cut}
    return meta


def render_readme(meta: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n" + body


def personalise(text: str, user: str | None) -> str:
    "The Space READMEs say YOUR-NAME/<space> and YOUR-NAME-<space>.hf.space: fill in the real names."
    if not user:
        return text
    text = re.sub(r"https://YOUR-NAME-([\w.-]+?)\.hf\.space", lambda m: hub_url(f"{user}/{m.group(1)}"), text)
    return text.replace("YOUR-NAME", user)


def hub_url(repo_id: str) -> str:
    "https://user-name.hf.space for the Space repo user/name (dots and underscores become dashes)."
    return "https://" + re.sub(r"[^a-z0-9-]", "-", repo_id.replace("/", "-").lower()) + ".hf.space"


PREAMBLE = '''# --- added by `python -m shared.deploy` -------------------------------------------------------------
import os  # noqa: E402
{defaults}if os.environ.get("SPACES_ZERO_GPU"):
    import spaces  # noqa: F401  ZeroGPU wants `spaces` imported before torch touches CUDA
# ------------------------------------------------------------------------------------------------------
'''


def preamble(models: dict[str, str]) -> str:
    defaults = "".join(f"os.environ.setdefault({var!r}, {repo!r})  # the Hub model; a Space variable overrides it\n"
                       for var, repo in models.items())
    return PREAMBLE.format(defaults=defaults)


def with_preamble(app_source: str, models: dict[str, str]) -> str:
    "Insert the preamble after the module docstring and any `from __future__` imports (which must come first)."
    m = re.match(r'(\s*(?:(?:"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\')\s*\n)?(?:from __future__ import [^\n]*\n\s*)*)',
                 app_source)
    head = m.group(1) if m else ""
    return head + preamble(models) + app_source[len(head):]


# ------------------------------------------------------------------------------------------------- bundles
def copy_shared(dest: Path):
    shutil.copytree(SHARED, dest / "shared", ignore=IGNORE)


def copy_space_files(name: str, dest: Path, hub_model: str | None):
    "app.py's folder minus tests output: examples, thumbnail, model/ (unless the model comes from the Hub)."
    src = gallery.SPACES / name
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "flagged", ".gradio",
                                    *(["model"] if hub_model else []))
    shutil.copytree(src, dest, ignore=ignore, dirs_exist_ok=True)


def check_model(name: str, folder: Path, hub_model: str | None):
    var = model_variable(name)
    if var and not hub_model and not (folder / "model" / "config.json").is_file():
        raise DeployError(f"spaces/{name}/model/ has no trained model: train it (python -m shared.train ...) "
                          f"or point the bundle at a Hub model with --model {name}=USER/REPO")


def space_bundle(name: str, out: Path, user: str | None, hub_model: str | None, pins: list[str]) -> Path:
    "bundles/<name>/: the Space alone."
    dest = out / name
    if dest.exists():
        shutil.rmtree(dest)
    copy_space_files(name, dest, hub_model)
    check_model(name, dest, hub_model)
    copy_shared(dest)
    var = model_variable(name)
    models = {var: hub_model} if var and hub_model else {}
    (dest / "app.py").write_text(with_preamble((gallery.SPACES / name / "app.py").read_text(), models))
    meta, body = front_matter_and_body(gallery.SPACES / name / "README.md")
    meta = checked_meta(meta, f"spaces/{name}/README.md")
    meta.update(sdk="gradio", sdk_version=SDK_VERSION, python_version=PYTHON_VERSION, app_file="app.py")
    meta.setdefault("title", name)
    if hub_model:
        meta["models"] = [hub_model.split("@")[0]]
    body += model_section({name: (var, hub_model)})
    (dest / "README.md").write_text(personalise(render_readme(meta, body), user))
    (dest / "requirements.txt").write_text(requirements_text(pinned_requirements(space_requirements(name))))
    return dest


def model_section(models: dict[str, tuple[str | None, str | None]]) -> str:
    lines = ["", "## Model source", ""]
    for name, (var, hub) in models.items():
        if not var:
            lines.append(f"- `{name}`: no trained model (the Space computes its answers directly).")
        elif hub:
            lines.append(f"- `{name}`: the Hub model `{hub}` (set by `app.py`; the Space variable `{var}` overrides it).")
        else:
            lines.append(f"- `{name}`: the model files in `{'spaces/' + name + '/' if len(models) > 1 else ''}model/` "
                         f"(set the Space variable `{var}` to a Hub id like `user/repo@revision` to serve another).")
    return "\n".join(lines) + "\n"


COMBINED_APP = '''"""Chapter One Spaces: every Space of the suite on one server (a landing page at /, each app at /<name>/).

Built by `python -m shared.deploy`; runs as one Hugging Face Space (ZeroGPU works: pick it in Settings).
"""
{preamble}
from shared import gallery  # noqa: E402

if __name__ == "__main__":
    gallery.main()
'''

COMBINED_README = """# Chapter One Spaces

The demos of chapter 1 of *Deep Learning for Coders with fastai & PyTorch* as one Space: a landing page with a
card per demo, each demo at its own path with its own API.

| demo | path | what it does |
|---|---|---|
{rows}

## Hardware: ZeroGPU

A free Hugging Face account can no longer create CPU Gradio Spaces and may host at most two ZeroGPU Spaces, so
this one Space hosts the whole suite. Hardware cannot be set from this README (`suggested_hardware` is only a
hint for people who duplicate the Space): choose **ZeroGPU** in the Space's *Settings → Space hardware*, or
create it with `python -m shared.deploy --combined --hardware zero-a10g`. On ZeroGPU each `predict` runs inside
`spaces.GPU` (the `shared.ui.gpu` decorator turns it on when `SPACES_ZERO_GPU` is set); anywhere else
the same code runs on CPU.

## API

Every demo is a Gradio app of its own, so clients connect to its path:

```python
from gradio_client import Client
client = Client("{url}/{first}/")
print(client.view_api())
```
{embed}
"""


def combined_bundle(names: list[str], out: Path, user: str | None, hub_models: dict[str, str], pins: list[str],
                    repo_name: str = COMBINED) -> Path:
    "bundles/chapter-one-spaces/: app.py serving the gallery, shared/, spaces/<name>/ for every Space."
    dest = out / repo_name
    if dest.exists():
        shutil.rmtree(dest)
    models, rows, tags, model_ids = {}, [], ["chapter-one-spaces", "mcp-server"], []
    for name in names:
        hub = hub_models.get(name)
        copy_space_files(name, dest / "spaces" / name, hub)
        check_model(name, dest / "spaces" / name, hub)
        var = model_variable(name)
        models[name] = (var, hub)
        if hub:
            model_ids.append(hub.split("@")[0])
        card = gallery.card(name)
        rows.append(f"| {card['emoji']} {card['title']} | `/{name}/` | {card['what']} |")
        tags += [t for t in card["tags"] if t not in tags]
    copy_shared(dest)
    env = {models[n][0]: h for n, h in hub_models.items() if n in models and models[n][0]}
    (dest / "app.py").write_text(COMBINED_APP.format(preamble=preamble(env)))
    repo_id = f"{user or 'YOUR-NAME'}/{repo_name}"
    url = hub_url(repo_id)
    meta = {"title": "Chapter One Spaces", "emoji": "📘", "colorFrom": "yellow", "colorTo": "indigo",
            "sdk": "gradio", "sdk_version": SDK_VERSION, "python_version": PYTHON_VERSION, "app_file": "app.py",
            "pinned": False, "license": "apache-2.0", "suggested_hardware": "zero-a10g",
            "short_description": "Every demo of chapter 1 of fastbook in one Space",
            "tags": tags, "models": sorted(set(model_ids))}
    body = COMBINED_README.format(rows="\n".join(rows), url=url, first=names[0] if names else "pets",
                                  embed=embed_markdown(url + "/" + (names[0] if names else "pets") + "/"))
    body += model_section(models)
    (dest / "README.md").write_text(personalise(render_readme(meta, body), user))
    (dest / "requirements.txt").write_text(requirements_text(pins))
    return dest


def embed_markdown(url: str) -> str:
    return ("\n## Embed\n\n```html\n" + gallery.embed_iframe(url) + "\n```\n\n```html\n"
            + gallery.embed_component(url) + "\n```\n")


# -------------------------------------------------------------------------------------------------- upload
def hub_token() -> str | None:
    "HF_TOKEN, else None (huggingface_hub then reads the login cache). Never printed."
    return os.environ.get("HF_TOKEN") or None


def upload(folder: Path, repo_id: str, hardware: str | None = None, private: bool = False,
           variables: dict[str, str] | None = None) -> str:
    "Create the Space repo if needed and upload the bundle folder; returns the Space's URL."
    from huggingface_hub import create_repo, upload_folder
    token = hub_token()
    kwargs = dict(repo_type="space", space_sdk="gradio", exist_ok=True, private=private, token=token)
    if hardware:
        kwargs["space_hardware"] = hardware
    if variables:
        kwargs["space_variables"] = [{"key": k, "value": v} for k, v in variables.items()]
    repo = create_repo(repo_id, **kwargs)
    upload_folder(repo_id=repo.repo_id, folder_path=str(folder), repo_type="space", token=token,
                  commit_message="Deploy with python -m shared.deploy", delete_patterns=["shared/**", "spaces/**"])
    return f"https://huggingface.co/spaces/{repo.repo_id}"


def whoami() -> str:
    from huggingface_hub import whoami as hub_whoami
    return hub_whoami(token=hub_token())["name"]


def friendly(e: Exception) -> str:
    "One line for a failed Hub call, with the token (if any) scrubbed out."
    text = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    token = hub_token()
    return text.replace(token, "***") if token else text


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
    p = argparse.ArgumentParser(prog="python -m shared.deploy", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dry-run", action="store_true", help="write the bundle folders, upload nothing")
    p.add_argument("--out", default=str(REPO / "bundles"), help="where the bundle folders go (default bundles/)")
    p.add_argument("--space", action="append", default=[], metavar="NAME",
                   help="only this Space (repeatable); default every spaces/*/app.py")
    p.add_argument("--combined", action="store_true",
                   help="only the whole-suite bundle (one Space serving every app); default: both kinds")
    p.add_argument("--separate", action="store_true", help="only the per-Space bundles")
    p.add_argument("--user", help="Hub user or organisation (default: the token's owner)")
    p.add_argument("--name", default=COMBINED, help=f"repo name of the combined Space (default {COMBINED})")
    p.add_argument("--hub-models", action="store_true",
                   help="serve USER/<space> Hub models (pushed by the training CLI's --push-to-hub) "
                        "instead of copying model/ into the bundles")
    p.add_argument("--model", action="append", default=[], metavar="NAME=REPO",
                   help="serve this Hub model (user/repo[@revision]) in Space NAME instead of its model/")
    p.add_argument("--hardware", help="Space hardware to request at creation, e.g. zero-a10g (ZeroGPU)")
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
            user = hub_call(whoami)
        if args.hub_models and not user:
            raise DeployError("--hub-models needs --user (the Hub namespace of the models)")
        hub_models = {n: f"{user}/{n}" for n in names if args.hub_models and model_variable(n)}
        hub_models.update(parse_models(args.model, names))
        pins = pinned_requirements()
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        built: list[tuple[Path, str, dict[str, str]]] = []
        if not args.combined:
            for name in names:
                folder = space_bundle(name, out, user, hub_models.get(name), pins)
                var = model_variable(name)
                built.append((folder, name, {var: hub_models[name]} if name in hub_models else {}))
        if not args.separate and (args.combined or not args.space):
            folder = combined_bundle(names, out, user, hub_models, pins, args.name)
            built.append((folder, args.name, {model_variable(n): h for n, h in hub_models.items()}))
        for folder, _, _ in built:
            size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6
            print(f"bundle {folder}  ({size:.1f} MB)")
        if args.dry_run:
            print(json.dumps({"bundles": [str(f) for f, _, _ in built]}))
            return 0
        for folder, repo_name, variables in built:
            url = hub_call(upload, folder, f"{user}/{repo_name}", hardware=args.hardware, private=args.private,
                           variables=variables)
            print(f"uploaded {folder} -> {url}  (app: {hub_url(user + '/' + repo_name)})")
        return 0
    except DeployError as e:
        print(f"deploy: {e}", file=sys.stderr)
        return 2
    except HubError as e:
        print(f"deploy: the upload to the Hugging Face Hub failed ({e}). The bundles are in {args.out}; "
              "check the network, HF_TOKEN or `hf auth login`, and try again.", file=sys.stderr)
        return 1


class HubError(RuntimeError):
    """A Hub call that failed (network, auth, quota), as one line without the token."""


def hub_call(fn, *args, **kwargs):
    "Run a Hub call; any failure becomes a HubError with one scrubbed line (the token is never shown)."
    try:
        return fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - huggingface_hub raises many types (HTTP, connection, offline, auth)
        raise HubError(friendly(e)) from None


if __name__ == "__main__":
    sys.exit(main())
