"""Every Space of `spaces/` as ONE Gradio app: a landing page at / and each Space on its own page, /<name>.

    python -m shared.gallery                # http://127.0.0.1:7860/   (make demo; the combined Space's app)

The Spaces are discovered (every `spaces/*/app.py` with a `demo`), imported once (each loads its model at
import) and their Blocks rendered as pages of one `gr.Blocks`, which `launch()` serves: so ZeroGPU's start-up
check (the `spaces` package hooks `launch`) and server-side rendering (one Node server) work as for a single
Space. Every endpoint keeps its Space's name in front: `pets_predict`, `history_neuron`, ... (`api_name()`),
in the HTTP API, gradio_client and the one MCP server (/gradio_api/mcp/). A Space that fails to import is
shown as unavailable; the others still serve. The landing page has a card per Space (what it does, the
chapter 1 idea it shows, a thumbnail, links, embed and API snippets). Under /gradio_api/gallery/: spaces.json
(which Spaces are up), thumbnails, and Gradio's web component script (gradio.js), so embedding works offline.

`sample_request(url)` turns a Space's first example into a `/predict` call (load test, cold start, browser
tests): no Space needs to declare anything for it.
"""
from __future__ import annotations

import ast
import html
import importlib.util
import os
import re
import sys
import time
import traceback
from pathlib import Path

from shared.serving.images import PHOTO_SUFFIXES
from shared import REPO

SPACES = Path(os.environ.get("CHAPTER_ONE_SPACES") or REPO / "spaces")
GENERIC_TAGS = {"fastai", "mcp-server", "chapter-one-spaces", "gradio"}
# The chapter 1 idea behind each Space of this suite (a Space not listed here gets one from its tags).
CHAPTER_IDEAS = {
    "pets": "Image classification: chapter 1's first model, “is it a cat?”, with transfer learning",
    "sentiment": "Natural language processing: is a movie review positive or negative? (IMDb)",
    "colorize": "Deep learning beyond classification: image generation, colourising black-and-white photos",
    "recommend": "Collaborative filtering: recommendations from nothing but ratings (MovieLens)",
    "history": "Where neural networks come from: threshold neuron, perceptron, XOR, universal approximation",
}
ORDER = ["pets", "sentiment", "recommend", "colorize", "history"]  # the chapter's order: its first model first
IFRAME_ALLOW = "camera; clipboard-read; clipboard-write"
GRADIO_CDN = "https://gradio.s3-us-west-2.amazonaws.com/{version}/gradio.js"


# ------------------------------------------------------------------------------------------------ the cards
def space_names() -> list[str]:
    "Every folder of spaces/ with an app.py, sorted."
    return sorted(p.parent.name for p in SPACES.glob("*/app.py"))


def front_matter(name: str) -> dict:
    "The Space's README front matter (title, emoji, short_description, tags...); {} when it has none."
    import yaml
    path = SPACES / name / "README.md"
    text = path.read_text() if path.is_file() else ""
    if not text.startswith("---"):
        return {}
    try:
        return yaml.safe_load(text.split("---", 2)[1]) or {}
    except yaml.YAMLError:
        return {}


def docstring(name: str) -> str:
    "The first paragraph of app.py's module docstring, read without importing it."
    try:
        doc = ast.get_docstring(ast.parse((SPACES / name / "app.py").read_text())) or ""
    except SyntaxError:
        return ""
    return " ".join(doc.split("\n\n")[0].split())


def thumbnail(name: str) -> Path | None:
    "spaces/<name>/thumbnail.png (or .jpg/.webp), else the first example image, else None."
    folder = SPACES / name
    for ext in (".png", ".jpg", ".webp"):
        if (folder / f"thumbnail{ext}").is_file():
            return folder / f"thumbnail{ext}"
    examples = folder / "examples"
    images = sorted(p for p in examples.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES) if examples.is_dir() else []
    return images[0] if images else None


def card(name: str) -> dict:
    "What the landing page (and the deploy README) says about one Space."
    meta = front_matter(name)
    tags = [t for t in meta.get("tags", []) or [] if t not in GENERIC_TAGS]
    idea = CHAPTER_IDEAS.get(name) or ", ".join(t.replace("-", " ") for t in tags) or "chapter 1"
    return {"name": name, "title": meta.get("title", name), "emoji": meta.get("emoji", "🤗"),
            "what": meta.get("short_description") or docstring(name), "about": docstring(name),
            "chapter": idea, "tags": tags, "thumbnail": bool(thumbnail(name))}


