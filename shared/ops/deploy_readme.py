"""The README of a Space bundle: its front matter checked for what the Hub accepts (short description, dataset
ids with their owner, one licence for everything it ships) and a body whose links all resolve in the bundle."""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml

from shared import REPO


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


# Most restrictive first: a bundle is marked with the most restrictive licence of what it ships.
LICENCE_ORDER = ["other", "cc-by-nc-sa-4.0", "cc-by-nc-4.0", "cc-by-sa-4.0", "cc-by-4.0", "apache-2.0", "mit"]
LICENCE_KEYS = ("license", "license_name", "license_link")


def licence_of(readme: Path, prefix: str = "") -> dict:
    "license, license_name, license_link of a README's front matter (a relative link made relative to the bundle)."
    meta, _ = front_matter_and_body(readme)
    lic = {k: meta[k] for k in LICENCE_KEYS if meta.get(k)}
    if lic.get("license_link") and not re.match(r"\w+://", lic["license_link"]):
        lic["license_link"] = prefix + lic["license_link"]
    return lic


def bundle_licence(parts: list[tuple[str, dict]]) -> tuple[dict, str]:
    """The licence metadata of the bundle (the most restrictive of its parts) and, when its parts differ,
    a README section that says which part is under which terms."""
    def rank(lic):
        key = lic.get("license", "other")
        return LICENCE_ORDER.index(key) if key in LICENCE_ORDER else 0
    named = [(what, lic) for what, lic in parts if lic]
    governing = dict(min((lic for _, lic in named), key=rank)) if named else {"license": "apache-2.0"}
    if governing.get("license") == "other" and not governing.get("license_name"):
        governing = next((lic for _, lic in named if lic.get("license_name")), governing)
    if len({tuple(sorted(lic.items())) for _, lic in named}) <= 1:
        return governing, ""
    lines = ["", "## Licences", "", "This Space ships parts under different terms; the front matter names the most "
             f"restrictive, `{governing.get('license_name') or governing['license']}`:", ""]
    for what, lic in named:
        terms = lic.get("license_name") or lic["license"]
        link = f" ([terms]({lic['license_link']}))" if lic.get("license_link") else ""
        lines.append(f"- {what}: `{terms}`{link}")
    return governing, "\n".join(lines) + "\n"


def checked_datasets(meta: dict, where: str) -> dict:
    "Dataset ids the Hub can link: `owner/name`. An id without its owner is dropped (and said so)."
    datasets = list(meta.get("datasets") or [])
    kept = [d for d in datasets if isinstance(d, str) and d.count("/") == 1]
    for d in datasets:
        if d not in kept:
            print(f"warning: {where}: dataset id {d!r} has no owner (owner/name); the bundle leaves it out",
                  file=sys.stderr)
    return {**meta, "datasets": kept}


def local_links(body: str, dest: Path, repo: Path = REPO) -> str:
    """No dangling links in a bundle README: a project document it mentions (BENCHMARKS.md) is copied into the
    bundle and linked; a relative link to a file the bundle does not carry keeps only its text."""
    for doc in sorted(set(re.findall(r"\b([A-Z][A-Z_]+\.md)\b", body))):
        if (repo / doc).is_file() and not (dest / doc).exists():
            shutil.copy(repo / doc, dest / doc)
        if (dest / doc).is_file():
            body = re.sub(rf"(?<![\[(/]){re.escape(doc)}(?![\])])", f"[{doc}]({doc})", body)

    def keep_or_text(m):
        target = m.group(2).split("#")[0]
        if re.match(r"\w+:|#", m.group(2)) or (target and (dest / target).resolve().is_relative_to(dest.resolve())
                                                    and (dest / target).exists()):
            return m.group(0)
        return m.group(1)
    return re.sub(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", keep_or_text, body)
