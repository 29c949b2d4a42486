"""Pets speed: the lean predictor against fastai's learn.predict on the same weights, in the same run;
8 concurrent clients against the Space and against a one-at-a-time learn.predict app; cold start.

    python -m shared.ops.benchmarks.pets

The 8 clients speak Gradio's HTTP API (`http_api`: upload, call, read the result), a cost small enough that the
server, not the load generator, is what is measured on 2 cores; the same 8 clients as gradio_client threads
(~60-90 ms of client CPU a request) are measured too. `server_cpu_ms` is the server process's CPU time per
request: what a request costs a 2-vCPU Space, whoever sends it.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import torch

from shared.serving import runtime
from shared.ops.bench import summary, timings
from shared.ops.benchmarks import http_api
from shared.tasks.pets import train
from shared.tasks.pets.serve import Predictor

from shared import REPO
from shared.ops import bench
APP = REPO / "spaces" / "pets" / "app.py"
BASELINE_APP = Path(__file__).resolve().parent / "pets_baseline_app.py"
MODEL = os.environ.get("PETS_MODEL", str(APP.parent / "model"))
EXAMPLES = sorted(str(p) for p in (APP.parent / "examples").glob("*.jpg"))


def single_image_rows(n: int) -> list[dict]:
    "Both paths in this process with the threads the Space serves with (ui.launch sets them)."
    torch.set_num_threads(runtime.serving_threads())
    photo = EXAMPLES[0]
    predictor = Predictor.load(MODEL)  # as served: model.onnx in ONNX Runtime, numpy preprocessing
    learn = train.fastai_learner(MODEL, EXAMPLES)
    with learn.no_bar():
        fastai = summary(timings(lambda: learn.predict(photo), n))
    rows = [{"measure": "1 photo, file -> probabilities", "path": "fastai learn.predict", **fastai,
             "torch_threads": torch.get_num_threads()}]
    lean = summary(timings(lambda: predictor.predict([predictor.open(photo)]), n))
    rows.append({"measure": "1 photo, file -> probabilities", "path": "lean Predictor (model.onnx, as served)", **lean,
                 "speedup_p50": round(fastai["p50_ms"] / lean["p50_ms"], 2)})
    explain = summary(timings(lambda: predictor.heatmap(predictor.open(photo)), n))
    return rows + [{"measure": "1 photo, class activation map", "path": "lean Predictor (model.onnx)", **explain}]


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


def cpu_seconds(pid: int) -> float:
    "User + system CPU time of a process so far (Linux /proc)."
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def http_client(url: str):
    "A client of Gradio's HTTP API: one upload + one call per photo."
    http = httpx.Client(timeout=120)
    return lambda photo: http_api.predict_file(http, url, photo)


def gradio_client(url: str):
    from gradio_client import Client, handle_file
    client = Client(url, verbose=False)
    return lambda photo: client.predict(handle_file(photo), api_name="/predict")


def throughput(url: str, pid: int, clients: int, per_client: int, make_client=http_client) -> dict:
    "`clients` threads, each its own client, each sending `per_client` photos; all must succeed."
    def work(i):
        send = make_client(url)
        times = []
        for j in range(per_client):
            t = time.perf_counter()
            send(EXAMPLES[(i + j) % len(EXAMPLES)])
            times.append(time.perf_counter() - t)
        return times

    t0, cpu0 = time.perf_counter(), cpu_seconds(pid)
    with ThreadPoolExecutor(clients) as pool:
        times = [t for ts in pool.map(work, range(clients)) for t in ts]
    wall, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    return {"requests_per_s": round(len(times) / wall, 2), **summary(times),
            "server_cpu_ms": round(1000 * cpu / len(times), 1)}


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
            for measure, make_client in (("8 clients, HTTP API", http_client), ("8 clients, gradio_client", gradio_client)):
                rows.append({"measure": measure, "path": name,
                             **throughput(f"http://127.0.0.1:{port}/", proc.pid, 8, per_client, make_client)})
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    for space in rows[len(rows) // 2:]:  # the Space's rows after the baseline's, in the same order
        base = next(r for r in rows if r["measure"] == space["measure"])
        if "requests_per_s" in space:
            space["throughput_ratio"] = round(space["requests_per_s"] / base["requests_per_s"], 2)
    return rows


def run(args) -> list[dict]:
    n, per_client = (5, 2) if args.quick else (30, 12)
    return single_image_rows(n) + server_rows(per_client)


if __name__ == "__main__":
    bench.main("pets", run)
