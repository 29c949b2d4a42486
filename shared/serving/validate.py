"""Every event of every Space checks what it gets before Gradio or our code touches it.

`guard(demo)` (called by `ui.queue`) puts a check in front of each event's inputs, public or private: numbers must
be finite numbers inside the component's range, choices must be among the choices, images must be files sent
with the request, and every input must be there. A bad value gets one short message naming the parameter
(a gr.Error: shown in the UI, raised to HTTP, gradio_client and MCP callers) instead of `{"error": null}`.
"""
from __future__ import annotations

import inspect
import math
import os
import traceback

import gradio as gr

MAX_CHOICES_SHOWN = 12  # longer choice lists are not spelled out in a message
NOT_RECEIVED = ("No image was received with this request. Send the photo itself: upload it (the API: "
                "gradio_client.handle_file, an http(s) URL or a data: URL); paths on the server are not accepted.")


def upload_folders() -> list[str]:
    "Where Gradio keeps what it received: its upload/cache folder (GRADIO_TEMP_DIR, else <tmp>/gradio)."
    from gradio import utils
    return sorted({os.path.realpath(utils.get_upload_folder())})


def received_file(path: str) -> str | None:
    "The real path of a regular file inside Gradio's upload folder, or None (for anything else, whatever it is)."
    if not isinstance(path, str) or not path or "\0" in path:
        return None
    real = os.path.realpath(path)
    inside = any(real.startswith(root + os.sep) for root in upload_folders())
    return real if inside and os.path.isfile(real) else None


def files(raw):
    """Every file object ({"path": ...}) in a raw input must be something the client sent: a file in Gradio's
    upload folder, a data: URL or an http(s) URL (Gradio fetches it there, behind its own SSRF guard). Anything
    else (a server path, whether it exists or not) gets the one NOT_RECEIVED message."""
    if isinstance(raw, list):
        for item in raw:
            files(item)
    elif isinstance(raw, dict):
        if "path" in raw or "url" in raw:
            url, path = raw.get("url"), raw.get("path")
            if isinstance(url, str) and url.startswith("data:"):
                return
            if isinstance(path, str) and path.startswith(("http://", "https://")):
                return
            if received_file(path) is None:
                raise gr.Error(NOT_RECEIVED)
        else:
            for value in raw.values():
                files(value)


def number(value, name: str, lo: float | None = None, hi: float | None = None, whole: bool = False) -> float:
    "A finite int/float inside [lo, hi] (a whole one if `whole`), or gr.Error naming `name`."
    span = f" from {lo:g} to {hi:g}" if lo is not None and hi is not None else ""
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise gr.Error(f"{name} must be {kind}{span}, not {describe(value)}.")
    if not math.isfinite(value):
        raise gr.Error(f"{name} must be {kind}{span}, not {value}.")
    if whole and float(value) != int(value):
        raise gr.Error(f"{name} must be {kind}{span}, not {value:g}.")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise gr.Error(f"{name} must be {kind}{span}, not {value:g}.")
    return value


def choice(value, name: str, choices) -> object:
    "One of `choices`, or gr.Error naming `name` (and the choices, when there are few)."
    choices = list(choices)
    if value in choices and not isinstance(value, bool):
        return value
    listed = (": " + ", ".join(repr(c) for c in choices)) if len(choices) <= MAX_CHOICES_SHOWN else ""
    raise gr.Error(f"{name} must be one of the {len(choices)} choices{listed}; not {describe(value)}.")


def describe(value) -> str:
    "A short, safe description of a value for a message."
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"the text {value[:40]!r}" + ("..." if len(value) > 40 else "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return {bool: "true/false", list: "a list", tuple: "a list", dict: "an object"}.get(type(value), "that value")


def check_component(component, raw, name: str):
    "Raise gr.Error if `raw` (as the client sent it) cannot be a value of `component`."
    if hasattr(component, "check_payload"):          # our own components (ui.Photo) know their payloads
        return component.check_payload(raw, name)
    if FILE_COMPONENTS and isinstance(component, FILE_COMPONENTS):  # any other image or file input, private too
        return files(raw)
    if isinstance(component, (gr.Slider, gr.Number)):
        if raw is None and isinstance(component, gr.Number):
            return None
        whole = getattr(component, "precision", None) == 0 or (
            isinstance(component, gr.Slider) and float(component.step).is_integer()
            and float(component.minimum).is_integer())
        return number(raw, name, component.minimum, component.maximum, whole=whole)
    if isinstance(component, (gr.Dropdown, gr.Radio)) and not getattr(component, "allow_custom_value", False):
        if isinstance(component, gr.Dropdown) and component.multiselect:
            return None
        if raw is None and isinstance(component, gr.Dropdown):
            return None
        return choice(raw, name, [v for _, v in component.choices])
    if isinstance(component, gr.Dropdown) and component.allow_custom_value and not component.multiselect:
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, (str, int, float))):
            raise gr.Error(f"{name} must be text, not {describe(raw)}.")
        return None
    if isinstance(component, gr.Textbox) and raw is not None and not isinstance(raw, str):
        raise gr.Error(f"{name} must be text, not {describe(raw)}.")
    return None


FILE_COMPONENTS = tuple(getattr(gr, n) for n in ("Image", "ImageSlider", "File", "Audio", "Video", "Gallery",
                                                 "Model3D", "ImageEditor", "AnnotatedImage") if hasattr(gr, n))


def parameter_names(block_fn) -> list[str]:
    "The names an event's inputs go by: its function's parameters, else the components' labels."
    try:
        params = [p.name for p in inspect.signature(block_fn.fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = []
    for i, block in enumerate(block_fn.inputs):
        label = getattr(block, "label", None)
        names.append(params[i] if i < len(params) else str(label or f"input {i + 1}"))
    return names


def guard(demo: gr.Blocks) -> gr.Blocks:
    "Check every event's raw inputs (count and type) before Gradio preprocesses them. Idempotent."
    if getattr(demo, "_guarded", False):
        return demo
    original = demo.preprocess_data

    async def preprocess_data(block_fn, inputs, state, explicit_call: bool = False):
        names = parameter_names(block_fn)
        if inputs is None or len(inputs) < len(block_fn.inputs):
            got = 0 if inputs is None else len(inputs)
            raise gr.Error(f"This endpoint takes {len(block_fn.inputs)} input(s) ({', '.join(names)}); "
                           f"got {got}: {', '.join(names[got:])} missing.")
        for i, block in enumerate(block_fn.inputs):
            if i in block_fn.component_prop_inputs or getattr(block, "stateful", False):
                continue
            check_component(block, inputs[i], names[i])
        try:
            return await original(block_fn, inputs, state, explicit_call)
        except gr.Error:
            raise
        except Exception as e:  # anything our checks let through still gets a message, never {"error": null}
            raise gr.Error(f"The input ({', '.join(names)}) could not be read: {type(e).__name__}.") from e

    calling = demo.call_function

    async def call_function(block_fn, *args, **kwargs):
        try:
            return await calling(block_fn, *args, **kwargs)
        except gr.Error:
            raise
        except (TypeError, KeyError, IndexError, AttributeError, ValueError) as e:
            # e.g. a raw call of a click handler without the click's event data: a message, not {"error": null}
            traceback.print_exc()
            raise gr.Error(f"That request could not be handled ({type(e).__name__}): check the inputs this "
                           "endpoint takes (the Space's API page lists them).") from e

    demo.preprocess_data = preprocess_data
    demo.call_function = call_function
    demo._guarded = True
    return demo
