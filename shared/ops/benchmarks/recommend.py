"""Recommend: latency of a recommendation for a new visitor (fold-in + ranking + reasons), and training time.

    python -m shared.ops.benchmarks.recommend [--quick]

Visitors rate 1, 10 or 200 of the 1,000 most rated movies (random ratings from 0.5 to 5, fixed seed). The
served model is the Space's embedded default; training time is the cpu preset's fit (baselines not included).
Goal: recommend p50 <= 20 ms.
"""
from __future__ import annotations

import time

import numpy as np

from shared.ops import bench
from shared.tasks.recommend import train as task
from shared.tasks.recommend.serve import Predictor
from shared import REPO

MODEL = REPO / "spaces" / "recommend" / "model"
GOAL_MS = 20


def visitor(pred: Predictor, n: int, seed: int = 0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    popular = np.argsort(-pred.counts, kind="stable")[:1000]
    picks = rng.choice(popular, n, replace=False)
    return {str(pred.movie_ids[i]): float(rng.integers(1, 11) / 2) for i in picks}


def run(args) -> list[dict]:
    n = 20 if args.quick else 200
    pred = Predictor.load(MODEL)
    rows = []
    for n_ratings in (0, 1, 10, 200):
        ratings = visitor(pred, n_ratings)
        s = bench.summary(bench.timings(lambda: pred.recommend(ratings, 10), n=n))
        rows.append({"what": f"recommend k=10, {n_ratings} ratings" + (" (cold start)" if not n_ratings else ""),
                     **s, "goal_ms": GOAL_MS, "meets_goal": s["p50_ms"] <= GOAL_MS})
    ratings = visitor(pred, 10)
    idx, values = pred.parse(ratings)
    rows.append({"what": "fold-in alone, 10 ratings",
                 **bench.summary(bench.timings(lambda: pred.fold_in(idx, values), n=n))})
    rows.append({"what": "movies like this one, k=10",
                 **bench.summary(bench.timings(lambda: pred.similar(260, 10), n=n))})
    start = time.perf_counter()
    Predictor.load(MODEL)
    rows.append({"what": "load the model (cold start)", "p50_ms": round(1000 * (time.perf_counter() - start), 1), "n": 1})
    rows.append(training_time(args.quick))
    return rows


def training_time(quick: bool) -> dict:
    "Wall-clock and CPU seconds of the cpu preset's fit (the tiny preset with --quick)."
    from fastai.torch_core import set_seed
    preset = "tiny" if quick else "cpu"
    cfg = task.Config(**{**task.PRESETS[preset], "preset": preset, "compare_defaults": False})
    set_seed(cfg.seed, reproducible=True)
    learn = task.learner(cfg)
    wall, cpu = time.perf_counter(), time.process_time()
    with learn.no_bar(), learn.no_logging():
        task.fit(learn, cfg)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"what": f"train ({preset} preset: {cfg.epochs} epochs, {len(learn.dls.train_ds)} ratings)",
            "seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "rmse": round(task.rmse_of(learn), 4)}


if __name__ == "__main__":
    bench.main("recommend", run)
