"""The artifact: a folder of safetensors + ONNX + JSON + model card; one loader for folders and Hub ids; no pickle.
Shown on a tiny sentiment model (trained in seconds by the real CLI); every task shares this code."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from safetensors.torch import load_file, save_file

from shared.serving import artifact
from shared.training import export
from shared.serving.artifact import ArtifactError
from shared.tasks.sentiment.serve import Predictor

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def copy(tiny_sentiment, tmp_path):
    dst = tmp_path / "model"
    shutil.copytree(tiny_sentiment, dst)
    return dst


def test_folder_has_weights_network_config_and_card(tiny_sentiment):
    assert sorted(p.name for p in tiny_sentiment.iterdir()) == ["README.md", "config.json", "model.onnx",
                                                                 "model.safetensors"]
    config = json.loads((tiny_sentiment / "config.json").read_text())
    assert config["format_version"] == artifact.FORMAT_VERSION == 2 and config["task"] == "sentiment"
    assert {"torch", "fastai", "python", "onnxruntime"} <= set(config["versions"])
    assert config["train_config"]["preset"] == "tiny" and "metrics" in config
    card = (tiny_sentiment / "README.md").read_text()
    front = card.split("---")[1]
    for key in ("library_name: onnx", "license:", "datasets:", "model-index:"):
        assert key in front
    assert "python -m shared.training sentiment --preset tiny" in card and "serve.Predictor.load" in card


@pytest.mark.parametrize("name", ["model.safetensors", "model.onnx", "config.json"])
def test_a_missing_file_is_named(copy, name):
    (copy / name).unlink()
    with pytest.raises(ArtifactError, match=f"has no {re.escape(name)}"):
        Predictor.load(copy)


def test_both_missing_files_are_named_and_the_fix_is_given(copy):
    (copy / "model.onnx").unlink()
    with pytest.raises(ArtifactError, match="python -m shared.training.export"):
        Predictor.load(copy)
    (copy / "model.safetensors").unlink()
    with pytest.raises(ArtifactError, match="has no model.safetensors and no model.onnx"):
        Predictor.load(copy)


def test_re_export_restores_a_servable_artifact(copy, tiny_sentiment):
    "python -m shared.training.export FOLDER rebuilds model.onnx from the weights: the same answers as the trained one."
    (copy / "model.onnx").unlink()
    out = subprocess.run([sys.executable, "-m", "shared.training.export", str(copy)], cwd=REPO, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}, timeout=300)
    assert out.returncode == 0 and "wrote" in out.stdout, out.stderr[-2000:]
    review = "A tense, beautifully shot thriller; the ending fell flat."
    assert Predictor.load(copy).read(review).probs == Predictor.load(tiny_sentiment).read(review).probs


def edit_config(folder, **changes):
    config = json.loads((folder / "config.json").read_text())
    config.update(changes)
    (folder / "config.json").write_text(json.dumps(config))


def test_format_too_new(copy):
    edit_config(copy, format_version=artifact.FORMAT_VERSION + 1)
    with pytest.raises(ArtifactError, match="format_version 3; this code reads up to 2"):
        Predictor.load(copy)


def test_wrong_task(copy):
    edit_config(copy, task="colorize")
    with pytest.raises(ArtifactError, match="holds a 'colorize' model, not a 'sentiment' model"):
        Predictor.load(copy)


def test_version_drift_is_named(copy, caplog):
    "Weights that no longer fit the network the installed libraries build: a clear error naming the versions."
    config = json.loads((copy / "config.json").read_text())
    edit_config(copy, versions={**config["versions"], "torch": "1.0.0"})
    state = load_file(copy / "model.safetensors")
    state.pop("b")  # as if a new release renamed a parameter
    save_file(state, copy / "model.safetensors")
    with pytest.raises(ArtifactError, match="version drift.*'torch': '1.0.0'"):
        export.export(copy)
    assert "other library versions" in caplog.text


def test_not_safetensors(copy):
    (copy / "model.safetensors").write_bytes(b"\x80\x04this is a pickle, not safetensors")
    with pytest.raises(ArtifactError, match="model.safetensors is not a readable safetensors file"):
        Predictor.load(copy)


@pytest.mark.parametrize("junk", [b"", b"\x80\x04a pickle", b"\x08\x07 but then garbage"])
def test_not_onnx(copy, junk):
    (copy / "model.onnx").write_bytes(junk)
    with pytest.raises(ArtifactError, match="model.onnx (is not an ONNX model|cannot be run by ONNX Runtime)"):
        Predictor.load(copy)


def test_bad_source_names_the_problem():
    with pytest.raises(ArtifactError, match="neither a folder nor a Hub repo id"):
        artifact.load("no/such/folder/here")


def test_nothing_unpickles_anywhere():
    "No load_learner, pickle.load or torch.load without weights_only=True in the project's code."
    bad = re.compile(r"load_learner\(|pickle\.loads?\(|cloudpickle|torch\.load\((?![^)]*weights_only=True)")
    files = [p for p in REPO.rglob("*.py") if ".venv" not in p.parts and p.name != Path(__file__).name]
    files += [p for p in (REPO / "notebooks").glob("*.ipynb")]
    hits = [f"{p}: {m.group(0)}" for p in files for m in bad.finditer(p.read_text())]
    assert not hits


def test_no_big_or_pickled_files_in_git():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    assert not [f for f in tracked if f.endswith((".pkl", ".pth", ".pt", ".bin"))]
    # a default model's weights may be bigger (sentiment's fine-tuned MiniLM: 45 MB in float16), nothing else
    limit = lambda f: 50 * 2**20 if f.startswith("spaces/") and "/model/" in f else 15 * 2**20
    assert not [f for f in tracked if (REPO / f).is_file() and (REPO / f).stat().st_size > limit(f)]


# ---------------------------------------------------------------- the Hub path, offline
def populate_hub_cache(cache: Path, folder: Path, repo_id: str, commit: str, ref: str = "main"):
    "Lay out a model repo in a Hugging Face cache exactly as snapshot_download leaves it after a download."
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / commit
    (repo / "blobs").mkdir(parents=True)
    snapshot.mkdir(parents=True)
    for f in folder.iterdir():
        import hashlib
        blob = repo / "blobs" / hashlib.sha256(f.read_bytes()).hexdigest()
        shutil.copy(f, blob)
        (snapshot / f.name).symlink_to(Path("../..") / "blobs" / blob.name)
    (repo / "refs").mkdir()
    (repo / "refs" / ref).write_text(commit)


HUB_SCRIPT = """
import sys, json
from shared.serving import artifact
from shared.tasks.sentiment.serve import Predictor
try:
    p = Predictor.load(sys.argv[1])
    print(json.dumps({"ok": True, "labels": p.labels, "ngrams": p.pipe.n}))