def ordered(names: list[str]) -> list[str]:
    "The Spaces in the chapter's order (ORDER), any others after them, alphabetically."
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def embed_iframe(url: str) -> str:
    """The iframe snippet: as wide as its container (a phone's screen included) and as tall as the Space's content,
    which changes as answers come: a Gradio page reports its height to the page around it in iframe-resizer's
    messages (Gradio loads iframe-resizer's child script itself), and the snippet's few lines of script ask for them
    and follow them (no library to load, works offline). Where a site strips scripts, the frame stays 720 px tall
    and scrolls inside. `allow` lets the photo inputs use the webcam and paste from the clipboard."""
    where = url.split("//")[-1].rstrip("/")
    tail = where.rsplit("/", 1)[-1] if "/" in where else where.split(".")[0]  # .../embed/pets, you-pets.hf.space
    frame = "chapter-one-" + (re.sub(r"[^a-z0-9]+", "-", tail.lower()).strip("-") or "space")
    return (f'<iframe id="{frame}" src="{url}" style="width:100%;height:720px;border:0" '
            f'allow="{IFRAME_ALLOW}"></iframe>\n' + RESIZE_SCRIPT.replace("FRAME", frame))


# iframe-resizer's protocol (v4, the child script every Gradio page loads): the host says hello with its settings
# (id:margin:calculateWidth:log:interval:publicMethods:autoResize:bodyMargin:heightMethod:background:padding:
# tolerance:inPageLinks:resizeFrom:widthMethod:mouseEvents), the page answers "[iFrameSizer]id:height:width:type"
# whenever Gradio measures its content (window.parentIFrame.size); only the sizing types move the frame, and
# "scrollToOffset" (ui.bring_into_view: an example's answer) scrolls the page to that point of the frame.
RESIZE_SCRIPT = """<script>(f => {  // the Space tells its height; the frame follows it
  const hello = () => f.contentWindow.postMessage("[iFrameSizer]" + f.id + ":0:false:false:32:true:true:0px:bodyOffset:::0:false:child:scroll:", "*");
  f.addEventListener("load", hello);
  addEventListener("message", e => {
    if (e.source !== f.contentWindow || typeof e.data !== "string") return;
    if (e.data === "[iFrameResizerChild]Ready") return hello();
    const [id, height, , type] = e.data.replace("[iFrameSizer]", "").split(":");
    if (id !== f.id) return;
    if (["init", "size", "resize", "resizeObserver", "mutationObserver", "interval"].includes(type))
      f.style.height = Math.max(Math.ceil(+height) || 0, 320) + "px";
    const top = f.getBoundingClientRect().top + (+height || 0);  // an answer the Space shows: on screen
    if (type === "scrollToOffset" && (top < 0 || top > innerHeight * 0.6)) scrollBy(0, top - 8);
  });
})(document.getElementById("FRAME"));</script>"""


def embed_component(url: str, script: str | None = None) -> str:
    from importlib.metadata import version
    script = script or GRADIO_CDN.format(version=version("gradio"))
    return f'<script type="module" src="{script}"></script>\n<gradio-app src="{url}"></gradio-app>'


EXTRA = "gradio_api/gallery"  # the suite's own routes, under a prefix Gradio's SSR proxy hands to Python
LANDING_CSS = """
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(320px,100%),1fr));gap:1.2rem}
.lead{max-width:60rem} .try{margin:.2rem 0;font-size:.92rem} .help{font-size:.85rem;margin:.3rem 0}
.dev-all{margin-top:1.5rem}
.card{border:1px solid #e5e7eb;border-radius:14px;padding:1rem;display:flex;flex-direction:column;gap:.2rem}
.card:hover{border-color:#f97316} .card h2{font-size:1.15rem;margin:.4rem 0 0} .card a{color:inherit}
.thumb img,.tile{width:100%;height:180px;object-fit:cover;border-radius:10px;background:#f3f4f6}
.tile{display:flex;align-items:center;justify-content:center;font-size:4rem}
.what{margin:.2rem 0} .idea{color:#4b5563;font-size:.92rem;margin:.2rem 0} .links{font-size:.85rem}
.down{color:#b91c1c;overflow-wrap:anywhere} pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.75rem;
background:#f9fafb;padding:.5rem;border-radius:8px} summary{cursor:pointer;font-size:.9rem}
"""
# the snippets name the server the visitor sees (a Space's own URL, an embedding page's origin differs)
LANDING_JS = """const here = location.origin + location.pathname.replace(/\\/$/, "");
for (const el of element.querySelectorAll("pre.embed, pre.code, code.origin"))
  el.textContent = el.textContent.replaceAll("ORIGIN", here);"""


