"""The few Gradio helpers every Space uses: model source, examples, photo input, ZeroGPU, launch."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import gradio as gr

from shared import runtime
from shared.images import PHOTO_SUFFIXES, BadImage, open_image


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
    from gradio import processing_utils
    if getattr(processing_utils.save_pil_to_cache, "__name__", "") != _save_pil_to_cache_atomically.__name__:
        processing_utils.save_pil_to_cache = _save_pil_to_cache_atomically


_patch_gradio_cache()


def model_source(env_var: str, app_file: str) -> str:
    """Where the Space's model comes from: $ENV_VAR (a Hub repo id, optionally @revision, or a folder),
    else the embedded default `model/` folder beside app.py."""
    return os.environ.get(env_var) or str(Path(app_file).resolve().parent / "model")


def examples(app_file: str, exts=PHOTO_SUFFIXES) -> list[str]:
    "The files of the `examples/` folder beside app.py, sorted."
    folder = Path(app_file).resolve().parent / "examples"
    return sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in exts)


def device() -> str:
    "Where a torch model runs (imports torch: only for the Spaces that still serve one)."
    import torch
    return "cuda" if torch.cuda.is_available() else "cpu"


def gpu(fn):
    "ZeroGPU's `spaces.GPU` on Hugging Face ZeroGPU hardware; the function itself everywhere else."
    if os.environ.get("SPACES_ZERO_GPU"):
        import spaces
        return spaces.GPU(fn)
    return fn


class Photo(gr.Image):
    """gr.Image that hands the app the uploaded file untouched (so 16-bit, CMYK and EXIF survive to
    `shared.images.open_image`) and turns an unreadable upload into a clear message, not a crash."""
    is_template = True  # use gr.Image's frontend

    def __init__(self, **kwargs):
        kwargs.setdefault("sources", ["upload", "webcam", "clipboard"])
        super().__init__(type="filepath", **kwargs)

    def get_config(self, cls=None):
        # Gradio reads a component's props from its class's __init__ signature; this one takes **kwargs, so
        # without this the browser gets no props at all and the photo input does not render.
        return super().get_config(cls or gr.Image)

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except Exception as e:  # PIL raises many types for bad files; the visitor needs one message
            raise gr.Error(f"That file could not be read as an image ({type(e).__name__}). "
                           "Please upload a JPEG, PNG, WebP or GIF photo.") from e


def open_photo(source, max_side: int | None = None):
    "shared.images.open_image, with bad input turned into a gr.Error (shown in the UI, raised in the API)."
    try:
        return open_image(source, max_side=max_side)
    except BadImage as e:
        raise gr.Error(str(e)) from e


def queue(demo: gr.Blocks) -> gr.Blocks:
    "Threads and queue for a 2-vCPU Space: `runtime.concurrency()` requests at once, each on its share of the cores."
    if "torch" in sys.modules:  # a Space that runs torch (history): its threads too; ONNX sessions set their own
        sys.modules["torch"].set_num_threads(runtime.serving_threads())
    return demo.queue(default_concurrency_limit=runtime.concurrency(), max_size=64)


def launch(demo: gr.Blocks, **kwargs):
    "`queue`, MCP server on, then serve (GRADIO_SERVER_PORT / _NAME are honoured)."
    return queue(demo).launch(mcp_server=True, **kwargs)
