"""Colorize latency on CPU: the lean serving path for 256, 512 and 2048 px photos (goal: <= 1 s at 512 px).

    python -m shared.ops.benchmarks.colorize [--quick]

Rows: the whole `Predictor.colorize` (network at working resolution + full-resolution Lab recombination),
the network alone (ONNX Runtime), the lossless PNG encoding the Space adds (Gradio's, PIL's default level),
and a 512 px photo through the Space itself (its own process, over HTTP: upload, /predict, the PNG back).
ONNX Runtime runs on the Space's threads a request (`runtime.serving_threads()`: 1 on 2 cores).
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image

from shared.ops.bench import summary, timings
from shared import REPO
from shared.ops import bench

SIDES = (256, 512, 2048)


def photo(side: int) -> Image.Image:
    "An example photo of the Space, scaled (up or down) to side x side."
    folder = REPO / "spaces" / "colorize" / "examples"
    path = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".png"))[0]
    return Image.open(path).convert("RGB").resize((side, side), Image.BICUBIC)


def run(args) -> list[dict]:
    from shared.serving import runtime
    from shared.tasks.colorize.serve import Predictor
    model = os.environ.get("COLORIZE_MODEL") or str(REPO / "spaces" / "colorize" / "model")
    predictor = Predictor.load(model)
    n, warm = (3, 1) if args.quick else (20, 3)
    rows = []
    for side in SIDES:
        img = photo(side)
        reps = max(3, n // 4) if side >= 2048 else n
        small = img.resize(predictor.working_size(*img.size), Image.BILINEAR)
        rows.append({"what": "colorize (whole serving path)", "input": f"{side}x{side}",
                     **summary(timings(lambda: predictor.colorize(img), reps, warm))})
        rows.append({"what": "network alone", "input": f"{side}x{side} -> {small.width}x{small.height}",
                     **summary(timings(lambda: predictor.predict_ab(small), reps, warm))})
        out = predictor.colorize(img)
        rows.append({"what": "PNG encoding (Gradio)", "input": f"{side}x{side}",
                     **summary(timings(lambda: out.save(io.BytesIO(), "png"), reps, warm))})
    for r in rows:
        r["threads"] = runtime.serving_threads()  # as the Space runs it: its cores shared by two requests
    rows.append(through_the_space(512, n, warm))
    return rows


def through_the_space(side: int, n: int, warm: int) -> dict:
    """A visitor's whole request to the Space itself (spaces/colorize/app.py in its own process): upload a
    `side` px photo, /predict, its full-size PNG back, over HTTP (shared.ops.benchmarks.http_api)."""
    import socket
    import subprocess
    import sys
    import tempfile
    import time

    import httpx

    from shared.ops.benchmarks.http_api import predict_file
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"photo-{side}.jpg"
        photo(side).save(path, quality=90)
        proc = subprocess.Popen([sys.executable, str(REPO / "spaces/colorize/app.py")], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client(timeout=120) as http:
                for _ in range(600):
                    if proc.poll() is not None:
                        raise RuntimeError(f"spaces/colorize/app.py exited with code {proc.returncode} before serving")
                    try:
                        if http.get(url).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    time.sleep(0.5)
                row = summary(timings(lambda: predict_file(http, url, path), n, warm))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return {"what": "through the Space (HTTP: upload, /predict, PNG)", "input": f"{side}x{side}", **row,
            "threads": "Space"}


if __name__ == "__main__":
    bench.main("colorize", run)
