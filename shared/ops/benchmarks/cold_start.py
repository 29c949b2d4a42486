"""Cold start of every Space against a trivial Gradio app started the same way, in the same run.

    python -m shared.ops.benchmarks.cold_start [--quick]      # COLD_START_ROUNDS=5 rounds by default
    COLD_START_SPACES=history python -m shared.ops.benchmarks.cold_start    # only these Spaces (comma-separated) + the bare app

A free Space sleeps and wakes on a visitor's click, so the first visitor waits for process start + imports +
model load + the first answer. Each app (every Space's `python app.py`, and `shared/ops/benchmarks/bare_app.py`:
one text box that echoes) is started from its own folder with the same environment, then polled until its
`/predict` has answered once with its first example through gradio_client (the same client path for all).
Rounds interleave the apps, so load on the machine hits them alike; the table gives each app's median and its
difference to the bare app's median. Goal: at most +2.0 s for every Space. On a machine shared with other work
the wall time stretches with the load; the server's own CPU seconds to its first answer (all its threads,
from /proc) are what it would take on a core of its own, so they are reported beside it.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from shared.gallery import app as gallery
from shared.ops.benchmarks.load import free_port

from shared import REPO
from shared.ops import bench
from shared.ops.sample import client_args, sample_request
BARE = Path(__file__).resolve().parent / "bare_app.py"
GOAL_S = 2.0


def cpu_seconds(pid: int) -> float:
    "User + system CPU seconds of a process so far, all its threads (Linux /proc)."
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_answer(app: Path, folder: Path, timeout: float = 600) -> tuple[float, float]:
    """(wall seconds, the server's CPU seconds) from starting `python app.py` to its first /predict answer; the
    process is stopped afterwards."""
    from gradio_client import Client
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
           "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(REPO)}
    url = f"http://127.0.0.1:{port}/"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(app)], cwd=app.parent, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{app} exited with {proc.returncode}")
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"{app} did not answer in {timeout} s")
            try:
                if httpx.get(url + "gradio_api/info", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        sample = sample_request(url, timeout=timeout)
        result = Client(url, verbose=False).predict(*client_args(sample, folder), api_name="/predict")
        seconds, cpu = time.perf_counter() - start, cpu_seconds(proc.pid)
        if result is None:
            raise RuntimeError(f"{app} answered None")
        return seconds, cpu
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def run(args) -> list[dict]:
    rounds = 1 if args.quick else int(os.environ.get("COLD_START_ROUNDS", 5))
    only = [n for n in os.environ.get("COLD_START_SPACES", "").split(",") if n]
    unknown = set(only) - set(gallery.space_names())
    if unknown:
        raise SystemExit(f"COLD_START_SPACES: no Space named {', '.join(sorted(unknown))}")
    apps = {"bare Gradio app": BARE, **{name: REPO / "spaces" / name / "app.py" for name in gallery.space_names()
                                        if not only or name in only}}
    seconds: dict[str, list[float]] = {name: [] for name in apps}
    cpu: dict[str, list[float]] = {name: [] for name in apps}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for name, app in apps.items():
                folder = Path(tmp) / f"{name}-{r}"
                folder.mkdir()
                wall, used = first_answer(app, folder)
                seconds[name].append(wall)
                cpu[name].append(used)
                print(f"round {r + 1}: {name} {wall:.2f} s wall, {used:.2f} s CPU", flush=True)
    bare, bare_cpu = statistics.median(seconds["bare Gradio app"]), statistics.median(cpu["bare Gradio app"])
    rows = []
    for name, s in seconds.items():
        med, med_cpu = statistics.median(s), statistics.median(cpu[name])
        row = {"app": name, "wall_s_p50": round(med, 2), "wall_s_min": round(min(s), 2),
               "cpu_s_p50": round(med_cpu, 2), "rounds": len(s)}
        if name != "bare Gradio app":
            row.update(wall_over_bare_s=round(med - bare, 2), cpu_over_bare_s=round(med_cpu - bare_cpu, 2),
                       goal=f"+{GOAL_S} s", meets_goal=max(med - bare, med_cpu - bare_cpu) <= GOAL_S)
        rows.append(row)
    return rows


if __name__ == "__main__":
    bench.main("cold_start", run)
