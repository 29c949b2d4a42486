"""The few Gradio helpers every Space uses: model source, examples, photo input, ZeroGPU, launch."""
from __future__ import annotations

import inspect
import logging
import os
from pathlib import Path

import gradio as gr

from shared.serving import bounds
from shared.serving import i18n
from shared.serving import runtime
from shared.serving import validate
from shared.serving.errors import Refused
from shared.serving.images import MAX_UPLOAD_MB, PHOTO_SUFFIXES
from shared.serving.words import T as W

MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_UPLOAD = f"{MAX_UPLOAD_MB}mb"  # launch's max_file_size


def _save_pil_to_cache_atomically(img, cache_dir: str, name: str = "image", format: str = "webp") -> str:
    """Gradio's `processing_utils.save_pil_to_cache`, made safe under concurrency.

    Gradio 6.31 writes every image a component hands over (uploads re-encoded for the app, image outputs) to
    `cache/<hash of the bytes>/<name>.<format>` with a plain `write_bytes`: two requests with the same image
    (two visitors clicking the same example) rewrite the same file while the other one reads or serves it,
    and one gets a truncated image (an unreadable upload, or a download cut short). Same path and bytes here,
    but written under a temporary name and renamed into place."""
    import tempfile
    from gradio import processing_utils
    data = processing_utils.encode_pil_to_bytes(img, format)
    folder = Path(cache_dir) / processing_utils.hash_bytes(data)
    folder.mkdir(exist_ok=True, parents=True)
    target = (folder / f"{name}.{format}").resolve()
    fd, staging = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(staging, target)  # readers see the old complete file or the new one, never half of one
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    return str(target)


def _patch_gradio_cache():
    """Private patch (Gradio 6.31.0, `gradio.processing_utils.save_pil_to_cache(img, cache_dir, name, format)`): no
    public hook decides how Gradio writes its cache. tests/test_gradio_private.py fails if the function moves, its
    signature changes, or a real server's image outputs stop going through it."""
    from gradio import processing_utils
    if getattr(processing_utils.save_pil_to_cache, "__name__", "") != _save_pil_to_cache_atomically.__name__:
        processing_utils.save_pil_to_cache = _save_pil_to_cache_atomically


_patch_gradio_cache()
runtime.limit_blas_threads()


def model_source(env_var: str, app_file: str) -> str:
    """Where the Space's model comes from: $ENV_VAR (a Hub repo id, optionally @revision, or a folder),
    else the embedded default `model/` folder beside app.py."""
    return os.environ.get(env_var) or str(Path(app_file).resolve().parent / "model")


def examples(app_file: str, exts=PHOTO_SUFFIXES) -> list[str]:
    "The files of the `examples/` folder beside app.py, sorted."
    folder = Path(app_file).resolve().parent / "examples"
    return sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in exts)


def gpu(fn=None, *, duration: int | None = None):
    """For a function that USES a GPU: `@ui.gpu(duration=SECONDS)` is ZeroGPU's `spaces.GPU(duration=...)` on ZeroGPU
    hardware (each call asks for `duration` seconds of the visitor's daily GPU quota up front, so say what it
    needs); the function itself anywhere else. Every Space here serves on the CPU (ONNX Runtime, numpy), so none of
    their functions is decorated: a click spends no quota. A bare `@ui.gpu` is refused with that said."""
    if fn is not None or not duration:
        raise TypeError("ui.gpu is for a function that uses a GPU, with its duration: @ui.gpu(duration=SECONDS). "
                        "Serving on the CPU needs no decorator (it would spend the visitor's ZeroGPU quota).")

    def decorate(fn):
        if os.environ.get("SPACES_ZERO_GPU"):
            import spaces
            return spaces.GPU(fn, duration=duration)
        return fn
    return decorate


ZERO_GPU_CHECK_SECONDS = 5


def gpu_devices() -> str:
    "The GPU ZeroGPU lends inside a `spaces.GPU` call (CUDA_VISIBLE_DEVICES there)."
    return os.environ.get("CUDA_VISIBLE_DEVICES", "")


