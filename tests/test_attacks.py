"""Issue 31's attacks, at a size CI can afford, against the real gallery server (every Space, one queue): each asserts
the clear message or the bound, and that the next normal request is answered. (Their memory before and after is in
BENCHMARKS.md: python -m shared.ops.benchmarks.attacks.)"""
from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from conftest import REPO
from shared.serving import bounds
from shared.ops.benchmarks import hostile
from test_bad_input import call, mcp, upload
from teach_zips import labelled_zip, photos_of

pytestmark = pytest.mark.slow
PHOTO = REPO / "spaces/pets/examples/pug_145.jpg"
SCIFI = {"260": 5.0, "1196": 5.0, "2571": 4.5}
REVIEW = "A wonderful, moving film with great acting."


def answered(url: str) -> None:
    "The next normal requests of three Spaces are answered."
    client = Client(url, verbose=False)
    breeds, _, _ = client.predict(handle_file(str(PHOTO)), api_name="/pets_predict")
    assert breeds["label"]
    assert client.predict(REVIEW, api_name="/sentiment_predict")[0]["label"] == "positive"
    assert len(client.predict(SCIFI, 5, api_name="/recommend_recommend")) == 5


def test_thirty_bytes_of_review_get_a_small_answer(gallery_server):
    "Was a 606 MB answer and +2.27 GB of server memory in 7.8 s; through MCP a 60-million-character tool result."
    review = "great xxwrep 121212121 good film"
    start = time.perf_counter()
    kind, out = call(gallery_server, "sentiment_predict", [review])
    seconds = time.perf_counter() - start
    print(f"\n30-byte review: answered in {seconds:.2f} s, {len(json.dumps(out)):,} bytes")
    assert kind == "complete" and len(json.dumps(out)) < 100_000
    assert "121212121" in [item["token"] for item in out[1]]  # shown as typed, not expanded
    error, text = mcp(gallery_server, "sentiment_predict", {"review": review})
    assert not error and len(text) < 100_000
    answered(gallery_server)


def test_a_lone_surrogate_in_a_review_gets_a_clear_message(gallery_server):
    body = '{"data": ["A fine film \\ud800 with great acting."]}'  # JSON may carry one; Python keeps it
    r = httpx.post(f"{gallery_server}gradio_api/call/sentiment_predict", content=body,
                   headers={"Content-Type": "application/json"}, timeout=60)
    stream = httpx.get(f"{gallery_server}gradio_api/call/sentiment_predict/{r.json()['event_id']}", timeout=60).text
    assert "event: error" in stream and "lone surrogate" in stream
    answered(gallery_server)


def test_a_header_bomb_photo_is_refused_before_decoding(gallery_server, tmp_path):
    "233 KB of 16-bit grey PNG, 10950x10950: was +2.8 GB in pets and +2.9 GB in colorize (BENCHMARKS: now ~0)."
    path = tmp_path / "grey16.png"
    path.write_bytes(hostile.png(10950, 10950, depth=16, colour=0))
    client = Client(gallery_server, verbose=False)
    for endpoint, message in (("/pets_predict", "too large to open here"), ("/colorize_predict", "120 megapixels")):
        with pytest.raises(AppError, match=message):
            client.predict(handle_file(str(path)), api_name=endpoint)
    path.write_bytes(hostile.lying_jpeg(6000, 6000))  # 632 bytes claiming 36 MP: it ran a full colorize (10.8 s)
    with pytest.raises(AppError, match="damaged: 632 bytes cannot hold 6000x6000 pixels"):
        client.predict(handle_file(str(path)), api_name="/colorize_predict")
    answered(gallery_server)


