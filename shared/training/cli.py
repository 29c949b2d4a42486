"""Train any task and save a pickle-free artifact (optionally pushed to the Hub).

    python -m shared.training pets --preset cpu --out models/pets
    python -m shared.training pets --preset gpu --out models/pets --push-to-hub you/pets-classifier
    python -m shared.training pets --preset tiny --out /tmp/pets   # seconds, for tests
    accelerate launch -m shared.training.cli pets --preset gpu --out models/pets   # one process per GPU (shared.training.distributed)

Every field of the task's `Config` dataclass is also a flag (`--epochs 3`, `--arch resnet18`, ...);
the resolved config is saved in the artifact's config.json and model card.

One way through, each step once: the task's `learner` and `fit`; its `export` (weights, config with every serving
choice, model.onnx); `checkpoint.save`; `shared.training.evaluate` on the saved folder, through the serving
Predictor as a Space loads it; those numbers into config.json and the card (`checkpoint.record`).
"""
from __future__ import annotations

import argparse
import dataclasses
import shlex
import sys
import time

from shared import tasks
from shared.serving import artifact
from shared.training import checkpoint
from shared.training import distributed
from shared.training import evaluate


def parse(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    top = argparse.ArgumentParser(add_help=False)
    top.add_argument("task", choices=tasks.NAMES)
    known, _ = top.parse_known_args(argv)
    task = tasks.get(known.task)
    p = argparse.ArgumentParser(prog="python -m shared.training", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("task", choices=tasks.NAMES)
    p.add_argument("--preset", default="cpu", choices=sorted(task.PRESETS))
    p.add_argument("--out", required=True, help="folder for model.safetensors, config.json, README.md")
    p.add_argument("--push-to-hub", metavar="REPO_ID", help="also upload the folder to this Hub model repo")
    p.add_argument("--lr-find", action="store_true", help="run fastai's lr_find first and print its suggestion")
    p.add_argument("--init-from", metavar="SOURCE", help="start from this artifact's weights (folder or Hub id; "
                                                          "same architecture): train longer, or on your own data")
    for f in dataclasses.fields(task.Config):
        if f.name == "preset":
            continue
        kind = (lambda s: s.lower() in ("1", "true", "yes")) if f.type in (bool, "bool") else type(f.default)
        p.add_argument(f"--{f.name.replace('_', '-')}", type=kind, default=None, help=f"default {f.default!r}")
    args = p.parse_args(argv)
    overrides = {f.name: getattr(args, f.name) for f in dataclasses.fields(task.Config)
                 if f.name != "preset" and getattr(args, f.name) is not None}
    cfg = task.Config(**{**task.PRESETS[args.preset], **overrides, "preset": args.preset})
    return task, cfg, args


def main(argv=None):
    task, cfg, args = parse(argv)
    if args.lr_find and distributed.active():  # each process would stop at its own loss, leaving the others waiting
        raise SystemExit("--lr-find runs in one process: python -m shared.training ... --lr-find, then launch the training")
    launcher = (f"accelerate launch --num_processes {distributed.world_size()} -m shared.training.cli"
                if distributed.active() else "python -m shared.training")
    command = f"{launcher} " + shlex.join(sys.argv[1:] if argv is None else argv)
    from fastai.torch_core import set_seed
    distributed.start()  # nothing unless started by accelerate launch (or torchrun)
    set_seed(cfg.seed, reproducible=True)
    if distributed.is_main():
        print(f"config: {cfg}", flush=True)
    learn = distributed.build(task.learner, cfg)
    if distributed.active():  # the same data and network in every process; their own augmentations and dropout
        set_seed(cfg.seed + distributed.rank(), reproducible=True)
    earlier = 0.0  # training seconds of the commands that led to the weights this run starts from
    if args.init_from:  # the card then shows every command that led to these weights, in order
        config, state, _ = checkpoint.load_torch(args.init_from, task=args.task)
        checkpoint.load_weights(learn.model, state, config)
        command = f"{config.get('command', f'# weights from {args.init_from}')}\n{command}"
        earlier = float(config.get("metrics", {}).get("train_seconds", 0.0))
    with distributed.every_fit():
        if args.lr_find:
            print(f"lr_find suggests: {learn.lr_find(show_plot=False)}", flush=True)
        start = time.time()
        task.fit(learn, cfg)
        seconds = round(time.time() - start, 1)  # training alone; evaluation (and its baselines) is not counted
    if not distributed.finish():
        return None  # the main process alone exports, saves, measures and pushes
    # one way through: export once (every serving choice made there), save once, measure the saved folder as a
    # Space loads it, and write those numbers on the card
    state, config, onnx = task.export(learn, cfg)
    learned = config.get("training_metrics") or {}  # what only the learner could measure (fastai's RMSE, CV)
    config = {**{k: v for k, v in config.items() if k != "training_metrics"}, "metrics": {}, "command": command}
    folder = checkpoint.save(args.out, state, config, "", onnx=onnx)
    if hasattr(task, "after_save"):  # files the task keeps beside the artifact's own (sentiment: its baseline/)
        task.after_save(folder, cfg)
    # train_seconds: the training of every command on the card, summed (an export-only `--epochs 0` adds nothing)
    metrics = {**learned, **evaluate.evaluate(args.task, folder), "train_seconds": round(earlier + seconds, 1)}
    print(f"metrics: {metrics}", flush=True)
    checkpoint.record(folder, metrics, task.card(cfg, metrics, command))
    print(f"saved {folder}", flush=True)
    if args.push_to_hub:
        print(f"pushed to {artifact.push(folder, args.push_to_hub)}", flush=True)
    return folder


if __name__ == "__main__":
    main()