def zero_gpu_startup():
    """ZeroGPU starts a Space only once its `spaces` package reports, at `launch()`, at least one `spaces.GPU`
    function. None of the Spaces' functions uses a GPU, so this one is registered (`gpu_devices`, 5 s): no endpoint
    calls it, so no visitor's quota is spent. Off ZeroGPU it does nothing."""
    if os.environ.get("SPACES_ZERO_GPU"):
        gpu(duration=ZERO_GPU_CHECK_SECONDS)(gpu_devices)


class Photo(gr.Image):
    """gr.Image that hands the app the file the visitor sent, byte for byte (so 16-bit, transparency, CMYK and
    EXIF reach `shared.serving.images.open_image` untouched), and only such a file: a path that Gradio did not receive
    for this request (a server file named in a raw API call) is refused with one message that says nothing
    about the server's files."""
    is_template = True  # use gr.Image's frontend

    # Private patch (Gradio 6.31.0: a component class with `is_template` gets its parent's frontend; Gradio reads props
    # through `get_config(cls)`): no public way to subclass a component's Python side only.
    # tests/test_gradio_private.py fails if the page stops getting an "image" component with these props.
    def __init__(self, **kwargs):
        kwargs.setdefault("sources", ["upload", "webcam", "clipboard"])
        super().__init__(type="filepath", image_mode=None, **kwargs)

    def get_config(self, cls=None):
        # Gradio reads a component's props from its class's __init__ signature; this one takes **kwargs, so
        # without this the browser gets no props at all and the photo input does not render.
        return super().get_config(cls or gr.Image)

    def check_payload(self, raw, name: str):
        "Before Gradio moves anything: a FileData-like object whose path is an upload, a data: URL or a URL."
        if raw is not None and not isinstance(raw, dict):
            raise Refused(W, "not_received")
        validate.files(raw)

    def preprocess(self, payload):
        if payload is None:
            return None
        if payload.url and payload.url.startswith("data:"):
            path = save_data_url(payload.url, self.GRADIO_CACHE)
            self.temp_files.add(path)  # expires with the uploads (bounds.EXPIRE)
            return path
        path = validate.received_file(payload.path or "")
        if path is None:
            raise Refused(W, "not_received")
        return path


def save_data_url(url: str, cache_dir: str) -> str:
    "The bytes of a base64 data: URL, unchanged, as a file in Gradio's cache (so 16-bit and alpha survive)."
    import base64
    import binascii
    from gradio import processing_utils
    header, _, body = url.partition(",")
    if len(body) > MAX_UPLOAD_BYTES * 4 // 3 + 4:
        raise Refused(W, "too_many_bytes", mb=MAX_UPLOAD_MB)
    try:
        data = base64.b64decode(body, validate=False) if header.endswith(";base64") else None
    except (binascii.Error, ValueError):
        data = None
    if not data:
        raise Refused(W, "data_url")
    # under Gradio's own salted hash (its secret seed), as its uploads are: a plain sha256 of the bytes would let
    # anyone who has an image check whether another visitor sent it
    folder = Path(cache_dir) / processing_utils.hash_bytes(data)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "image"
    if not target.is_file():  # same bytes, same name: written once, atomically (two requests may race here)
        import tempfile
        fd, staging = tempfile.mkstemp(dir=folder, prefix=".image.")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(staging, target)
    return str(target)


def free_text(dropdown: gr.Dropdown, description: str) -> gr.Dropdown:
    """A Dropdown that also takes typed values (allow_custom_value), described in the API and MCP schemas as a
    string rather than an enum of every choice: Gradio 6.31 lists them all, so MCP clients refuse the custom
    values the docstring allows, and a long list (9,111 movies) makes a 78 KB schema.

    Private patch (Gradio 6.31.0: the API and MCP schemas come from the component's `api_info()`), on this instance
    only; tests/test_gradio_private.py fails if the API page stops showing it."""
    dropdown.api_info = lambda: {"type": "string", "description": description}
    return dropdown


lang = i18n.lang  # the visitor's language for an answer's words: ui.lang(request) -> 'en' or 'ko'