def api_name(name: str, endpoint: str = "predict") -> str:
    "The suite's name of a Space's endpoint: `pets_predict` (each Space alone calls it `predict`)."
    return f"{name}_{endpoint}"


def embed_path(name: str) -> str:
    "Where the gallery serves one Space alone (no gallery nav), for embedding: iframe and web component."
    return f"{EXTRA}/embed/{name}/"


def both(key: str, **values) -> str:
    "The landing page's words in English and Korean, side by side; the browser's language shows one (ui.CSS)."
    from shared.gallery.words import T
    return "".join(f'<span class="lang-{lang}">{T.text(key, lang, **values)}</span>' for lang in ("en", "ko"))


def landing_page(cards: list[dict]) -> str:
    """The suite's home page, in both languages: a card per Space in the chapter's order (what it does, its chapter
    1 idea, what to try, a link), embed snippets under a fold, API and MCP under another."""
    from shared.gallery.words import T
    items = []
    for c in sorted(cards, key=lambda c: ordered([c2["name"] for c2 in cards]).index(c["name"])):
        name = c["name"]
        words = lambda key, default: both(f"{name}_{key}") if f"{name}_{key}" in T.keys() else html.escape(default)
        thumb = (f'<img src="{EXTRA}/thumbnails/{name}" alt="" loading="lazy">' if c["thumbnail"]
                 else f'<div class="tile">{html.escape(c["emoji"])}</div>')
        status = "" if c.get("ok", True) else \
            f'<p class="down">{both("down")} {html.escape(c.get("error", ""))}</p>'
        snippets = html.escape(embed_iframe(f"ORIGIN/{embed_path(name)}") + "\n\n"
                               + embed_component(f"ORIGIN/{embed_path(name).rstrip('/')}", f"ORIGIN/{EXTRA}/gradio.js"))
        code = html.escape(f'from gradio_client import Client\nclient = Client("ORIGIN/")\n'
                           f'client.predict(..., api_name="/{api_name(name)}")  # client.view_api() lists the rest\n\n'
                           f'MCP server (every Space\'s tools): ORIGIN/gradio_api/mcp/')
        tried = f'<p class="try"><b>{both("try")}</b> {both(f"{name}_try")}</p>' if f"{name}_try" in T.keys() else ""
        items.append(f"""
<article class="card" id="card-{name}" data-space="{name}">
  <a class="thumb" href="{name}">{thumb}</a>
  <h2><a href="{name}">{html.escape(c["emoji"])} {words("title", c["title"])}</a></h2>
  <p class="what">{words("what", c["what"])}</p>
  <p class="idea"><b>{both("idea")}</b> {words("idea", c["chapter"])}</p>{tried}{status}
  <p class="links"><a href="{name}">{both("open")} →</a></p>
  <details><summary>{both("embed")}</summary><p class="help">{both("embed_help")}</p>
    <pre class="embed">{snippets}</pre></details>
  <details><summary>{both("dev")}</summary><p class="help">API: <code>{api_name(name)}</code></p>
    <pre class="code">{code}</pre></details>
</article>""")
    return f"""<div class="landing"><h1>{both("suite")}</h1>
<p class="lead">{both("lead")}</p>
<div class="grid">{''.join(items)}</div>
<details class="dev-all"><summary>{both("dev_all")}</summary><p>{both("dev_all_text")}</p></details>
</div>"""


