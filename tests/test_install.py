"""The two installs: `make demo` installs requirements.txt alone (what serving imports, the combined Space bundle's
set); `make test` and training add requirements-train.txt and requirements-dev.txt. Every pin agrees with
constraints.txt, and a serving-only venv ($CHAPTER_ONE_SERVE_VENV, e.g. one built by
`make install VENV=/tmp/serve-venv`) serves every Space's first example through the gallery."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, serve_process
from shared.ops import deploy
from shared.gallery import app as gallery
from shared.ops.sample import client_args, sample_request

TRAINING_STACK = {"torch", "torchvision", "fastai", "timm", "transformers", "accelerate"}


def requirements(path: Path) -> dict[str, str]:
    "name -> pinned version of a requirements file, following `-r`."
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            out.update(requirements(path.parent / line[3:].strip()))
        elif line:
            name, version = line.split("==")
            out[canonical(name)] = version
    return out


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


def test_make_demo_installs_what_a_combined_space_bundle_carries_and_no_training_stack():
    serving = requirements(REPO / "requirements.txt")
    bundle = {canonical(r) for r in deploy.SERVING_REQUIREMENTS} | \
        {canonical(r) for extra in deploy.EXTRA_REQUIREMENTS.values() for r in extra}
    assert set(serving) == bundle
    assert not TRAINING_STACK & set(serving)
    assert TRAINING_STACK <= set(requirements(REPO / "requirements-train.txt"))
    assert set(serving) <= set(requirements(REPO / "requirements-dev.txt"))


def test_every_pin_is_the_constraints_pin():
    constraints = requirements(REPO / "constraints.txt")
    for name in ("requirements.txt", "requirements-train.txt", "requirements-dev.txt"):
        for package, version in requirements(REPO / name).items():
            assert constraints.get(package) == version, (name, package)


def test_python_range_is_the_one_the_pins_need():
    "numpy 2.4, pandas 3.1, onnxruntime 1.32 and transformers 5.24 have no wheels before Python 3.11."
    text = (REPO / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11"' in text
    assert sys.version_info >= (3, 11)


SERVE_VENV = os.environ.get("CHAPTER_ONE_SERVE_VENV")


@pytest.mark.slow
@pytest.mark.skipif(not SERVE_VENV, reason="set CHAPTER_ONE_SERVE_VENV to a venv built by `make install VENV=...`")
def test_a_serving_only_venv_serves_every_space(tmp_path):
    python = str(Path(SERVE_VENV) / "bin" / "python")
    for package in TRAINING_STACK:  # the venv really is the serving install
        run = subprocess.run([python, "-c", f"import {package}"], capture_output=True, text=True)
        assert run.returncode != 0, f"{package} is installed in {SERVE_VENV}"
    from gradio_client import Client
    with serve_process([python, "-m", "shared.gallery"], "gallery-serving-venv", "gradio_api/gallery/spaces.json",
                       REPO, {"HF_HUB_OFFLINE": "1"}, 900) as url:
        client = Client(url, verbose=False)
        for name in gallery.space_names():
            sample = sample_request(url, gallery.api_name(name), page=name)
            answer = client.predict(*client_args(sample, tmp_path), api_name=f"/{gallery.api_name(name)}")
            assert answer not in (None, [], ()), name


def test_no_tracked_file_is_over_25_mb():
    "A fresh clone stays light: the biggest file (the sentiment transformer's weights, frozen embeddings left out)."
    run = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True)
    if run.returncode != 0:
        pytest.skip("not a git checkout")
    sizes = {name: (REPO / name).stat().st_size for name in run.stdout.decode().split("\0") if (REPO / name).is_file()}
    assert max(sizes.values()) <= 25_000_000, max(sizes, key=sizes.get)