# Every page readable on a phone (390 px): what Gradio's own layout leaves too wide or too tall there.
CSS = """
html:not([lang^="ko"]) .lang-ko,html[lang^="ko"] .lang-en{display:none}
.key-note{font-size:.88rem;opacity:.9} .key-note .key{padding:0 .3em;border-radius:4px}
.key-note .key.pos{background:rgba(239,68,68,.45)} .key-note .key.neg{background:rgba(96,165,250,.45)}
@media (max-width: 640px){
  .gradio-container{padding-left:6px!important;padding-right:6px!important}
  .nav-holder nav{flex-direction:row!important;flex-wrap:nowrap!important;justify-content:flex-start!important;
    overflow-x:auto;white-space:nowrap;
    gap:.2rem;padding:.2rem 0!important;scrollbar-width:none}
  .nav-holder nav a{flex:0 0 auto;padding:.25rem .55rem!important;font-size:.85rem}
  .hide-on-phone{display:none!important}
  #recs th:nth-child(n+4),#recs td:nth-child(n+4),#recs .virtual-row>:nth-child(n+4),
  #alike th:nth-child(2),#alike td:nth-child(2),#alike .virtual-row>:nth-child(2){display:none}
  #recs th:nth-child(1),#recs .virtual-row>:nth-child(1){width:34px!important;min-width:34px!important;max-width:34px!important}
  #recs th:nth-child(2),#recs .virtual-row>:nth-child(2){width:calc(100% - 120px)!important;min-width:calc(100% - 120px)!important;
    max-width:calc(100% - 120px)!important}
  #recs th:nth-child(3),#recs .virtual-row>:nth-child(3){width:86px!important;min-width:86px!important;max-width:86px!important}
}
"""

# as a <style> in <head>: Gradio prefixes launch(css=...) with its container's class, which would keep these
# rules off the nav, the tabs and <html lang>
HEAD = f"<style>{CSS}</style>"


def head() -> str:
    """What every page's <head> gets: the CSS above, the tables' column names in the page's language, and that
    language told to the server (answers in it)."""
    return HEAD + i18n.columns_script() + i18n.language_script()


def bring_into_view(examples: gr.Examples, answer: gr.components.Component):
    """A tap on an example also scrolls `answer` (the first thing the visitor should read; it needs an elem_id)
    into view when it is off screen: on a phone the answer is below the examples. In the browser, at once. In an
    iframe as tall as the Space (the embed snippet), the page around it scrolls: it is asked in iframe-resizer's
    words (parentIFrame.scrollToOffset), as a frame cannot scroll the page of another site itself."""
    js = ("() => { const e = document.getElementById(%r); if (!e) return; const r = e.getBoundingClientRect();"
          " if (window.parentIFrame) return window.parentIFrame.scrollToOffset(0, r.top + scrollY);"
          " if (r.top < 0 || r.top > innerHeight * 0.6) e.scrollIntoView({block: 'start'}); }" % answer.elem_id)
    examples.dataset.click(None, None, None, js=js)


def clear(*components) -> str:
    """js for an event that empties `components` in the browser at once (no server call), each back to its first
    value (an empty table keeps its columns): a stale answer never stays beside a new question."""
    import json
    return f"() => {json.dumps([c.value for c in components], default=str)}"


log = logging.getLogger("chapter_one")


def told(error: BaseException, lang: str = "en") -> gr.Error:
    """What the visitor is told about `error`, in `lang`: a Refused's own words (found through Gradio's wrappers, e.g.
    a component's preprocess error), a gr.Error as raised, anything else one generic message (and the traceback
    logged, never sent)."""
    chain, seen = error, []
    while chain is not None and chain not in seen:
        seen.append(chain)
        chain = chain.__cause__
    refused = next((e for e in seen if isinstance(e, Refused)), None)
    if refused is not None:
        return gr.Error(refused.text(lang), title=W.text("error_title", lang), print_exception=False)
    if isinstance(error, gr.Error):
        return error
    log.error("Unexpected error in an event", exc_info=error)
    return gr.Error(W.text("went_wrong", lang, kind=type(seen[-1]).__name__), title=W.text("error_title", lang),
                    print_exception=False)


