"""`python -m shared.deploy`: per-Space and whole-suite bundles that run on their own, and a clean offline failure."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import numpy as np
import pytest
import yaml
from gradio_client import Client

from conftest import ARTIFACTS, REPO, free_port
from shared import deploy, gallery

NAMES = gallery.space_names()
WITH_MODEL = [n for n in NAMES if deploy.model_variable(n)]
TOKEN = "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1234"


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("---", 2)[1])


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundles")
    assert deploy.main(["--dry-run", "--out", str(out)]) == 0
    return out


def test_dry_run_writes_a_bundle_per_space_and_one_for_the_suite(bundles):
    assert sorted(p.name for p in bundles.iterdir()) == sorted(NAMES + [deploy.COMBINED])


@pytest.mark.parametrize("name", NAMES)
def test_space_bundle_has_everything_a_space_needs(bundles, name):
    b = bundles / name
    for f in ("app.py", "README.md", "requirements.txt", "shared/__init__.py", "shared/ui.py", "shared/artifact.py"):
        assert (b / f).is_file(), f
    assert not list(b.rglob("__pycache__"))
    meta = front_matter(b / "README.md")
    assert meta["sdk"] == "gradio" and meta["sdk_version"] == "6.31.0" and meta["app_file"] == "app.py"
    assert meta["title"] and meta["python_version"] == "{}.{}".format(*sys.version_info[:2])
    assert len(meta.get("short_description", "")) <= 60  # the Hub rejects longer ones
    if name in WITH_MODEL:
        assert (b / "model" / "config.json").is_file() and (b / "model" / "model.safetensors").is_file()
    if (REPO / "spaces" / name / "examples").is_dir():
        assert sorted(p.name for p in (b / "examples").iterdir()) == \
            sorted(p.name for p in (REPO / "spaces" / name / "examples").iterdir())
    compile((b / "app.py").read_text(), "app.py", "exec")  # the deploy preamble keeps it valid Python


def test_requirements_are_exact_pins_of_the_runtime_without_the_test_tools(bundles):
    lines = [line for line in (bundles / NAMES[0] / "requirements.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    assert all("==" in line for line in lines)
    pins = dict(line.split("==") for line in lines)
    for top in (REPO / "requirements.txt").read_text().splitlines():
        if top and not top.startswith("#"):
            name, version = top.split("==")
            assert pins[name.split("[")[0].replace("_", "-").lower()] == version
    for dev in ("pytest", "playwright", "nbclient", "ipykernel", "jupyter-client"):
        assert dev not in pins


def test_combined_bundle_serves_every_space_as_one_zero_gpu_space(bundles):
    b = bundles / deploy.COMBINED
    assert sorted(p.name for p in (b / "spaces").iterdir()) == NAMES
    for name in NAMES:
        assert (b / "spaces" / name / "app.py").is_file()
    meta = front_matter(b / "README.md")
    assert meta["sdk"] == "gradio" and meta["app_file"] == "app.py" and meta["suggested_hardware"] == "zero-a10g"
    assert len(meta["short_description"]) <= 60
    text = (b / "README.md").read_text()
    assert "ZeroGPU" in text and "<gradio-app" in text and "<iframe" in text
    assert "gallery.main()" in (b / "app.py").read_text()


def test_hub_models_point_the_bundles_at_hub_repos_instead_of_copying_weights(tmp_path):
    assert deploy.main(["--dry-run", "--out", str(tmp_path), "--hub-models", "--user", "alice"]) == 0
    for name in WITH_MODEL:
        b = tmp_path / name
        assert not (b / "model").exists()
        var = deploy.model_variable(name)
        assert f"os.environ.setdefault({var!r}, 'alice/{name}')" in (b / "app.py").read_text()
        assert front_matter(b / "README.md")["models"] == [f"alice/{name}"]
        assert "YOUR-NAME" not in (b / "README.md").read_text()
    combined = tmp_path / deploy.COMBINED
    assert not list(combined.glob("spaces/*/model"))
    assert front_matter(combined / "README.md")["models"] == sorted(f"alice/{n}" for n in WITH_MODEL)


@pytest.mark.parametrize("source", ['"""Doc."""\nimport gradio\n', '"""Doc."""\nfrom __future__ import annotations\nx = 1\n',
                                    "from __future__ import annotations\nx = 1\n", "x = 1\n"])
def test_preamble_keeps_the_app_valid_python(source):
    out = deploy.with_preamble(source, {"PETS_MODEL": "alice/pets"})
    compile(out, "app.py", "exec")  # a `from __future__` after the preamble would be a SyntaxError
    if source.startswith(('"""', "from __future__")):
        assert out.startswith(source.split("\n")[0])  # the docstring / __future__ import stays first
    assert "os.environ.setdefault('PETS_MODEL', 'alice/pets')" in out


