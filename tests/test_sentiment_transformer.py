"""The sentiment transformer: pretrained MiniLM from its pip package, fine-tuned by the training CLI, exported to
ONNX, served with `tokenizers` + ONNX Runtime beside the n-gram baseline, and the committed model's quality."""
import hashlib
import json

import numpy as np
import pytest

from conftest import REPO
from shared.serving import artifact
from shared.training import checkpoint
from shared.serving import weights
from shared.training import pretrained
from shared.tasks.sentiment import verdict
from shared.tasks.sentiment.serve import Predictor
from shared.tasks.sentiment.transformer.wordpiece import WordPiece

MODEL = REPO / "spaces" / "sentiment" / "model"


@pytest.fixture(scope="module")
def wordpiece():
    folder = weights.text_model()
    return WordPiece(json.loads((folder / "tokenizer.json").read_text()), max_tokens=32, head=8)


def test_pretrained_text_model_is_the_pinned_file_from_its_package():
    folder = weights.text_model()
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in folder.iterdir()}
    with pytest.raises(weights.PretrainedError, match="sha256"):
        weights.check_sha256(folder / "config.json", weights.TEXT["all-MiniLM-L6-v2"].sha256)


def test_long_reviews_keep_their_head_and_tail(wordpiece):
    words = [f"word{i}" for i in range(200)]
    full = wordpiece.tok.encode(" ".join(words)).ids
    cut = wordpiece.encode([" ".join(words)])[0]
    assert len(cut) == 32 and cut[0] == wordpiece.cls and cut[-1] == wordpiece.sep
    assert cut[1:9] == full[1:9] and cut[9:-1] == full[-1 - 22:-1]
    short = wordpiece.encode(["A fine film.<br /><br />Loved it."])[0]
    assert short == wordpiece.tok.encode("A fine film.  Loved it.").ids


