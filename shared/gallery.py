"""Every Space of `spaces/` on one local server: a landing page at / and each app at /<name>/.

    python -m shared.gallery            # http://127.0.0.1:7860/
"""
from __future__ import annotations

import html
import importlib.util
import os
import sys
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

SPACES = Path(__file__).resolve().parent.parent / "spaces"


def space_names() -> list[str]:
    return sorted(p.parent.name for p in SPACES.glob("*/app.py"))


def load_demo(name: str) -> gr.Blocks:
    "Import spaces/<name>/app.py as a module (its model loads once) and return its `demo`."
    path = SPACES / name / "app.py"
    spec = importlib.util.spec_from_file_location(f"space_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.demo


def front_matter(name: str) -> dict:
    "title/emoji/short_description from the Space's README front matter."
    import yaml
    text = (SPACES / name / "README.md").read_text()
    return yaml.safe_load(text.split("---")[1]) if text.startswith("---") else {}


def landing_page(names: list[str]) -> str:
    cards = []
    for name in names:
        meta = front_matter(name)
        cards.append(f'<a class="card" href="/{name}/"><span class="emoji">{meta.get("emoji", "")}</span>'
                     f'<h2>{html.escape(meta.get("title", name))}</h2>'
                     f'<p>{html.escape(meta.get("short_description", ""))}</p></a>')
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Chapter One Spaces</title>
<style>body{{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}}
.grid{{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:1rem}}
.card{{display:block;border:1px solid #ddd;border-radius:12px;padding:1rem;color:inherit;text-decoration:none}}
.card:hover{{border-color:#f97316}}.emoji{{font-size:2rem}}</style></head><body>
<h1>Chapter One Spaces</h1><p>The demos of chapter 1 of <i>Deep Learning for Coders with fastai &amp; PyTorch</i>.</p>
<div class="grid">{''.join(cards)}</div></body></html>"""


def build(names: list[str] | None = None) -> FastAPI:
    names = names or space_names()
    app = FastAPI(title="Chapter One Spaces")
    page = landing_page(names)
    app.get("/", response_class=HTMLResponse)(lambda: page)
    for name in names:
        demo = load_demo(name)
        demo.queue(default_concurrency_limit=int(os.environ.get("CONCURRENCY", 2)), max_size=64)
        app = gr.mount_gradio_app(app, demo, path=f"/{name}", mcp_server=True)
    return app


def main():
    host = os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")
    port = int(os.environ.get("GRADIO_SERVER_PORT", 7860))
    app = build()
    print(f"Chapter One Spaces: http://{host}:{port}/  ({', '.join(space_names())})", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
