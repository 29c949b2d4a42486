"""Gradio's HTTP API without gradio_client: the two calls of Gradio's curl guide, plus the file upload.

    POST {url}gradio_api/upload                   multipart "files" -> ["/tmp/gradio/.../photo.jpg"]
    POST {url}gradio_api/call/{api}               {"data": [...]}   -> {"event_id": "..."}
    GET  {url}gradio_api/call/{api}/{event_id}    server-sent events, the last one `complete` (or `error`)

Load benchmarks use this so that they measure the server: a gradio_client per thread spends ~60-90 ms of CPU
on every request (more than the pets Space itself), and on a 2-core machine the clients would share the cores
with the server they measure. Any HTTP client (curl, JavaScript, another service) talks to a Space this way.
"""
from __future__ import annotations

import json
from pathlib import Path

import httpx


class CallError(RuntimeError):
    "The Space answered the call with an error event (the message a visitor would see)."


def upload(http: httpx.Client, url: str, path: str | Path) -> dict:
    "Upload one file; the FileData a call takes as a file input."
    path = Path(path)
    with path.open("rb") as f:
        r = http.post(f"{url}gradio_api/upload", files={"files": (path.name, f)})
    r.raise_for_status()
    return {"path": r.json()[0], "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}


def call(http: httpx.Client, url: str, api_name: str, data: list) -> list:
    "Run the endpoint `api_name` (no slash) on `data`; its outputs, or CallError with the server's message."
    r = http.post(f"{url}gradio_api/call/{api_name}", json={"data": data})
    r.raise_for_status()
    event_id = r.json()["event_id"]
    event = None
    with http.stream("GET", f"{url}gradio_api/call/{api_name}/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                payload = json.loads(line.split(":", 1)[1])
                if event == "error":
                    raise CallError(payload.get("error") if isinstance(payload, dict) else payload)
                return payload
    raise CallError(f"the stream of {api_name} ended without a result")


def predict_file(http: httpx.Client, url: str, path: str | Path, api_name: str = "predict") -> list:
    "Upload `path` and run `api_name` on it: what a visitor's upload costs the server."
    return call(http, url, api_name, [upload(http, url, path)])
