"""Load and cold start of the whole suite: the gallery server, every Space, real gradio_client clients.

    python -m shared.ops.benchmarks.load                     # start the gallery, cold start + 20 clients x 25 requests per Space
    python -m shared.ops.benchmarks.load --url http://127.0.0.1:7860/ --space pets --clients 5 --requests 4
    python -m shared.ops.benchmarks.load                           # the same through the benchmark runner (table + JSON)

Each Space's request is its first example, sent to its `<space>_predict` endpoint (`shared.gallery.app.sample_request`),
by `--clients` concurrent gradio_client clients (threads) of `--requests` calls each. Every call must
succeed; the row says how many errors, p50 / p95 / max latency and the throughput. Without `--url` the
script starts `python -m shared.gallery` itself and first reports the suite's cold start: seconds from process
start to the landing page, and to every Space having answered one `/predict`.
This is a script, not a test: numbers go to BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from shared.gallery import app as gallery
from shared.ops.bench import summary, table

from shared import REPO
from shared.ops.sample import client_args, sample_request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepared_call(url: str, name: str, folder: Path) -> tuple[list, dict]:
    "(args for Client.predict, sample info) for the Space on page url/name of the suite: its first example."
    sample = sample_request(url, gallery.api_name(name), page=name)
    sub = folder / name
    sub.mkdir(exist_ok=True)
    return client_args(sample, sub), sample


def predict_once(url: str, name: str, args: list):
    from gradio_client import Client
    return Client(url, verbose=False).predict(*args, api_name=f"/{gallery.api_name(name)}")


def load_space(url: str, name: str, args: list, clients: int, requests: int) -> dict:
    "`clients` threads, each its own gradio_client Client, `requests` sequential /predict calls each."
    from gradio_client import Client
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def worker():
        try:
            client = Client(url, verbose=False)
        except Exception as e:  # noqa: BLE001 - a client that cannot connect is an error to count
            with lock:
                errors.extend([f"connect: {type(e).__name__}: {e}"] * requests)
            barrier.abort()
            return
        try:
            barrier.wait(timeout=300)
        except threading.BrokenBarrierError:
            pass
        for _ in range(requests):
            start = time.perf_counter()
            try:
                client.predict(*args, api_name=f"/{gallery.api_name(name)}")
                with lock:
                    latencies.append(time.perf_counter() - start)
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.append(f"{type(e).__name__}: {str(e)[:200]}")

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    row = {"space": name, "clients": clients, "requests": clients * requests, "errors": len(errors)}
    if latencies:
        s = summary(latencies)
        row.update(p50_ms=s["p50_ms"], p95_ms=s["p95_ms"], max_ms=round(max(latencies) * 1000, 1),
                   req_per_s=round(len(latencies) / wall, 2))
    row["wall_s"] = round(wall, 1)
    if errors:
        row["first_error"] = errors[0]
    return row


def start_gallery(port: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", "1"),
           "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "shared.gallery"], cwd=REPO, env=env,
                            stdout=open(log_path, "w"), stderr=subprocess.STDOUT)


def cold_start(proc: subprocess.Popen, url: str, names: list[str], t0: float, folder: Path,
               timeout: float = 900) -> tuple[dict, dict]:
    "Seconds from process start to the landing page, then to every Space having answered one /predict."
    deadline = t0 + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the gallery exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.perf_counter() > deadline:
            raise TimeoutError("the gallery did not start")
        time.sleep(0.2)
    landing = time.perf_counter() - t0
    calls = {}
    for name in names:
        args, _ = prepared_call(url, name, folder)
        predict_once(url, name, args)
        calls[name] = args
    every = time.perf_counter() - t0
    up = httpx.get(url + gallery.EXTRA + "/spaces.json", timeout=10).json()["spaces"]
    row = {"space": "suite cold start", "landing_page_s": round(landing, 1), "every_predict_s": round(every, 1),
           "spaces": len(names), "loaded_ok": sum(c.get("ok", False) for c in up)}
    return row, calls


def run(args) -> list[dict]:
    "Entry point for `python -m shared.ops.benchmarks.load` (and this script's main)."
    clients = getattr(args, "clients", None) or (4 if getattr(args, "quick", False) else 20)
    requests = getattr(args, "requests", None) or (3 if getattr(args, "quick", False) else 25)
    url = getattr(args, "url", None)
    names = getattr(args, "space", None) or None
    rows: list[dict] = []
    proc = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        try:
            if url is None:
                port = free_port()
                url = f"http://127.0.0.1:{port}/"
                t0 = time.perf_counter()
                proc = start_gallery(port, Path(tmp) / "gallery.log")
                names = names or gallery.space_names()
                row, calls = cold_start(proc, url, names, t0, folder)
                rows.append(row)
                print(table([row]), flush=True)
            else:
                url = url.rstrip("/") + "/"
                names = names or [c["name"] for c in httpx.get(url + gallery.EXTRA + "/spaces.json", timeout=10).json()["spaces"]
                                  if c.get("ok")]
                calls = {n: prepared_call(url, n, folder)[0] for n in names}
            for name in names:
                row = load_space(url, name, calls[name], clients, requests)
                print(table([row]), flush=True)
                rows.append(row)
            # the server still answers after the load
            for name in names:
                predict_once(url, name, calls[name])
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                if proc.returncode not in (0, -15, None):
                    print((Path(tmp) / "gallery.log").read_text()[-3000:], file=sys.stderr)
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m shared.ops.benchmarks.load", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a running gallery (default: start one, and measure its cold start)")
    p.add_argument("--space", action="append", help="only this Space (repeatable)")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=25, help="requests per client")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", default="bench-load.json")
    args = p.parse_args(argv)
    rows = run(args)
    from shared.ops.bench import machine
    result = {"task": "load", "command": "python -m shared.ops.benchmarks.load " + " ".join(argv or sys.argv[1:]),
              "machine": machine(), "rows": rows}
    print(table(rows))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    errors = sum(r.get("errors", 0) for r in rows)
    if errors:
        print(f"{errors} requests failed", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
