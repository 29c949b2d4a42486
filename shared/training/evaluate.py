"""Measure a model through the serving path: the metrics its card reports, for any task.

    python -m shared.training.evaluate sentiment spaces/sentiment/model
    python -m shared.training.evaluate colorize spaces/colorize/model --limit 20     # a fixed slice, faster
    python -m shared.training.evaluate sentiment spaces/sentiment/model --url http://127.0.0.1:7860/   # the served Space

The task's `evaluate.evaluate(predictor, limit=..., **options)` scores `serve.Predictor.load(MODEL)` (what a
Space runs) on the held-out data named by the model's own config. Prints the metrics as JSON. With `--url`
(sentiment), the answers come over HTTP from the Space served there (running MODEL), as its visitors get them.
"""
from __future__ import annotations

import argparse
import json

from shared import tasks


def predictor(task: str, source):
    "The serving Predictor of `task` for the artifact at `source`."
    return tasks.get(task, "serve").Predictor.load(source)


def evaluate(task: str, source, limit: int = 0, **options) -> dict:
    "The card's metrics of the artifact at `source`, measured through its serving Predictor (as a Space loads it)."
    return tasks.get(task, "evaluate").evaluate(predictor(task, source), limit=limit, **options)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m shared.training.evaluate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("task", choices=tasks.NAMES)
    p.add_argument("model", help="model folder or user/repo[@revision]")
    p.add_argument("--limit", type=int, default=0, help="score at most this many held-out items (0 = all)")
    p.add_argument("--data", help="the held-out data's folder, when not the one the model was trained on")
    p.add_argument("--url", help="sentiment: ask the Space served at this URL (running MODEL) over HTTP instead")
    p.add_argument("--api-name", default="/predict", help="with --url: the endpoint (the gallery's: /sentiment_predict)")
    args = p.parse_args(argv)
    if args.url and args.task != "sentiment":
        p.error("--url: only the sentiment task is scored over HTTP so far")
    options = {"data": args.data} if args.data else {}
    if args.url:
        options.update(url=args.url, api_name=args.api_name)
    metrics = evaluate(args.task, args.model, args.limit, **options)
    print(json.dumps({"task": args.task, "model": str(args.model), **metrics}, indent=2))
    return metrics


if __name__ == "__main__":
    main()