def test_one_space_only_and_unknown_space(tmp_path, capsys):
    assert deploy.main(["--dry-run", "--out", str(tmp_path), "--space", NAMES[0]]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [NAMES[0]]
    assert deploy.main(["--dry-run", "--out", str(tmp_path), "--space", "no-such-space"]) == 2
    assert "no such Space" in capsys.readouterr().err


def test_upload_fails_cleanly_offline_and_never_prints_the_token(tmp_path):
    "The real run needs the Hub; here it must stop with one clear line (no traceback, no token)."
    unreachable = {"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": f"http://127.0.0.1:{free_port()}"}
    for env, user in (({"HF_HUB_OFFLINE": "1"}, ["--user", "alice"]), (unreachable, ["--user", "alice"]),
                      (unreachable, [])):  # no --user: asking the Hub who the token belongs to fails first
        run = subprocess.run([sys.executable, "-m", "shared.deploy", *user, "--space", NAMES[0],
                              "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=300,
                             env={**os.environ, "HF_TOKEN": TOKEN, "PYTHONPATH": str(REPO), **env})
        assert run.returncode == 1, run.stderr[-2000:]
        assert "upload to the Hugging Face Hub failed" in run.stderr
        assert "Traceback" not in run.stderr
        assert TOKEN not in run.stdout + run.stderr
    assert (tmp_path / NAMES[0] / "app.py").is_file()  # the bundle was still built


# ------------------------------------------------------------------------------------ bundles run on their own
RUN_FROM_BUNDLE = """
import os, runpy, sys
import shared
here = os.path.realpath(os.getcwd())
assert os.path.realpath(shared.__file__).startswith(here + os.sep), f"shared imported from {shared.__file__}"
repo = os.path.realpath(sys.argv[1])
assert not any(os.path.realpath(p) in (repo, os.path.join(repo, "shared")) for p in sys.path if p), sys.path
print("shared from", os.path.realpath(shared.__file__), flush=True)
sys.argv = ["app.py"]
runpy.run_path("app.py", run_name="__main__")
"""


def start_bundle(folder: Path, log: Path, port: int) -> subprocess.Popen:
    """`python app.py` as Hugging Face runs it, from the bundle's own folder: -E -s drop PYTHONPATH and the user
    site, and the bootstrap proves that `shared` is the bundle's copy (the repo's editable install is not used)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "CHAPTER_ONE")) and not k.endswith("_MODEL")}
    env.update(GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1", HF_HUB_OFFLINE="1",
               GRADIO_ANALYTICS_ENABLED="False")
    return subprocess.Popen([sys.executable, "-E", "-s", "-c", RUN_FROM_BUNDLE, str(REPO)], cwd=folder, env=env,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)


def wait_up(proc, url: str, log: Path, timeout: float = 300):
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"bundle exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"bundle did not start:\n{log.read_text()[-3000:]}")


def assert_same_answer(a, b):
    "Two gradio_client answers are the same: files by their decoded content, numbers to 1e-6, the rest equal."
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same_answer(x, y)
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_same_answer(a[k], b[k])
    elif isinstance(a, str) and isinstance(b, str) and os.path.isfile(a) and os.path.isfile(b):
        from PIL import Image
        assert np.array_equal(np.asarray(Image.open(a)), np.asarray(Image.open(b)))
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-6)
    else:
        assert a == b and a is not None


def call_predict(space_url: str, folder: Path):
    args = gallery.client_args(gallery.sample_request(space_url), folder)
    return Client(space_url, verbose=False).predict(*args, api_name="/predict")


@pytest.mark.slow
@pytest.mark.parametrize("name", [NAMES[0], deploy.COMBINED])
def test_bundle_copied_outside_the_repo_serves_predict(bundles, tmp_path_factory, gallery_server, name):
    outside = Path(tempfile_outside_repo(tmp_path_factory)) / name
    shutil.copytree(bundles / name, outside)
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"bundle-{name}.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_bundle(outside, log, port)
    try:
        wait_up(proc, url, log)
        assert "shared from " + str(outside.resolve()) in log.read_text()
        spaces = NAMES if name == deploy.COMBINED else [None]
        for space in spaces:
            result = call_predict(url + (f"{space}/" if space else ""), tmp_path_factory.mktemp("io"))
            repo = call_predict(f"{gallery_server}{space or name}/", tmp_path_factory.mktemp("io"))
            assert_same_answer(result, repo)  # the bundle answers exactly as the repo's own Space does
        if name == deploy.COMBINED:
            listing = httpx.get(url + "gallery.json", timeout=10).json()["spaces"]
            assert [c["name"] for c in listing if c["ok"]] == NAMES
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def tempfile_outside_repo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("outside")
    assert REPO.resolve() not in path.resolve().parents
    return path
