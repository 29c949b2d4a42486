"""The training CLI under `accelerate launch`: two CPU processes (gloo) train one model together, the main
process alone writes the artifact, and it serves like the single-process run's.

The task is recommend's tiny preset (seconds a run). The distributed run uses --bs 128 in each of its 2
processes, so a step sees 256 ratings, as the single-process run (bs 256) does: the same recipe, split in two.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO

from shared.training import checkpoint
from shared.tasks.recommend import train as task
from shared.tasks.recommend.serve import Predictor

LINE = re.compile(r"process (\d) of 2: trained on (\d+) batches; parameters sum to ([-+0-9.eE]+)$", re.M)


def launch(args: list[str], cwd, env: dict, timeout: float = 480) -> str:
    "accelerate launch with 2 processes on the CPU; its whole log (stopped, with its processes, on timeout)."
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
           "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
           "--num_cpu_threads_per_process", "1", "--main_process_port", "0", "-m", "shared.training.cli", *args]
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        log, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:  # torchrun runs each process in its own session: it must stop them itself
        proc.send_signal(signal.SIGTERM)
        try:
            log, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            log, _ = proc.communicate()
        pytest.fail(f"accelerate launch did not finish in {timeout}s:\n{log[-4000:]}")
    assert proc.returncode == 0, log[-4000:]
    return log.replace("\r", "\n")


@pytest.fixture(scope="module")
def runs(tmp_path_factory, data):
    "(log, artifact folder, run folder) of the 2-process run, and the single-process run's artifact folder."
    from shared.training import cli as train
    root = tmp_path_factory.mktemp("distributed")
    run = root / "run"
    run.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1",
           "HF_HOME": str(root / "hf")}  # no accelerate config of this machine's user
    log = launch(["recommend", "--preset", "tiny", "--bs", "128", "--out", str(run / "out")], run, env)
    single = train.main(["recommend", "--preset", "tiny", "--out", str(root / "single")])
    return log, run / "out", run, single


def test_both_processes_train_one_model_each_on_half_the_data(runs):
    log, out, _, _ = runs
    config = json.loads((out / "config.json").read_text())
    lines = [(int(r), int(n), float(s)) for r, n, s in LINE.findall(log)]
    cfg = task.Config(**{**task.PRESETS["tiny"], "preset": "tiny"})
    assert len(lines) == 2 * cfg.members, log[-4000:]  # every process reports after each member's fit
    for r in (0, 1):
        assert sum(1 for rank, _, _ in lines if rank == r) == cfg.members
    # each process gets half of every epoch's (shuffled) ratings, in batches of 128 (the last partial one dropped)
    half = -(-config["metrics"]["n_train_ratings"] // 2)
    assert {n for _, n, _ in lines} == {cfg.epochs * (half // 128)}
    # DistributedDataParallel: the two processes end every fit with the same parameters, to the last bit
    for fit in range(cfg.members):
        sums = {rank: s for rank, _, s in lines[2 * fit:2 * fit + 2]}
        assert sorted(sums) == [0, 1] and sums[0] == sums[1]
    assert len({s for _, _, s in lines}) == cfg.members  # and the members differ (distinct seeds)


def test_the_main_process_alone_evaluates_and_writes_one_artifact(runs):
    log, out, run, _ = runs
    assert [p.name for p in run.iterdir()] == ["out"]
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "config.json", "model.onnx", "model.safetensors"]
    assert log.count("\nmetrics: ") == 1 and log.count("\nsaved ") == 1
    config = json.loads((out / "config.json").read_text())
    assert config["command"].startswith("accelerate launch --num_processes 2 -m shared.training.cli recommend")
    assert config["command"] in (out / "README.md").read_text()


def test_the_artifact_serves_like_the_single_process_one(runs):
    _, out, _, single = runs
    (dist_config, dist_state, _), (one_config, one_state, _) = checkpoint.load_torch(out), checkpoint.load_torch(single)
    assert {k: (v.shape, v.dtype) for k, v in dist_state.items()} == {k: (v.shape, v.dtype) for k, v in one_state.items()}
    same = ("movie_ids", "titles", "counts", "n_factors", "y_range", "ranking")
    assert all(dist_config[k] == one_config[k] for k in same)
    assert {**dist_config["train_config"], "bs": 256} == one_config["train_config"]
    # the same data, network, seed and steps: close to the same model. (A single-process run with --seed 43
    # instead measured: movie-bias correlation 0.54, 7 of the same top 20; this run: 0.93, 19 of 20.)
    assert abs(dist_config["metrics"]["rmse"] - one_config["metrics"]["rmse"]) < 0.03
    dist, one = Predictor.load(out), Predictor.load(single)
    assert np.corrcoef(dist.bias, one.bias)[0, 1] > 0.8
    visitor = {str(one.movie_ids[i]): 4.5 for i in range(5)}
    recs = [r["movieId"] for r in dist.recommend(visitor, 20)]
    assert len(recs) == 20 and not set(recs) & {int(m) for m in visitor}
    assert len(set(recs) & {r["movieId"] for r in one.recommend(visitor, 20)}) >= 15