# ------------------------------------------------------------------------------------------- the server
def load_demo(name: str, module: str | None = None):
    "Import spaces/<name>/app.py as a module (`space_<name>`; its model loads once) and return its `demo`."
    path = SPACES / name / "app.py"
    spec = importlib.util.spec_from_file_location(module or f"space_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.demo


def namespaced(demo, name: str):
    """The Space's Blocks with every named endpoint renamed `<name>_<endpoint>`, so that no two Spaces clash.
    Gradio names an MCP tool after its function, so each public endpoint's function takes that name too:
    the MCP tools are the API's names (`pets_predict`), not `predict`, `predict_1`, ..."""
    for dep in demo.fns.values():
        if isinstance(dep.api_name, str) and not dep.api_name.startswith(f"{name}_"):
            dep.api_name = api_name(name, dep.api_name)
            if dep.api_visibility == "public" and dep.fn is not None:
                try:
                    dep.fn.__name__ = dep.api_name
                except (AttributeError, TypeError):  # a callable object or a method keeps its own name
                    pass
    return demo


def build(names: list[str] | None = None, log=print):
    """ONE Gradio app: the landing page at / and every Space's Blocks rendered on its own page (/<name>).
    Returns (blocks, cards). One app means one `launch()`: ZeroGPU's start-up check runs, SSR runs one Node
    server, the API and MCP list every Space's endpoints under their `<name>_<endpoint>` names."""
    import gradio as gr

    names = space_names() if names is None else names
    cards, demos = [], {}
    for name in names:
        c = card(name)
        start = time.perf_counter()
        try:
            demos[name] = namespaced(load_demo(name), name)
            c.update(ok=True, load_s=round(time.perf_counter() - start, 2))
            log(f"  /{name}  loaded in {c['load_s']} s")
        except Exception as e:  # one broken Space must not take the suite down
            c.update(ok=False, error=f"{type(e).__name__}: {e}")
            log(f"  /{name}  FAILED: {c['error']}\n{traceback.format_exc()}")
        cards.append(c)
    from shared.gallery.words import T
    with gr.Blocks(title=T("suite")) as suite:
        gr.HTML(landing_page(cards), css_template=LANDING_CSS, js_on_load=LANDING_JS, elem_id="landing")
    for name in ordered(list(demos)):
        c = next(c for c in cards if c["name"] == name)
        nav = T.text(f"nav_{name}") if f"nav_{name}" in T.keys() else f"{c['emoji']} {c['title']}"
        with suite.route(nav, name):  # page_titles' script puts it in the page's language
            demos[name].render()
    suite.spaces = demos  # each Space's own Blocks, for embed_routes
    return suite, cards


def page_titles(cards: list[dict]) -> str:
    """A <head> script: the browser tab's title follows the page (/pets: the pets Space's title), and the page
    titles and the nav's links follow the language the page shows (Gradio sets <html lang>; its nav labels are
    plain strings)."""
    import json

    from shared.gallery.words import T
    words = lambda key, default: {lang: T.text(key, lang) if key in T.keys() else default for lang in ("en", "ko")}
    titles = {"": words("suite", "Chapter One Spaces")}
    navs = {"": words("nav_", "Home")}
    for c in cards:
        titles[c["name"]] = words(f"{c['name']}_title", c["title"])
        navs[c["name"]] = words(f"nav_{c['name']}", f"{c['emoji']} {c['title']}")
    return """<script>(() => {
  const titles = %s, navs = %s;
  const last = (path) => path.replace(/\\/+$/, "").split("/").pop();
  const update = () => {
    const page = last(location.pathname);
    const shown = document.documentElement.lang || navigator.language || "en";
    const lang = shown.toLowerCase().startsWith("ko") ? "ko" : "en";
    const want = page && page in titles ? `${titles[page][lang]} · ${titles[""][lang]}` : titles[""][lang];
    if (document.title !== want) document.title = want;
    for (const a of document.querySelectorAll(".nav-holder nav a")) {
      const name = a.href.startsWith(location.origin) ? last(new URL(a.href).pathname) : null;
      const label = name !== null && navs[name] ? navs[name][lang] : null;
      if (label && a.textContent !== label) a.textContent = label;
      if (a.classList.contains("active") && !a.dataset.shown) {  // a phone's nav strip shows the page it is on
        a.dataset.shown = "1";
        const strip = a.parentElement;
        strip.scrollLeft = a.offsetLeft - (strip.clientWidth - a.offsetWidth) / 2;
      }
    }
  };
  setInterval(update, 300);
  document.addEventListener("DOMContentLoaded", update);
})();</script>""" % (json.dumps(titles, ensure_ascii=False), json.dumps(navs, ensure_ascii=False))


def extra_routes(cards: list[dict]):
    """The suite's own routes (under /gradio_api/gallery/, which Gradio's SSR proxy hands to Python):
    spaces.json (which Spaces loaded), thumbnails/<name>, and Gradio's web component laid out as on its CDN
    (gradio.js, assets/) so that embedding works offline."""
    import gradio as gr
    from fastapi import APIRouter, HTTPException
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles
    from starlette.routing import Mount

    names = [c["name"] for c in cards]
    router = APIRouter(prefix="/" + EXTRA)

    @router.get("/spaces.json")
    def listing():
        return {"spaces": cards}

    @router.get("/thumbnails/{name}")
    def thumb(name: str):
        path = thumbnail(name) if name in names else None
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, headers={"Cache-Control": "max-age=3600"})

    class PublicStaticFiles(StaticFiles):
        "Static files any page may load: the web component's script is a module, so it needs CORS."
        def file_response(self, *args, **kwargs):
            response = super().file_response(*args, **kwargs)
            response.headers["Access-Control-Allow-Origin"] = "*"
            return response

    frontend = Path(gr.__file__).parent / "templates" / "frontend"

    @router.get("/gradio.js")
    def web_component():
        return FileResponse(frontend / "gradio.js", media_type="text/javascript",
                            headers={"Access-Control-Allow-Origin": "*"})

    assets = Mount(f"/{EXTRA}/assets", PublicStaticFiles(directory=frontend / "assets"), name="gradio-web-assets")
    return [*router.routes, assets]


