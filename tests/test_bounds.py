"""shared.serving.bounds on real servers: uploads expire; the queue's bounds and the request-body bound are in place on every
Space (the attacks themselves: tests/test_attacks.py)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import gradio as gr
import httpx
import pytest
from PIL import Image

from conftest import REPO, serve
from shared.serving import bounds
from shared.serving import ui
from test_bad_input import call, data_url, upload


def test_every_space_gets_the_bounds():
    with gr.Blocks() as demo:
        box = gr.Textbox()
        box.submit(lambda text: text, box, box, api_name="echo")
    ui.queue(demo)
    assert demo.delete_cache == bounds.EXPIRE and demo._queue.max_size == bounds.TOTAL and not demo.api_open
    assert demo._queue._bounded


@pytest.mark.slow
def test_uploads_and_data_url_photos_expire_and_one_visitor_uploads_a_bounded_amount(tmp_path):
    "Three 95 MB uploads were still on disk long after (issue 31); here they expire after 3 s, checked every 2 s."
    env = {"UPLOADS_EXPIRE": "2,3", "GRADIO_TEMP_DIR": str(tmp_path), "UPLOAD_QUOTA_MB": "1"}
    with serve(REPO / "spaces" / "pets" / "app.py", env) as url:
        mine = tmp_path / "mine.jpg"  # not an example (the examples' cached copies are kept, as Gradio means)
        Image.effect_noise((128, 128), 60).convert("RGB").save(mine)
        sent = upload(url, mine)
        kind, _ = call(url, "predict", [sent])
        assert kind == "complete" and Path(sent["path"]).is_file()
        kind, _ = call(url, "predict", [{"url": data_url(Image.open(mine).rotate(90)), "meta": {"_type": "gradio.FileData"}}])
        assert kind == "complete"
        examples = {p.name for p in (REPO / "spaces/pets/examples").iterdir()}
        photos = lambda: [p for p in tmp_path.rglob("*") if p.is_file() and p.parent != tmp_path
                          and p.name not in examples and p.suffix in ("", ".jpg", ".webp", ".png")]
        assert len(photos()) >= 2  # the upload and the data: URL photo
        deadline = time.time() + 30
        while photos() and time.time() < deadline:
            time.sleep(1)
        assert not Path(sent["path"]).exists() and not photos(), photos()
        assert call(url, "predict", [upload(url, mine)])[0] == "complete"  # and the Space keeps serving
        # one visitor (address) uploads at most UPLOAD_QUOTA_MB while uploads last (here 1 MB for 3 s)
        time.sleep(3.5)
        blob = tmp_path / "blob.bin"
        blob.write_bytes(os.urandom(450_000))
        post = lambda: httpx.post(f"{url}gradio_api/upload", files={"files": ("blob.bin", blob.read_bytes())}, timeout=60)
        assert [post().status_code for _ in range(2)] == [200, 200]
        refused = post()
        assert refused.status_code == 429 and "at most 1 MB per visitor" in refused.json()["detail"]
        time.sleep(3.5)
        assert post().status_code == 200 and call(url, "predict", [upload(url, mine)])[0] == "complete"
