"""The few places where the Spaces lean on Gradio's private internals (each marked "Private patch (Gradio 6.31.0 ...)"
where it is made). Each test fails when Gradio changes under its patch: the private name is still there with the
signature the patch assumes, and the patch's effect is seen through a real server (in this process, so that its
Gradio is the one patched)."""
from __future__ import annotations

import inspect
import json
import socket
from contextlib import contextmanager

import gradio as gr
import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from PIL import Image

from shared.serving import bounds, i18n, ui
from shared.serving.errors import Refused
from shared.serving.words import T


def params(fn) -> list[str]:
    return list(inspect.signature(fn).parameters)


@contextmanager
def launched(demo: gr.Blocks):
    "`demo` served as every Space is (ui.launch) on a free loopback port, in this process; its URL."
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ui.launch(demo, prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def test_the_image_cache_writes_through_the_atomic_writer():
    "ui._patch_gradio_cache: processing_utils.save_pil_to_cache(img, cache_dir, name, format), looked up at call time."
    from gradio import processing_utils
    assert params(processing_utils.save_pil_to_cache) == ["img", "cache_dir", "name", "format"]
    assert params(ui._save_pil_to_cache_atomically) == ["img", "cache_dir", "name", "format"]
    assert callable(processing_utils.encode_pil_to_bytes) and callable(processing_utils.hash_bytes)
    assert processing_utils.save_pil_to_cache is ui._save_pil_to_cache_atomically
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return ui._save_pil_to_cache_atomically(*args, **kwargs)

    processing_utils.save_pil_to_cache = counted
    try:
        with gr.Blocks() as demo:
            out = gr.Image(type="pil", format="png")
            gr.Button().click(lambda: Image.new("RGB", (8, 8), (1, 2, 3)), None, out, api_name="picture")
        with launched(demo) as url:
            path = Client(url, verbose=False).predict(api_name="/picture")
        assert calls and Image.open(path).getpixel((0, 0)) == (1, 2, 3)  # Gradio wrote its output through the patch
    finally:
        processing_utils.save_pil_to_cache = ui._save_pil_to_cache_atomically


def test_every_event_goes_through_the_one_error_path():
    "ui.one_error_path: Blocks.process_api(block_fn, inputs, state, request, iterator, ...), every event's one call."
    names = params(gr.Blocks.process_api)
    assert names[:6] == ["self", "block_fn", "inputs", "state", "request", "iterator"]
    from gradio.block_function import BlockFunction
    from gradio.caching import CacheMissError  # noqa: F401 (passed through: Gradio's own control flow)
    fn = BlockFunction.__init__
    assert {"fn", "inputs", "batch", "component_prop_inputs"} <= set(params(fn))  # what validate.inputs reads

    def refuse(k):
        raise Refused(T, "no_pixels")

    with gr.Blocks() as demo:
        k = gr.Slider(1, 10, step=1)
        gr.Button().click(refuse, k, k, api_name="refuse")
    with launched(demo) as url:
        assert demo._one_error_path and demo.process_api.__name__ == "answered"
        with pytest.raises(AppError, match="^이 이미지에는 픽셀이 하나도 없습니다.$"):
            Client(url, verbose=False, headers={"Accept-Language": "ko"}).predict(3, api_name="/refuse")
        with pytest.raises(AppError, match="k must be a whole number from 1 to 10, not 11"):  # checked before Gradio
            Client(url, verbose=False).predict(11, api_name="/refuse")


def test_the_queue_is_bounded_per_event():
    "bounds.bound: Blocks._queue.push(body, request, username) -> (ok, message, kind); the waiting Events' fields."
    from gradio.queueing import Event, Queue
    assert params(Queue.push) == ["self", "body", "request", "username"]
    assert {"session_hash", "fn", "request"} <= set(params(Event.__init__))
    import time

    @bounds.waiting(1)
    def slow(x):
        time.sleep(1.5)
        return x

    with gr.Blocks() as demo:
        box = gr.Textbox()
        gr.Button().click(slow, box, box, api_name="slow", concurrency_limit=1)
    with launched(demo) as url:
        queue = demo._queue
        assert queue._bounded and hasattr(queue, "event_queue_per_concurrency_id")
        answers = [httpx.post(f"{url}gradio_api/queue/join", timeout=30, headers={"Accept-Language": "ko"},
                              json={"data": [str(i)], "fn_index": 0, "session_hash": f"s{i}"}) for i in range(4)]
        refused = [r for r in answers if r.status_code == 503]
        assert refused and all("slow 대기열이 가득 찼습니다" in r.json()["detail"] for r in refused), \
            [(r.status_code, r.text) for r in answers]
        item = next(iter(queue.event_queue_per_concurrency_id.values()))
        assert hasattr(item, "queue")
        for e in item.queue:
            assert {"concurrency_id", "session_hash", "request"} <= set(vars(e)) | set(dir(e))


def test_the_photo_input_renders_and_free_text_is_a_string_in_the_api():
    """ui.Photo: gr.Image's frontend (is_template) and props (get_config(cls)); ui.free_text: an instance's api_info."""
    assert params(gr.Image.get_config) == ["self", "cls"]
    assert params(gr.Dropdown.api_info) == ["self"]
    with gr.Blocks() as demo:
        photo = ui.Photo(label="photo")
        pick = ui.free_text(gr.Dropdown(["a", "b"], allow_custom_value=True), "a letter")
        out = gr.Textbox()
        gr.Button().click(lambda p, x: x, [photo, pick], out, api_name="pick")
    with launched(demo) as url:
        config = httpx.get(f"{url}config", timeout=30).json()
        props = next(c["props"] for c in config["components"] if c["id"] == photo._id)
        assert next(c for c in config["components"] if c["id"] == photo._id)["type"] == "image"
        assert props["sources"] == ["upload", "webcam", "clipboard"] and props["label"] == "photo"
        info = Client(url, verbose=False).view_api(return_format="dict", print_info=False)
        schema = info["named_endpoints"]["/pick"]["parameters"][1]
        assert schema["type"] == {"type": "string", "description": "a letter"}


def test_i18n_markers_are_what_the_config_carries():
    "i18n.Words: gradio.i18n.I18nData(key), shown in a config as __i18n__{json}, which i18n.text_of reads back."
    from gradio.i18n import I18nData
    marker = str(I18nData("serving.no_pixels"))
    assert marker.startswith("__i18n__") and json.loads(marker.removeprefix("__i18n__"))["key"] == "serving.no_pixels"
    with gr.Blocks() as demo:
        gr.Textbox(label=T("error_title"))
    with launched(demo) as url:
        config = httpx.get(f"{url}config", timeout=30).json()
        label = next(c["props"]["label"] for c in config["components"] if c["props"].get("label"))
        assert i18n.text_of(label, "ko", config["i18n_translations"]) == "오류"


def test_a_mounted_app_gives_back_its_blocks_and_starts_its_queue():
    """shared.gallery.app.EmbeddedSpace: gr.mount_gradio_app's route last in the FastAPI app, its .app.get_blocks(),
    Blocks.run_startup_events() and run_extra_startup_events(); serve(): server_app.router.routes to put routes
    first."""
    from fastapi import FastAPI
    assert params(gr.Blocks.run_startup_events) == ["self"] and params(gr.Blocks.run_extra_startup_events) == ["self"]
    with gr.Blocks() as demo:
        gr.Textbox()
    ui.queue(demo)
    holder = FastAPI()
    gr.mount_gradio_app(holder, demo, path="/x", ssr_mode=False)
    assert holder.routes[-1].app.get_blocks() is demo
    with gr.Blocks() as suite:
        gr.Textbox()
    with launched(suite) as url:
        assert isinstance(suite.server_app.router.routes, list)
        from starlette.responses import PlainTextResponse
        from starlette.routing import Route
        suite.server_app.router.routes[0:0] = [Route("/extra", lambda request: PlainTextResponse("first"))]
        assert httpx.get(f"{url}extra", timeout=30).text == "first"
