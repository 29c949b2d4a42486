"""One way through (issue 30): a training run exports, converts to ONNX and saves exactly once, and the numbers on
its card are those that `python -m shared.training.evaluate TASK FOLDER` measures on the saved folder."""
import json
from contextlib import ExitStack
from unittest.mock import patch

import pytest

from shared import tasks
from shared.serving import artifact
from shared.training import checkpoint, cli, evaluate, export


def recorder(real, returned: list):
    "`real`, its return values kept in `returned`."
    def call(*args, **kwargs):
        out = real(*args, **kwargs)
        returned.append(out)
        return out
    return call


@pytest.mark.parametrize("name, preset", [("recommend", "tiny"), ("pets", "tiny"),
                                          pytest.param("sentiment", "tiny", marks=pytest.mark.slow),
                                          pytest.param("sentiment", "minilm-tiny", marks=pytest.mark.slow),
                                          pytest.param("colorize", "tiny", marks=pytest.mark.slow)])
def test_a_training_run_exports_converts_and_saves_once_and_its_card_shows_the_saved_folders_numbers(
        name, preset, tmp_path, data, capsys):
    train, exports = tasks.get(name), []
    spies = {"export": patch.object(train, "export", wraps=recorder(train.export, exports)),
             "servable": patch.object(export, "servable", wraps=export.servable),
             "to_onnx": patch.object(train, "to_onnx", wraps=train.to_onnx),
             "save": patch.object(checkpoint, "save", wraps=checkpoint.save)}
    argv = [name, "--preset", preset, "--out", str(tmp_path / name)]
    with ExitStack() as stack:  # the real code runs; the spies count
        calls = {k: stack.enter_context(spy) for k, spy in spies.items()}
        folder = cli.main(argv)
    assert {k: m.call_count for k, m in calls.items()} == {k: 1 for k in calls}
    files = {p.name for p in folder.iterdir()}
    assert set(artifact.FILES) <= files and files - set(artifact.FILES) <= {"baseline"}  # the transformer's n-gram

    capsys.readouterr()
    evaluate.main([name, str(folder)])  # python -m shared.training.evaluate TASK FOLDER
    printed = json.loads(capsys.readouterr().out)
    measured = {k: v for k, v in printed.items() if k not in ("task", "model")}
    config = json.loads((folder / artifact.CONFIG).read_text())
    metrics = config["metrics"]
    assert {k: metrics[k] for k in measured} == measured and len(measured) >= 2
    learned = exports[0][1].get("training_metrics", {})  # what only the learner could measure, named so by export
    assert set(metrics) - set(measured) == set(learned) | {"train_seconds"}
    assert "training_metrics" not in config
    _, cfg, _ = cli.parse(argv)
    assert (folder / artifact.CARD).read_text() == train.card(cfg, {**learned, **measured,
                                                                    "train_seconds": metrics["train_seconds"]},
                                                              config["command"])