except artifact.ArtifactError as e:
    print(json.dumps({"ok": False, "error": str(e)}))
"""


def load_offline(source: str, cache: Path) -> dict:
    "Load in a fresh interpreter: huggingface_hub reads HF_HUB_CACHE / HF_HUB_OFFLINE at import time."
    env = {"HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", HUB_SCRIPT, source], env=env, capture_output=True, text=True,
                         timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_hub_ids_load_through_snapshot_download_offline(tiny_sentiment, tmp_path):
    commit = "0123456789abcdef0123456789abcdef01234567"
    populate_hub_cache(tmp_path / "hub", tiny_sentiment, "learner/sentiment", commit)
    populate_hub_cache(tmp_path / "hub2", tiny_sentiment, "learner/sentiment", commit, ref="v1")
    assert load_offline("learner/sentiment", tmp_path / "hub") == {"ok": True, "labels": ["negative", "positive"],
                                                                   "ngrams": 2}
    assert load_offline(f"learner/sentiment@{commit}", tmp_path / "hub")["ok"]
    assert load_offline("learner/sentiment@v1", tmp_path / "hub2")["ok"]
    missing = load_offline("learner/unknown-model", tmp_path / "hub")
    assert not missing["ok"] and "could not get model 'learner/unknown-model'" in missing["error"]


def test_push_checks_the_folder_and_never_prints_the_token(tmp_path, monkeypatch, tiny_sentiment):
    from huggingface_hub.errors import OfflineModeIsEnabled
    secret = "hf_" + "x" * 30
    monkeypatch.setenv("HF_TOKEN", secret)
    (tmp_path / "half").mkdir()
    with pytest.raises(ArtifactError, match="missing"):
        artifact.push(tmp_path / "half", "learner/sentiment")
    with pytest.raises(OfflineModeIsEnabled) as info:  # a complete folder reaches the real Hub call (offline here)
        artifact.push(tiny_sentiment, "learner/sentiment")
    assert secret not in str(info.value) and secret not in repr(info.value)
