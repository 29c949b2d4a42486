"""The artifact: a folder of safetensors + JSON + model card; one loader for folders and Hub ids; no pickle."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from shared import artifact
from shared.artifact import ArtifactError
from shared.tasks import pets

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def copy(tiny_pets, tmp_path):
    dst = tmp_path / "model"
    shutil.copytree(tiny_pets, dst)
    return dst


def test_folder_has_weights_config_and_card(tiny_pets):
    assert sorted(p.name for p in tiny_pets.iterdir()) == ["README.md", "config.json", "model.safetensors"]
    config = json.loads((tiny_pets / "config.json").read_text())
    assert config["format_version"] == artifact.FORMAT_VERSION and config["task"] == "pets"
    assert len(config["breeds"]) == 37 and config["breeds"][0] == "Abyssinian"
    assert {"torch", "timm", "fastai", "python"} <= set(config["versions"])
    assert config["train_config"]["preset"] == "tiny" and "metrics" in config
    card = (tiny_pets / "README.md").read_text()
    front = card.split("---")[1]
    for key in ("library_name: fastai", "license:", "datasets:", "model-index:"):
        assert key in front
    assert "python -m shared.train pets --preset tiny" in card


def test_missing_weights(copy):
    (copy / "model.safetensors").unlink()
    with pytest.raises(ArtifactError, match="has no model.safetensors"):
        pets.Predictor.load(copy)


def test_missing_config(copy):
    (copy / "config.json").unlink()
    with pytest.raises(ArtifactError, match="has no config.json"):
        pets.Predictor.load(copy)


def edit_config(folder, **changes):
    config = json.loads((folder / "config.json").read_text())
    config.update(changes)
    (folder / "config.json").write_text(json.dumps(config))


def test_format_too_new(copy):
    edit_config(copy, format_version=artifact.FORMAT_VERSION + 1)
    with pytest.raises(ArtifactError, match="format_version 2; this code reads up to 1"):
        pets.Predictor.load(copy)


def test_unknown_architecture(copy):
    edit_config(copy, arch="resnet_from_the_future")
    with pytest.raises(ArtifactError, match="unknown architecture 'resnet_from_the_future'"):
        pets.Predictor.load(copy)


def test_wrong_task(copy):
    edit_config(copy, task="colorize")
    with pytest.raises(ArtifactError, match="holds a 'colorize' model, not a 'pets' model"):
        pets.Predictor.load(copy)


def test_version_drift_is_named(copy, caplog):
    "Weights that no longer fit the network the installed libraries build: a clear error naming the versions."
    config = json.loads((copy / "config.json").read_text())
    edit_config(copy, versions={**config["versions"], "timm": "0.1.0"})
    state = artifact.load(copy)[1]
    state.pop(next(k for k in state if k.endswith(".weight")))  # as if a timm release renamed a layer
    save_file(state, copy / "model.safetensors")
    with pytest.raises(ArtifactError, match="version drift.*'timm': '0.1.0'"):
        pets.Predictor.load(copy)
    assert "other library versions" in caplog.text


def test_not_safetensors(copy):
    (copy / "model.safetensors").write_bytes(b"\x80\x04this is a pickle, not safetensors")
    with pytest.raises(ArtifactError, match="not a readable safetensors file"):
        pets.Predictor.load(copy)


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
    assert not [f for f in tracked if (REPO / f).is_file() and (REPO / f).stat().st_size > 15 * 2**20]


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
from shared import artifact
from shared.tasks import pets
try:
    p = pets.Predictor.load(sys.argv[1])
    print(json.dumps({"ok": True, "breeds": len(p.breeds), "size": p.size}))
except artifact.ArtifactError as e:
    print(json.dumps({"ok": False, "error": str(e)}))
"""


def load_offline(source: str, cache: Path) -> dict:
    "Load in a fresh interpreter: huggingface_hub reads HF_HUB_CACHE / HF_HUB_OFFLINE at import time."
    env = {"HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", HUB_SCRIPT, source], env=env, capture_output=True, text=True,
                         timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_hub_ids_load_through_snapshot_download_offline(tiny_pets, tmp_path):
    commit = "0123456789abcdef0123456789abcdef01234567"
    populate_hub_cache(tmp_path / "hub", tiny_pets, "learner/pets", commit)
    populate_hub_cache(tmp_path / "hub2", tiny_pets, "learner/pets", commit, ref="v1")
    assert load_offline("learner/pets", tmp_path / "hub") == {"ok": True, "breeds": 37, "size": 32}
    assert load_offline(f"learner/pets@{commit}", tmp_path / "hub")["ok"]
    assert load_offline("learner/pets@v1", tmp_path / "hub2")["ok"]
    missing = load_offline("learner/unknown-model", tmp_path / "hub")
    assert not missing["ok"] and "could not get model 'learner/unknown-model'" in missing["error"]


def test_push_checks_the_folder_and_never_prints_the_token(tmp_path, monkeypatch, tiny_pets):
    secret = "hf_" + "x" * 30
    monkeypatch.setenv("HF_TOKEN", secret)
    (tmp_path / "half").mkdir()
    with pytest.raises(ArtifactError, match="missing"):
        artifact.push(tmp_path / "half", "learner/pets")
    with pytest.raises(Exception) as info:  # offline here: the real huggingface_hub call fails
        artifact.push(tiny_pets, "learner/pets")
    assert secret not in str(info.value) and secret not in repr(info.value)


def test_round_trip_same_predictions(data, tmp_path):
    "train -> export -> save -> load -> the lean predictor gives the learner's own probabilities."
    from shared.train import parse
    _, cfg, _ = parse(["pets", "--preset", "tiny", "--out", str(tmp_path)])
    learn = pets.learner(cfg)
    learn.fit(1)
    files = sorted((data / "pets" / "images").glob("*.jpg"))[::40]
    probs, _ = learn.get_preds(dl=learn.dls.test_dl(files))
    state, config = pets.export(learn, cfg)
    artifact.save(tmp_path / "m", state, config, "card")
    predictor = pets.Predictor.load(tmp_path / "m")
    from shared.images import open_image
    photos = [open_image(f) for f in files]
    assert torch.allclose(predictor.probabilities(photos, tta=False), probs, atol=1e-5)
    mirrored = [p.transpose(0) for p in photos]  # PIL FLIP_LEFT_RIGHT
    both = (predictor.probabilities(photos, tta=False) + predictor.probabilities(mirrored, tta=False)) / 2
    assert torch.allclose(predictor.probabilities(photos, tta=True), both, atol=1e-5)
