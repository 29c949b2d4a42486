"""History Space: the time each experiment takes from settings to picture (what a visitor waits for).

    python -m shared.ops.benchmarks.history            # goal: every experiment well under 1 s on 2 CPU cores

Each row times the same function the Space calls (shared.tasks.history.experiments), training and drawing
included, with the Space's default settings and the heavier examples it offers.
"""
from __future__ import annotations

import os
import statistics
import time

from shared.ops.bench import summary
from shared.tasks.history import experiments as ex, story
from shared.ops import bench

CASES = [  # name, settings, callable
    ("threshold neuron (AND)", "w=(1,1) θ=2", lambda: ex.neuron(1, 1, 2, "and")),
    ("threshold neuron search", "15,625 settings", lambda: ex.neuron_search()),
    ("perceptron AND", "lr 1, ≤30 epochs", lambda: ex.perceptron("and", 1.0, 30)),
    ("perceptron XOR", "lr 1, 100 epochs", lambda: ex.perceptron("xor", 1.0, 100)),
    ("perceptron my points", "6 points", lambda: ex.perceptron(ex.MY_POINTS, 1.0, 30, None, ex.EXAMPLE_POINTS)),
    ("two layers XOR (predict)", "4 units, 300 steps", lambda: ex.two_layers("xor", 4, 300)),
    ("two layers circles", "3 units, 300 steps", lambda: ex.two_layers("circles", 3, 300)),
    ("two layers spirals", "32 units relu, 500 steps", lambda: ex.two_layers("spirals", 32, 500, 0.05, 0, "relu")),
    ("two layers spirals, max", "64 units, 1000 steps", lambda: ex.two_layers("spirals", 64, 1000)),
    ("approximation", "8 units vs 3 layers, 500 steps", lambda: ex.approximation("sin(2*x)", 8, 3, 500)),
    ("approximation, max", "64 units vs 5 layers, 1000 steps",
     lambda: ex.approximation("sin(2*x)", 64, 5, 1000)),
]


def wall_and_cpu(fn, n: int, warmup: int = 1) -> tuple[list[float], list[float]]:
    """Seconds of wall clock and of this process's CPU for each of n calls. On a shared machine the wall clock
    includes waiting for a core; the CPU time is what the experiment itself costs."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return wall, cpu


def run(args) -> list[dict]:
    n = 2 if args.quick else 10
    rows = []
    w, c = time.perf_counter(), time.process_time()
    story.timeline_image(), story.pdp_image()
    rows.append({"experiment": "timeline + PDP pictures (once, at start)", "settings": "",
                 **summary([time.perf_counter() - w]), "cpu_p50_ms": round((time.process_time() - c) * 1000, 2)})
    for name, settings, fn in CASES:
        wall, cpu = wall_and_cpu(fn, n)
        rows.append({"experiment": name, "settings": settings, **summary(wall),
                     "cpu_p50_ms": round(statistics.median(cpu) * 1000, 2)})
    rows.append({"experiment": f"(load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"})
    return rows


if __name__ == "__main__":
    bench.main("history", run)
