"""What every benchmark shares: it prints a markdown table and writes JSON.

    python -m shared.ops.benchmarks.pets [--out bench-pets.json]     # shared/ops/benchmarks/pets.py

A benchmark module defines `run(args) -> list[dict]` (one row per measurement), uses the timing helpers below
and ends with `if __name__ == "__main__": bench.main("pets", run)`. Speed goals live here and in BENCHMARKS.md, never in timed unit tests.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path


def timings(fn, n: int = 30, warmup: int = 3) -> list[float]:
    "Seconds for each of `n` calls of fn() after `warmup` untimed calls."
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def summary(seconds: list[float]) -> dict:
    "p50 / p95 / mean in milliseconds."
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(p95, 2),
            "mean_ms": round(statistics.fmean(ms), 2), "n": len(ms)}


def machine() -> dict:
    "The machine, and torch's threads where the training stack is installed (serving-only benchmarks run without)."
    out = {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        import torch
    except ImportError:
        return out
    return {**out, "torch_threads": torch.get_num_threads(), "torch": torch.__version__, "cuda": torch.cuda.is_available()}


def table(rows: list[dict]) -> str:
    "A markdown table over the union of the rows' keys."
    cols = list(dict.fromkeys(k for r in rows for k in r))
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def main(task: str, run, argv=None):
    "Run benchmark `task` (its module's `run`): the table printed, the JSON written and printed."
    p = argparse.ArgumentParser(prog=f"python -m shared.ops.benchmarks.{task}", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", help="JSON file for the results (default bench-TASK.json)")
    p.add_argument("--quick", action="store_true", help="few repetitions: a smoke run, not numbers to report")
    p.add_argument("--url", help="a running Space to measure (benchmarks that start one otherwise)")
    args = p.parse_args(argv)
    args.task = task
    rows = run(args)
    result = {"task": task, "command": f"python -m shared.ops.benchmarks.{task} " + " ".join(sys.argv[1:] if argv is None else argv),
              "machine": machine(), "rows": rows}
    print(table(rows))
    Path(args.out or f"bench-{task}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return result

