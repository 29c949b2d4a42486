"""Loopback stand-ins for the two Hugging Face services the tests cannot reach: small real HTTP servers that
record every request and answer as the service does (its status codes and JSON, nothing more).

- `device_api()`: ZeroGPU's device API, which the `spaces` package calls when SPACES_ZERO_GPU=true (its URL
  is SPACES_ZERO_DEVICE_API_URL): POST /startup-report at `launch()`, then /schedule, /allow and /release
  around each `spaces.GPU` call. /schedule hands out this machine's GPU (by UUID) when it has one.
- `hub(answer)`: the Hub's HTTP API (HF_ENDPOINT), answering through `answer(method, path, body)`.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer):
        self.requests: list[tuple[str, str, bytes]] = []
        self.answer = answer  # (method, path, body) -> (status, headers, json-able body)
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def paths(self, method: str | None = None) -> list[str]:
        return [p for m, p, _ in self.requests if method in (None, m)]


class Handler(BaseHTTPRequestHandler):
    def _handle(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append((self.command, self.path, body))
        status, headers, payload = self.server.answer(self.command, self.path, body)
        data = json.dumps(payload).encode()
        self.send_response(status)
        for k, v in {"content-type": "application/json", **headers}.items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, *args):
        pass


@contextmanager
def serving(answer):
    server = Recorder(answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def gpu_uuid() -> str | None:
    "This machine's first NVIDIA GPU (`nvidia-smi -L`), or None: ZeroGPU's worker needs a real one."
    if not shutil.which("nvidia-smi"):
        return None
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        if "UUID: " in line:
            return line.split("UUID: ")[1].rstrip(")").strip()
    return None


def device_api(uuid: str | None = None):
    "ZeroGPU's device API on loopback (a context manager yielding the Recorder)."
    def answer(method, path, body):
        if path.startswith("/schedule"):
            return 200, {}, {"idle": False, "nvidiaIndex": 0, "nvidiaUUID": uuid or "GPU-none", "allowToken": "t"}
        return 200, {}, {}
    return serving(answer)


def hub(answer):
    "The Hub's API on loopback: `answer(method, path, body) -> (status, headers, payload)`."
    return serving(answer)
