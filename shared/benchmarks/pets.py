"""Pets speed: the lean predictor against fastai's learn.predict on the same weights, in the same run;
8 concurrent clients against the Space and against a one-at-a-time learn.predict app; cold start.

    python -m shared.bench pets
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from shared.bench import summary, timings
from shared.images import open_image
from shared.tasks import pets

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "spaces" / "pets" / "app.py"
BASELINE_APP = Path(__file__).resolve().parent / "pets_baseline_app.py"
MODEL = os.environ.get("PETS_MODEL", str(APP.parent / "model"))
EXAMPLES = sorted(str(p) for p in (APP.parent / "examples").glob("*.jpg"))


def single_image_rows(n: int) -> list[dict]:
    photo = EXAMPLES[0]
    predictor = pets.Predictor.load(MODEL)
    learn = pets.fastai_learner(MODEL, EXAMPLES)
    lean = summary(timings(lambda: predictor.predict([predictor.open(photo)]), n))
    explain = summary(timings(lambda: predictor.gradcam(predictor.open(photo)), n))
    with learn.no_bar():
        fastai = summary(timings(lambda: learn.predict(photo), n))
    return [{"measure": "1 photo, file -> probabilities", "path": "fastai learn.predict", **fastai},
            {"measure": "1 photo, file -> probabilities", "path": "lean Predictor", **lean,
             "speedup_p50": round(fastai["p50_ms"] / lean["p50_ms"], 2)},
            {"measure": "1 photo, Grad-CAM heatmap", "path": "lean Predictor", **explain}]


def start(app: Path, port: int) -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
           "PYTHONPATH": str(REPO), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, str(app)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL), time.perf_counter()


def first_prediction(url: str, t0: float, timeout: float = 300):
    from gradio_client import Client, handle_file
    while time.perf_counter() - t0 < timeout:
        try:
            client = Client(url, verbose=False)
            client.predict(handle_file(EXAMPLES[0]), api_name="/predict")
            return client, time.perf_counter() - t0
        except Exception:
            time.sleep(0.2)
    raise TimeoutError(url)


def throughput(url: str, clients: int, per_client: int) -> dict:
    "`clients` threads, each its own gradio_client, each sending `per_client` photos; all must succeed."
    from gradio_client import Client, handle_file

    def work(i):
        c = Client(url, verbose=False)
        times = []
        for j in range(per_client):
            t = time.perf_counter()
            c.predict(handle_file(EXAMPLES[(i + j) % len(EXAMPLES)]), api_name="/predict")
            times.append(time.perf_counter() - t)
        return times

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        times = [t for ts in pool.map(work, range(clients)) for t in ts]
    wall = time.perf_counter() - t0
    return {"requests_per_s": round(len(times) / wall, 2), **summary(times)}


def server_rows(per_client: int) -> list[dict]:
    rows = []
    for name, app in (("one-at-a-time learn.predict app", BASELINE_APP), ("pets Space (lean, queue)", APP)):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc, t0 = start(app, port)
        try:
            _, cold = first_prediction(f"http://127.0.0.1:{port}/", t0)
            rows.append({"measure": "cold start to first prediction", "path": name, "seconds": round(cold, 2)})
            rows.append({"measure": "8 clients", "path": name, **throughput(f"http://127.0.0.1:{port}/", 8, per_client)})
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    base, lean = rows[1]["requests_per_s"], rows[3]["requests_per_s"]
    rows[3]["throughput_ratio"] = round(lean / base, 2)
    return rows


def run(args) -> list[dict]:
    n, per_client = (5, 2) if args.quick else (30, 6)
    return single_image_rows(n) + server_rows(per_client)
