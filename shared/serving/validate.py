"""Every event of every Space checks what it gets before Gradio or our code touches it.

`inputs(block_fn, raw)` (called by `ui`'s one error path before Gradio preprocesses anything) checks each event's
inputs, public or private: numbers must be finite numbers inside the component's range, choices must be among the
choices, images must be files sent with the request, and every input must be there. A bad value is Refused with one
short message naming the parameter (shown in the UI, raised to HTTP, gradio_client and MCP callers, in the
visitor's language) instead of `{"error": null}`.
"""
from __future__ import annotations

import inspect
import math
import os

import gradio as gr

from shared.serving.errors import Phrase, Refused
from shared.serving.words import T

MAX_CHOICES_SHOWN = 12  # longer choice lists are not spelled out in a message
NOT_RECEIVED = T.text("not_received")  # the one message for every path that was not sent (in English)


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
                raise Refused(T, "not_received")
        else:
            for value in raw.values():
                files(value)


def number(value, name: str, lo: float | None = None, hi: float | None = None, whole: bool = False) -> float:
    "A finite int/float inside [lo, hi] (a whole one if `whole`), or Refused naming `name`."
    key = ("whole" if whole else "number") + ("_in" if lo is not None and hi is not None else "")
    span = {"lo": f"{lo:g}", "hi": f"{hi:g}"} if key.endswith("_in") else {}
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Refused(T, key, name=name, value=describe(value), **span)
    if (not math.isfinite(value) or (whole and float(value) != int(value))
            or (lo is not None and value < lo) or (hi is not None and value > hi)):
        raise Refused(T, key, name=name, value=f"{value:g}", **span)
    return value


def choice(value, name: str, choices) -> object:
    "One of `choices`, or Refused naming `name` (and the choices, when there are few)."
    choices = list(choices)
    if value in choices and not isinstance(value, bool):
        return value
    if len(choices) <= MAX_CHOICES_SHOWN:
        raise Refused(T, "choice_listed", name=name, n=len(choices), choices=", ".join(repr(c) for c in choices),
                      value=describe(value))
    raise Refused(T, "choice", name=name, n=len(choices), value=describe(value))


def describe(value):
    "A short, safe description of a value for a message (a Phrase, in the message's language), or its repr."
    if value is None:
        return Phrase(T, "null")
    if isinstance(value, str):
        return Phrase(T, "the_text", text=f"{value[:40]!r}" + ("..." if len(value) > 40 else ""))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    key = {bool: "true_false", list: "a_list", tuple: "a_list", dict: "an_object"}.get(type(value), "that_value")
    return Phrase(T, key)


def check_component(component, raw, name: str):
    "Raise Refused if `raw` (as the client sent it) cannot be a value of `component`."
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
            raise Refused(T, "text", name=name, value=describe(raw))
        return None
    if isinstance(component, gr.Textbox) and raw is not None and not isinstance(raw, str):
        raise Refused(T, "text", name=name, value=describe(raw))
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


def inputs(block_fn, raw) -> None:
    """Refused if an event's raw inputs (as the client sent them) are too few, or one cannot be its component's value.
    Reads Gradio 6.31.0's BlockFunction (inputs, fn, component_prop_inputs: tests/test_gradio_private.py)."""
    names = parameter_names(block_fn)
    if raw is None or len(raw) < len(block_fn.inputs):
        got = 0 if raw is None else len(raw)
        raise Refused(T, "inputs_missing", n=len(block_fn.inputs), names=", ".join(names), got=got,
                      missing=", ".join(names[got:]))
    for i, block in enumerate(block_fn.inputs):
        if i in block_fn.component_prop_inputs or getattr(block, "stateful", False):
            continue
        check_component(block, raw[i], names[i])
