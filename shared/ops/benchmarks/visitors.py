"""Recommend for real MovieLens users the model never saw, their ratings sent as they are, through the Space's API.

    python -m shared.ops.benchmarks.visitors                          # starts spaces/recommend/app.py on a free port
    python -m shared.ops.benchmarks.visitors --url http://127.0.0.1:7860/

The held-out users are those the model's own training split kept out (`shared.tasks.recommend.data.split` with the
model card's train_config: same data, seed and count), so none of their ratings shaped the model. Each sends 10 of
their ratings, drawn at random (fixed seed) from everything they rated, unknown movies included (movies only
held-out users rated are not in the model), to `/recommend` with k=20 over HTTP (gradio_client). Every request
must answer. recall@20: the share of the user's other liked movies (rated >= 4, excluding the 10 sent; only
movies the model can recommend) found in the 20 returned, divided by min(20, how many there are); the same for
the 20 most rated movies the user did not send (the most-popular list). Goal: every request answers and the
model's mean recall@20 >= 1.3x the most-popular list's.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np

from shared.tasks.recommend.config import train_config
from shared.tasks.recommend.data import read, split
from shared.tasks.recommend.serve import Predictor

from shared import REPO
from shared.ops import bench
APP = REPO / "spaces" / "recommend" / "app.py"
GIVEN, K, LIKED, GOAL = 10, 20, 4.0, 1.3


def held_out_users(pred: Predictor):
    "The ratings of the users the model's training split kept out, as a DataFrame (userId, movieId, rating)."
    cfg = train_config(pred.config["train_config"])
    ratings, _ = read(cfg)
    _, held = split(ratings, cfg)
    return held


def start_app() -> tuple[subprocess.Popen, str]:
    from shared.ops.benchmarks.load import free_port
    import httpx
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
           "PYTHONPATH": str(REPO), "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([sys.executable, str(APP)], cwd=APP.parent, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(240):
        try:
            if httpx.get(url + "gradio_api/info", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise TimeoutError("the recommend Space did not start")


def run(args) -> list[dict]:
    from gradio_client import Client
    pred = Predictor.load(APP.parent / "model")
    held = held_out_users(pred)
    proc, url = (None, args.url) if getattr(args, "url", None) else start_app()
    try:
        client = Client(url, verbose=False)
        rng = np.random.default_rng(0)
        popular = [pred.movie_ids[i] for i in np.argsort(-pred.counts, kind="stable")]
        recalls, pop_recalls, errors, unknown_sent, users = [], [], [], 0, 0
        for user_id, user in held.groupby("userId"):
            if len(user) <= GIVEN:
                continue
            users += 1
            pick = rng.permutation(len(user))
            given, other = user.iloc[pick[:GIVEN]], user.iloc[pick[GIVEN:]]
            sent = {str(m): float(r) for m, r in zip(given.movieId, given.rating)}
            unknown_sent += sum(int(m) not in pred.index for m in given.movieId)
            try:
                recs = client.predict(sent, K, api_name="/recommend")
            except Exception as e:  # every request must answer: count and show what did not
                errors.append(f"user {user_id}: {type(e).__name__}: {str(e)[:120]}")
                continue
            liked = {int(m) for m, r in zip(other.movieId, other.rating) if r >= LIKED and int(m) in pred.index}
            if not liked:
                continue
            top = {r["movieId"] for r in recs}
            pop = [m for m in popular if str(m) not in sent][:K]
            recalls.append(len(liked & top) / min(K, len(liked)))
            pop_recalls.append(len(liked & set(pop)) / min(K, len(liked)))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    model, popular_recall = float(np.mean(recalls)), float(np.mean(pop_recalls))
    ratio = round(model / popular_recall, 2) if popular_recall else None
    for e in errors:
        print(e, file=sys.stderr)
    return [{"held-out users": users, "requests": users, "errors": len(errors),
             "sent ratings of unknown movies": unknown_sent, "users with liked movies left": len(recalls),
             f"recall@{K} model": round(model, 4), f"recall@{K} most popular": round(popular_recall, 4),
             "ratio": ratio, "goal": f">= {GOAL}x, 0 errors",
             "meets_goal": bool(not errors and ratio is not None and ratio >= GOAL)}]


if __name__ == "__main__":
    bench.main("visitors", run)
