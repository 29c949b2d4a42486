"""Is a README's front matter one the Hugging Face Hub accepts? Offline, through huggingface_hub's own card classes
(ModelCard / SpaceCard parse the YAML and the model-index), plus the rules the Hub applies that they leave to the
server: a licence id it knows (and a name for `other`), dataset ids with their owner, a library it knows for what
the folder holds, Space settings it takes. Online, `RepoCard.validate` asks the Hub itself (`validate_online`)."""
from __future__ import annotations

import re
from pathlib import Path

# https://huggingface.co/docs/hub/repositories-licenses (the ids this project can meet; "other" needs a name)
LICENCES = {"apache-2.0", "mit", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc0-1.0",
            "bsd-3-clause", "gpl-3.0", "openrail", "other", "unknown"}
# libraries the Hub knows, and the file its "Use this model" snippet loads, where one is needed
LIBRARIES = {"onnx": None, "safetensors": None, "transformers": None, "timm": None,
             "sentence-transformers": None, "fastai": "model.pkl"}
SDKS = {"gradio", "streamlit", "docker", "static"}
COLOURS = {"red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"}
MAX_SHORT_DESCRIPTION = 60


def problems(text: str, repo_type: str = "model", folder: Path | None = None) -> list[str]:
    "What the Hub would refuse (or mis-show) in this README; [] when none. `folder`: where its files are."
    from huggingface_hub import ModelCard, SpaceCard
    try:
        card = (SpaceCard if repo_type == "space" else ModelCard)(text)  # YAML, types and model-index parsed
    except Exception as e:  # noqa: BLE001 - huggingface_hub raises ValueError / YAML / type errors
        return [f"front matter: {e}"]
    meta, out = card.data.to_dict(), []
    if not text.startswith("---\n"):
        out.append("no front matter")
    licence = meta.get("license")
    if licence not in LICENCES:
        out.append(f"license {licence!r} is not a Hub licence id")
    if licence == "other" and not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", str(meta.get("license_name") or "")):
        out.append("license: other needs a license_name (lowercase, dashes)")
    link = meta.get("license_link")
    if link and folder and not re.match(r"\w+://", link) and not (folder / link).is_file():
        out.append(f"license_link {link} is not in the folder")
    for d in meta.get("datasets") or []:
        if not isinstance(d, str) or d.count("/") != 1:
            out.append(f"dataset id {d!r} has no owner (owner/name)")
    for m in ([meta["models"]] if isinstance(meta.get("models"), str) else meta.get("models") or []):
        if m.count("/") != 1:
            out.append(f"model id {m!r} is not owner/name")
    if repo_type == "model":
        out += model_problems(card, meta, folder)
    else:
        out += space_problems(meta, folder)
    return out


def model_problems(card, meta: dict, folder: Path | None) -> list[str]:
    out = []
    library = meta.get("library_name")
    if library not in LIBRARIES:
        out.append(f"library_name {library!r} is not one the Hub knows")
    elif LIBRARIES[library] and folder and not (folder / LIBRARIES[library]).is_file():
        out.append(f"library_name {library}: the Hub's snippet loads {LIBRARIES[library]}, which the folder lacks")
    seen = set()
    for r in card.data.eval_results or []:
        if not (r.task_type and r.dataset_type and r.dataset_name and r.metric_type) or r.metric_value is None:
            out.append(f"model-index result {r.metric_type!r} lacks a task, dataset or value")
        if (r.dataset_type, r.dataset_split, r.metric_type) in seen:
            out.append(f"metric {r.metric_type} is filed twice under {r.dataset_type} {r.dataset_split}")
        seen.add((r.dataset_type, r.dataset_split, r.metric_type))
    return out


def space_problems(meta: dict, folder: Path | None) -> list[str]:
    out = []
    if meta.get("sdk") not in SDKS:
        out.append(f"sdk {meta.get('sdk')!r} is not a Spaces SDK")
    if len(str(meta.get("short_description") or "")) > MAX_SHORT_DESCRIPTION:
        out.append(f"short_description is over {MAX_SHORT_DESCRIPTION} characters")
    for key in ("colorFrom", "colorTo"):
        if key in meta and meta[key] not in COLOURS:
            out.append(f"{key} {meta[key]!r} is not one of {sorted(COLOURS)}")
    if folder and meta.get("app_file") and not (folder / meta["app_file"]).is_file():
        out.append(f"app_file {meta['app_file']} is not in the folder")
    return out


def validate_online(text: str, repo_type: str = "model"):
    "The Hub's own check (`RepoCard.validate`: POST /api/validate-yaml); raises ValueError with the Hub's words."
    from huggingface_hub import RepoCard
    RepoCard(text).validate(repo_type=repo_type)