def test_a_request_body_over_the_bound_is_refused_before_parsing(gallery_server):
    "A 200 MB JSON body was parsed whole (+631 MB); 17 MB here is past the 16 MB bound, and gets 413 and a message."
    body = json.dumps({"data": ["x" * (bounds.MAX_BODY_MB * 2**20 + 2**20)]})
    r = httpx.post(f"{gallery_server}gradio_api/call/sentiment_predict", content=body,
                   headers={"Content-Type": "application/json"}, timeout=60)
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    parts = [b'{"data": ["', *(b"x" * 2**20 for _ in range(20)), b'"], "fn_index": 0, "session_hash": "s31"}']
    chunked = httpx.post(f"{gallery_server}gradio_api/queue/join", content=iter(parts),
                         headers={"Content-Type": "application/json"}, timeout=60)  # no Content-Length
    assert chunked.status_code == 422  # cut at the bound as it streamed in: the JSON ends there, unparsed
    answered(gallery_server)


def test_a_data_url_photo_is_stored_under_a_salted_hash(gallery_server):
    "Under a plain sha256 of its bytes, anyone holding an image could check whether another visitor had sent it."
    from gradio.utils import get_upload_folder
    data = PHOTO.read_bytes()
    url = "data:image/jpeg;base64," + base64.b64encode(data).decode()
    kind, _ = call(gallery_server, "pets_predict", [{"url": url, "meta": {"_type": "gradio.FileData"}}])
    assert kind == "complete"
    assert not (Path(get_upload_folder()) / hashlib.sha256(data).hexdigest()[:40]).exists()


def join(url: str, api_name: str, data: list, session: str | None = None) -> httpx.Response:
    "One request joining the queue, as the browser and gradio_client do (its answer is not read)."
    config = httpx.get(url + "config", params={"page": api_name.split("_")[0]}, timeout=30).json()
    index = next(i for i, d in enumerate(config["dependencies"]) if d.get("api_name") == api_name)
    fn_index = config["dependencies"][index].get("id", index)
    return httpx.post(url + "gradio_api/queue/join", timeout=30, json={
        "data": data, "fn_index": fn_index, "session_hash": session or uuid.uuid4().hex, "event_data": None,
        "trigger_id": None})


def drained(url: str, timeout: float = 180) -> None:
    "Wait until nothing waits in the queue, so the session's next tests find their places free."
    deadline = time.time() + timeout
    while httpx.get(url + "gradio_api/queue/status", timeout=10).json()["queue_size"] and time.time() < deadline:
        time.sleep(1)


def test_a_flood_of_teach_cannot_refuse_the_other_spaces(gallery_server, data, tmp_path):
    """66 /teach requests in 3.6 s made sentiment, recommend and pets answer "Queue is full" (503). Now /teach keeps
    at most 4 waiting (one lesson runs): the flood is refused there, and every other Space answers meanwhile."""
    images = data / "pets" / "images"
    archive = labelled_zip(tmp_path / "lesson.zip", {b: photos_of(images, b)[:3] for b in ("Bengal", "pug")})
    lesson = upload(gallery_server, archive)
    with ThreadPoolExecutor(8) as pool:  # each from its own visitor (session): only the event's bound applies
        flood = list(pool.map(lambda _: join(gallery_server, "pets_teach", [lesson]), range(16)))
    refused = [r for r in flood if r.status_code == 503]
    assert len(refused) >= 16 - 2 - 4 and all("Queue is full for pets_teach" in r.json()["detail"] for r in refused)
    answered(gallery_server)  # while the lessons that got in still run or wait
    drained(gallery_server)


def test_one_visitor_cannot_take_every_place_in_the_queue(gallery_server):
    "One session posting 20 slow requests at once: PER_VISITOR of them wait, the rest are refused with a message."
    session = uuid.uuid4().hex
    args = ["spirals", 64, 1000, 0.05, 0, "relu"]  # about a second each
    with ThreadPoolExecutor(10) as pool:
        posts = list(pool.map(lambda _: join(gallery_server, "history_predict", args, session), range(20)))
    refused = [r for r in posts if r.status_code == 503]
    assert 20 - bounds.PER_VISITOR - 2 <= len(refused) < 20
    assert all("Queue is full for you" in r.json()["detail"] for r in refused)
    assert len(Client(gallery_server, verbose=False).predict(*args, api_name="/history_predict")) == 3
    drained(gallery_server)