def test_training_cli_writes_a_transformer_artifact_with_its_baseline(tiny_minilm, tiny_sentiment):
    config, folder = artifact.load(tiny_minilm, task="sentiment")
    assert config["arch"] == "minilm" and config["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert "base_model: sentence-transformers/all-MiniLM-L6-v2" in (folder / artifact.CARD).read_text()
    digest = hashlib.sha256((tiny_sentiment / artifact.WEIGHTS).read_bytes()).hexdigest()
    assert config["ensemble"]["baseline_sha256"] == digest
    assert (folder / "baseline" / artifact.WEIGHTS).read_bytes() == (tiny_sentiment / artifact.WEIGHTS).read_bytes()


def test_retraining_in_place_keeps_the_baseline_it_combines_with(tiny_minilm, tmp_path):
    "`--out` the transformer artifact whose baseline/ is also `--baseline-model`: baseline/ stays, byte for byte."
    import shutil
    from shared.tasks.sentiment.config import TransformerConfig
    from shared.tasks.sentiment.transformer.export import bundle_baseline
    folder = tmp_path / "model"
    shutil.copytree(tiny_minilm, folder)
    before = (folder / "baseline" / artifact.WEIGHTS).read_bytes()
    bundle_baseline(folder, TransformerConfig(baseline_model=str(folder)))
    assert (folder / "baseline" / artifact.WEIGHTS).read_bytes() == before
    assert Predictor.load(folder / "baseline").predict(["A wonderful film."])[0]["positive"] > 0


def test_a_pass_from_earlier_weights_carries_them_its_commands_and_training_time(tiny_minilm, tiny_sentiment, tmp_path):
    """`--init-from` (how the default model's later passes start): the weights are the artifact's, the card lists
    its commands then this one, and train_seconds sums them (an export-only `--epochs 0` adds no training)."""
    from safetensors.numpy import load_file
    from shared.training import cli as train
    argv = ["sentiment", "--preset", "minilm-tiny", "--init-from", str(tiny_minilm), "--epochs", "0",
            "--baseline-model", str(tiny_sentiment), "--out", str(tmp_path / "again")]
    out = train.main(argv)
    before, after = artifact.load(tiny_minilm, task="sentiment")[0], artifact.load(out, task="sentiment")[0]
    assert after["command"].splitlines() == before["command"].splitlines() + ["python -m shared.training " + " ".join(argv)]
    assert before["metrics"]["train_seconds"] > 0
    assert before["metrics"]["train_seconds"] <= after["metrics"]["train_seconds"] < before["metrics"]["train_seconds"] + 5
    old, new = load_file(tiny_minilm / artifact.WEIGHTS), load_file(out / artifact.WEIGHTS)
    assert old.keys() == new.keys() and all(np.array_equal(old[k], new[k]) for k in old)
    assert "--epochs 0" in (out / artifact.CARD).read_text()
    assert FROZEN not in new and after["base_tensors"]["tensors"] == {FROZEN: FROZEN.removeprefix("body.")}


FROZEN = "body.embeddings.word_embeddings.weight"


@pytest.mark.parametrize("which", ["tiny", "committed"])
def test_frozen_embeddings_stay_out_of_the_artifact_and_come_back_from_the_pinned_package(which, request):
    """The word embeddings (frozen in training: half the transformer's weights) are not stored; the training side
    (`--init-from`, `shared.training.export`) reads them back from the sha256-pinned pip package, in the stored dtype, and
    the network loads strictly."""
    import torch
    from safetensors import safe_open
    from shared.tasks.sentiment.transformer.model import build_model
    folder = request.getfixturevalue("tiny_minilm") if which == "tiny" else MODEL
    with safe_open(str(folder / artifact.WEIGHTS), framework="numpy") as f:
        assert FROZEN not in f.keys() and "body.encoder.layer.0.attention.self.query.weight" in f.keys()
    config, state, _ = checkpoint.load_torch(folder, task="sentiment")
    base = pretrained.text_tensors("all-MiniLM-L6-v2", {FROZEN: "embeddings.word_embeddings.weight"})[FROZEN]
    dtype = state["body.encoder.layer.0.attention.self.query.weight"].dtype
    assert state[FROZEN].dtype == dtype and torch.equal(state[FROZEN], base.to(dtype))
    checkpoint.load_weights(build_model(config), {k: v.float() for k, v in state.items()}, config)  # strict


def test_onnx_model_gives_the_torch_networks_logits_on_padded_batches(tiny_minilm):
    "model.onnx against the network rebuilt from config.json + safetensors, reviews of different lengths together."
    import torch
    from shared.tasks.sentiment.transformer.export import onnx_fp32
    from shared.tasks.sentiment.transformer.model import build_model
    from shared.tasks.sentiment.transformer.serve import Predictor as TransformerPredictor
    config, state, _ = checkpoint.load_torch(tiny_minilm, task="sentiment")
    model = checkpoint.load_weights(build_model(config), {k: v.float() for k, v in state.items()}, config).eval()
    pred = TransformerPredictor({**config, "quantized": False}, onnx_fp32(model))
    texts = ["Great.", "A long and winding review of a film that was, in the end, dull and far too long. " * 3]
    with torch.no_grad():
        expected = model(torch.from_numpy(pred.wordpiece.batch(pred.wordpiece.encode(texts)))).numpy()
    np.testing.assert_allclose(pred.logits(texts, bs=2), expected, atol=1e-4)
    np.testing.assert_allclose(pred.logits(texts[:1], bs=1), expected[:1], atol=1e-4)


def test_the_verdict_is_the_fitted_combination_of_both_models(tiny_minilm):
    both = Predictor.load(tiny_minilm)
    assert isinstance(both, verdict.Predictor)
    v = both.read("A wonderful, moving film. I loved it.")
    e = both.ensemble
    lo = lambda p: np.log(p["positive"] / p["negative"])
    z = e["transformer"] * lo(v.transformer) + e["baseline"] * lo(v.baseline.probs) + e["bias"]
    assert v.probs["positive"] == pytest.approx(1 / (1 + np.exp(-z)), abs=1e-6)
    assert both.predict(["A wonderful, moving film. I loved it."])[0] == pytest.approx(v.probs)


def test_committed_model_is_the_transformer_with_its_baseline():
    both = Predictor.load(MODEL)
    assert isinstance(both, verdict.Predictor) and both.config["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert both.ensemble.get("baseline_sha256")  # the fitted weights, not the equal-weights fallback


def test_committed_transformer_reads_held_out_reviews_right(data):
    """Re-measured through the serving path on 200 validation reviews after the 2,000 the combination was fitted on
    (`python -m shared.training.evaluate` scores all 3,000): the transformer alone and the verdict."""
    from shared.tasks.sentiment.evaluate import evaluate
    metrics = evaluate(Predictor.load(MODEL), limit=200)
    assert metrics["n_valid_reviews"] == 200
    assert metrics["transformer_accuracy"] >= 0.88
    assert metrics["accuracy"] >= max(metrics["baseline_accuracy"], 0.9)


def test_sentence_pushes_point_the_right_way():
    both = Predictor.load(MODEL)
    pushes = dict(both.transformer.sentences(
        "The acting was superb and the music beautiful. The plot, however, was a boring, dreadful mess."))
    good, bad = list(pushes.values())
    assert good > 0 > bad


def test_make_train_sentiment_is_one_command_running_every_pass_from_the_one_before():
    "The n-gram pass, then the transformer passes, each `--init-from` the one before and combined with that n-gram model."
    from shared.tasks.sentiment import lineage
    recipe = (REPO / "Makefile").read_text().split("\ntrain-sentiment:")[1].split("\n\n")[0]
    assert "-m shared.tasks.sentiment.lineage --out spaces/sentiment/model" in recipe and recipe.count("$(PY)") == 1
    default = lineage.commands("default", "spaces/sentiment/model", "w")
    assert [argv[argv.index("--preset") + 1] for argv in default] == ["cpu", "minilm", "minilm-more", "minilm-third"]
    assert all(argv[argv.index("--baseline-model") + 1] == "w/ngram" for argv in default[1:])
    assert [argv[argv.index("--init-from") + 1] for argv in default[2:]] == ["w/minilm-1", "w/minilm-2"]
    assert [argv[argv.index("--out") + 1] for argv in default] == ["w/ngram", "w/minilm-1", "w/minilm-2",
                                                                   "spaces/sentiment/model"]


@pytest.mark.slow
def test_the_tiny_lineage_trains_every_pass_into_a_served_model(tmp_path):
    """The lineage's tiny variant runs every pass for real: the last folder serves both models, carries the first
    pass's n-gram model, lists the transformer's commands in order, and its card's numbers are what
    `shared.training.evaluate` measures on it."""
    from shared.tasks.sentiment import lineage
    from shared.training.evaluate import evaluate
    out = lineage.main(["--lineage", "tiny", "--out", str(tmp_path / "model"), "--work", str(tmp_path / "work")])
    config = artifact.read_config(out)
    commands = config["command"].splitlines()
    assert len(commands) == 2 and all("--preset minilm-tiny" in c for c in commands)
    assert f"--init-from {tmp_path / 'work' / 'minilm-1'}" in commands[1]
    ngram = tmp_path / "work" / "ngram"
    assert (out / "baseline" / artifact.WEIGHTS).read_bytes() == (ngram / artifact.WEIGHTS).read_bytes()
    assert artifact.read_config(ngram)["train_config"]["preset"] == "tiny"
    both = Predictor.load(out)
    assert isinstance(both, verdict.Predictor) and both.ensemble["baseline_sha256"] == verdict.weights_digest(ngram)
    assert evaluate("sentiment", out) == {k: v for k, v in config["metrics"].items() if k != "train_seconds"}