def one_error_path(demo: gr.Blocks) -> gr.Blocks:
    """Every event of `demo` (each Space's, the gallery's, public or private, UI, HTTP API and MCP alike) goes
    through here: its raw inputs are checked first (`validate.inputs`), and whatever it raises reaches the visitor as
    `told(error, lang)`: a Refused in the language of the request (`i18n.lang`: the page's cookie, else
    Accept-Language, else English), never a traceback, never `{"error": null}`. Idempotent.

    Private patch (Gradio 6.31.0, `Blocks.process_api(block_fn, inputs, state, request, iterator, ...)`, the one
    call every event goes through, with its request): Gradio's public hooks do not do this job. An event's
    `validator=` runs at queue join, outside the queue's concurrency limit (a photo check there would decode
    photos unbounded), after Gradio has moved the files (too late to refuse a server path), and only for the
    inputs (not what the function raises); a decorator on each event function cannot see the request unless every
    function asks for one. tests/test_gradio_private.py fails if the method or its signature changes, or a real
    server stops answering through it."""
    if getattr(demo, "_one_error_path", False):
        return demo
    from gradio.caching import CacheMissError  # Gradio's own control flow (gr.cache's probe), passed through
    process_api = demo.process_api
    signature = inspect.signature(process_api)

    async def answered(*args, **kwargs):
        call = signature.bind(*args, **kwargs)
        request = call.arguments.get("request")
        request = request[0] if isinstance(request, list) and request else request
        try:
            if call.arguments.get("iterator") is None:  # a generator's later steps have no inputs to check
                block_fn = call.arguments["block_fn"]
                block_fn = demo.fns[block_fn] if isinstance(block_fn, int) else block_fn
                raw = call.arguments.get("inputs")
                for sample in (zip(*raw) if block_fn.batch and raw else [raw]):
                    validate.inputs(block_fn, list(sample) if sample is not None else None)
            return await process_api(*args, **kwargs)
        except CacheMissError:
            raise
        except Exception as e:
            raise told(e, i18n.lang(request)) from e

    demo.process_api = answered
    demo._one_error_path = True
    return demo


def queue(demo: gr.Blocks) -> gr.Blocks:
    """Threads and queue for a 2-vCPU Space: `runtime.concurrency()` requests at once, each on its share of the cores;
    no one can hog the queue (`bounds`: places per event and per visitor), no direct /run/ call skips it, and
    uploads and results expire (`bounds.EXPIRE`)."""
    one_error_path(demo)
    for block in demo.blocks.values():  # every tab in sight on a phone (Gradio's default hides most behind "...")
        if isinstance(block, gr.Tabs):
            block.overflow_behavior = "wrap"
    demo.queue(default_concurrency_limit=runtime.concurrency(), max_size=bounds.TOTAL, api_open=False)
    bounds.bound(demo)
    demo.delete_cache = demo.delete_cache or bounds.EXPIRE
    return demo


# System fonts that hold Latin and Hangul in every weight (Gradio 6.31's bundled semibold has 55 characters: bold
# "A" and "B" came out in another typeface), Korean ones named for the systems that have them.
FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Apple SD Gothic Neo", "Noto Sans KR", "Malgun Gothic",
         "Noto Sans CJK KR", "sans-serif"]


def theme():
    return gr.themes.Default(font=FONTS, font_mono=["ui-monospace", "SFMono-Regular", "Consolas", "monospace"])


def launch(demo: gr.Blocks, **kwargs):
    """`queue`, MCP server on, uploads up to MAX_UPLOAD_MB (and bounds.UPLOAD_QUOTA_MB per visitor while they last),
    other request bodies up to bounds.MAX_BODY_MB, the suite's theme and languages, then serve
    (GRADIO_SERVER_PORT / _NAME are honoured)."""
    from starlette.middleware import Middleware
    kwargs.setdefault("max_file_size", MAX_UPLOAD)
    kwargs.setdefault("theme", theme())
    kwargs.setdefault("i18n", i18n.translations())
    kwargs["head"] = head() + kwargs.get("head", "")
    zero_gpu_startup()
    app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
    app_kwargs["middleware"] = [*app_kwargs.get("middleware", []), Middleware(bounds.BodyLimit),
                                Middleware(bounds.UploadQuota)]
    return queue(demo).launch(mcp_server=True, app_kwargs=app_kwargs, **kwargs)