class EmbeddedSpace:
    """One Space alone, as its own Gradio app (no gallery nav), built on its first request: what the iframe and
    web component snippets load (a web component needs <src>/config, which a page of a multi-page app has not).
    A page of the suite cannot be served twice (its components belong to the suite's page), so the Space's
    app.py is imported again, in a thread, the first time someone opens its embed: no cost to the gallery's
    start, the model's memory twice only for a Space that is embedded."""
    def __init__(self, name: str, path: str):
        self.name, self.path, self.app, self.lock = name, path, None, None

    def build(self):
        import gradio as gr
        from fastapi import FastAPI

        from shared.serving import i18n
        from shared.serving import ui
        demo = load_demo(self.name, module=f"space_{self.name}_embed")
        ui.queue(demo)
        holder = FastAPI()
        gr.mount_gradio_app(holder, demo, path=self.path, ssr_mode=False, i18n=i18n.translations(), theme=ui.theme(),
                            head=ui.head(), max_file_size=ui.MAX_UPLOAD)
        # Private patch (Gradio 6.31.0: the mounted app is the last route, with get_blocks(); its queue starts with
        # Blocks.run_startup_events / run_extra_startup_events, below): a Space mounted after the server started.
        # tests/test_gradio_private.py fails if these change.
        return holder.routes[-1].app

    async def __call__(self, scope, receive, send):
        import asyncio

        import anyio
        if self.app is None and scope["type"] in ("http", "websocket"):
            self.lock = self.lock or asyncio.Lock()
            async with self.lock:
                if self.app is None:
                    app = await anyio.to_thread.run_sync(self.build)
                    blocks = app.get_blocks()
                    blocks.run_startup_events()  # its queue, in the server's loop
                    await blocks.run_extra_startup_events()
                    self.app = app
        if self.app is not None:
            await self.app(scope, receive, send)


def embed_routes(names: list[str]) -> list:
    "/gradio_api/gallery/embed/<name>/: each Space alone (EmbeddedSpace), under /gradio_api/: SSR hands it to Python."
    from starlette.routing import Mount
    routes = []
    for name in names:
        path = "/" + embed_path(name).rstrip("/")
        routes.append(Mount(path, app=EmbeddedSpace(name, path)))
    return routes


def serve(names: list[str] | None = None, block: bool = True):
    "Build the suite, `launch()` it (GRADIO_SERVER_PORT / _NAME / GRADIO_SSR_MODE are honoured), add its routes."
    from shared.serving import ui
    start = time.perf_counter()
    names = space_names() if names is None else names
    print(f"Chapter One Spaces: loading {len(names)} Spaces ({', '.join(names)})", flush=True)
    suite, cards = build(names, log=lambda s: print(s, flush=True))
    ui.launch(suite, prevent_thread_lock=True, head=page_titles(cards))
    # Gradio has no public hook for extra routes before launch; put them first so that they win over its own.
    # Private patch (Gradio 6.31.0: `Blocks.server_app.router.routes`); tests/test_gradio_private.py checks it.
    suite.server_app.router.routes[0:0] = extra_routes(cards) + embed_routes(list(suite.spaces))
    print(f"Chapter One Spaces: every Space served (built in {time.perf_counter() - start:.1f} s)", flush=True)
    if block:
        suite.block_thread()
    return suite, cards


def main(argv=None):
    import argparse
    p = argparse.ArgumentParser(prog="python -m shared.gallery", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.parse_args(argv)
    serve()
