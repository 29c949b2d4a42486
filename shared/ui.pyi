"""The few Gradio helpers every Space uses: model source, examples, photo input, ZeroGPU, launch."""
from __future__ import annotations

import os
from pathlib import Path

import gradio as gr
import torch

from shared.images import BadImage, open_image

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def model_source(env_var: str, app_file: str) -> str:
    """Where the Space's model comes from: $ENV_VAR (a Hub repo id, optionally @revision, or a folder),
    else the embedded default `model/` folder beside app.py."""
    return os.environ.get(env_var) or str(Path(app_file).resolve().parent / "model")


def examples(app_file: str, exts=IMAGE_EXTS) -> list[str]:
    "The files of the `examples/` folder beside app.py, sorted."
    folder = Path(app_file).resolve().parent / "examples"
    return sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in exts)


def device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def gpu(fn):
    "ZeroGPU's `spaces.GPU` on Hugging Face ZeroGPU hardware; the function itself everywhere else."
    if os.environ.get("SPACES_ZERO_GPU"):
        import spaces
        return spaces.GPU(fn)
    return fn

from gradio.events import Dependency

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
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component


def open_photo(source, max_side: int | None = None):
    "shared.images.open_image, with bad input turned into a gr.Error (shown in the UI, raised in the API)."
    try:
        return open_image(source, max_side=max_side)
    except BadImage as e:
        raise gr.Error(str(e)) from e


def launch(demo: gr.Blocks, **kwargs):
    "Queue settings for a 2-vCPU Space, MCP server on, then serve (GRADIO_SERVER_PORT / _NAME are honoured)."
    demo.queue(default_concurrency_limit=int(os.environ.get("CONCURRENCY", 2)), max_size=64)
    return demo.launch(mcp_server=True, **kwargs)