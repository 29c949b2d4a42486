"""`python -m shared.ops.deploy`: per-Space and whole-suite bundles that run on their own (in a Spaces-like runtime:
ZeroGPU's device API stood in on loopback, server-side rendering on), their metadata, and what the deploy says
and does against the Hub's API (stood in on loopback): 402, missing models, redeploys."""
import json
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

import standins
from conftest import ARTIFACTS, REPO, free_port, load_image
from shared.ops import deploy
from shared.gallery import app as gallery
from shared.ops.sample import client_args, sample_request

NAMES = gallery.space_names()
WITH_MODEL = [n for n in NAMES if deploy.model_variable(n)]
TOKEN = "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1234"


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("---", 2)[1])


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    "Every bundle: the combined one (the default) and one per Space (--separate)."
    out = tmp_path_factory.mktemp("bundles")
    assert deploy.main(["--dry-run", "--out", str(out)]) == 0
    assert deploy.main(["--dry-run", "--separate", "--out", str(out)]) == 0
    return out


def test_dry_run_writes_a_bundle_per_space_and_one_for_the_suite(bundles):
    assert sorted(p.name for p in bundles.iterdir()) == sorted(NAMES + [deploy.COMBINED])


def test_the_default_plans_one_combined_zero_gpu_space(tmp_path):
    "No flags: the free path, the whole suite as ONE ZeroGPU Space; single Spaces only on request."
    run = subprocess.run([sys.executable, "-m", "shared.ops.deploy", "--user", "you", "--dry-run", "--out", str(tmp_path)],
                         cwd=REPO, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr[-2000:]
    plan = json.loads(run.stdout.strip().splitlines()[-1])
    assert plan["spaces"] == [f"you/{deploy.COMBINED}"] and plan["hardware"] == "zero-a10g"
    assert [p.name for p in tmp_path.iterdir()] == [deploy.COMBINED]
    assert "plan: 1 Space on zero-a10g: you/chapter-one-spaces" in run.stdout


@pytest.mark.parametrize("name", NAMES)
def test_space_bundle_has_everything_a_space_needs(bundles, name):
    b = bundles / name
    for f in ("app.py", "README.md", "requirements.txt", "shared/__init__.py", "shared/serving/ui.py", "shared/serving/artifact.py"):
        assert (b / f).is_file(), f
    assert not list(b.rglob("__pycache__"))
    meta = front_matter(b / "README.md")
    assert meta["sdk"] == "gradio" and meta["sdk_version"] == "6.31.0" and meta["app_file"] == "app.py"
    assert meta["title"] and meta["python_version"] == deploy.ZERO_GPU_PYTHON  # what ZeroGPU builds
    assert meta["suggested_hardware"] == "zero-a10g"
    assert len(meta.get("short_description", "")) <= 60  # the Hub rejects longer ones
    if name in WITH_MODEL:
        config = json.loads((b / "model" / "config.json").read_text())
        assert (b / "model" / "model.safetensors").is_file() == deploy.serving_reads_weights(config)
        assert (b / "model" / "model.safetensors").is_file() or config["weights_left_out"]
    for weights in b.rglob("model.safetensors"):  # what a bundle carries is what its Space reads
        assert deploy.serving_reads_weights(json.loads((weights.parent / "config.json").read_text()))
    if (REPO / "spaces" / name / "examples").is_dir():
        assert sorted(p.name for p in (b / "examples").iterdir()) == \
            sorted(p.name for p in (REPO / "spaces" / name / "examples").iterdir())
    compile((b / "app.py").read_text(), "app.py", "exec")  # the deploy preamble keeps it valid Python


def test_a_space_bundle_pins_its_serving_stack_alone(bundles):
    "A Space installs what its serving imports, at the tested versions: no training stack, no test tools."
    from importlib import metadata
    lines = [line for line in (bundles / NAMES[0] / "requirements.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    assert all("==" in line for line in lines)
    pins = {n.lower().replace("_", "-"): v for n, v in (line.split("==") for line in lines)}
    for name in ("gradio", "onnxruntime", "safetensors", "numpy", "pillow", "huggingface-hub", "spaces"):
        assert pins[name] == metadata.version(name)
    for heavy in ("torch", "torchvision", "fastai", "timm"):
        assert heavy not in pins
    for dev in ("pytest", "playwright", "nbclient", "ipykernel", "jupyter-client"):
        assert dev not in pins


def test_zero_gpu_gets_python_it_builds_and_no_bundle_pins_torch():
    """ZeroGPU builds only some Python and torch versions: its bundles say a Python it builds and pin no torch (no
    Space imports it: history trains in numpy); other hardware gets the tested Python; the packages are the tested
    ones on both. Every per-Space bundle and the combined one."""
    from importlib import metadata
    names = gallery.space_names()
    for group in [[name] for name in names] + [names]:
        pins, python = deploy.space_requirements(group, "zero-a10g")
        cpu_pins, cpu_python = deploy.space_requirements(group, "cpu-basic")
        assert python in {"3.10.13", "3.12.12"} and cpu_python == "{}.{}".format(*sys.version_info[:2])
        assert pins == cpu_pins
        pinned = dict(p.split("==") for p in pins)
        assert not {"torch", "torchvision", "fastai", "timm"} & set(pinned), group
    history = dict(p.split("==") for p in deploy.space_requirements(["history"], "zero-a10g")[0])
    assert history["matplotlib"] == metadata.version("matplotlib") and history["numpy"] == metadata.version("numpy")


def test_combined_bundle_serves_every_space_as_one_zero_gpu_space(bundles):
    b = bundles / deploy.COMBINED
    assert sorted(p.name for p in (b / "spaces").iterdir()) == NAMES
    for name in NAMES:
        assert (b / "spaces" / name / "app.py").is_file()
    meta = front_matter(b / "README.md")
    assert meta["sdk"] == "gradio" and meta["app_file"] == "app.py" and meta["suggested_hardware"] == "zero-a10g"
    assert meta["python_version"] == deploy.ZERO_GPU_PYTHON and len(meta["short_description"]) <= 60
    text = (b / "README.md").read_text()
    assert "ZeroGPU" in text and "<gradio-app" in text and "<iframe" in text
    for name in NAMES:  # the API names the README documents
        assert f"`{gallery.api_name(name)}`" in text and f"`/{name}`" in text
    assert "gallery.main()" in (b / "app.py").read_text()


def readme_links(text: str) -> list[str]:
    import re
    return [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"\w+:|#", t)]


@pytest.mark.parametrize("name", NAMES + [deploy.COMBINED])
def test_bundle_metadata_licence_datasets_embed_and_links(bundles, name):
    b = bundles / name
    meta = front_matter(b / "README.md")
    text = (b / "README.md").read_text()
    assert all(d.count("/") == 1 for d in meta.get("datasets") or []), meta.get("datasets")  # owner/name
    assert meta["license"] in deploy.LICENCE_ORDER
    if meta["license"] == "other":
        assert meta["license_name"] and (b / meta["license_link"]).is_file()
    shipped = [n for n in (NAMES if name == deploy.COMBINED else [name])]
    if "recommend" in shipped:  # the MovieLens-terms model and examples: the bundle is under those terms
        assert meta["license"] == "other" and meta["license_name"] == "movielens-research-terms"
    if name == "pets":  # the weights (trained on Oxford-IIIT Pet, CC BY-SA 4.0) are shipped
        assert meta["license"] == "cc-by-sa-4.0" and "## Licences" in text
    for link in readme_links(text):
        assert (b / link.split("#")[0]).exists(), f"{name}/README.md links {link}, which the bundle does not carry"
    for doc in ("BENCHMARKS.md", "README.md"):
        if f" {doc}" in text.replace(f"[{doc}]", ""):
            assert (b / doc).is_file(), f"{name}/README.md mentions {doc}"
    assert '<iframe id="chapter-one-' in text and '<script>' in text  # the snippet that follows the Space's height
    assert all(f'allow="{gallery.IFRAME_ALLOW}"' in line for line in text.splitlines() if "<iframe" in line)


def test_hub_models_point_the_bundles_at_hub_repos_instead_of_copying_weights(tmp_path):
    assert deploy.main(["--dry-run", "--out", str(tmp_path), "--hub-models", "--user", "alice"]) == 0
    assert deploy.main(["--dry-run", "--out", str(tmp_path), "--hub-models", "--user", "alice", "--separate"]) == 0
    for name in WITH_MODEL:
        b = tmp_path / name
        assert not (b / "model").exists()
        var = deploy.model_variable(name)
        assert f"{var!r}: 'alice/{name}'" in (b / "app.py").read_text()
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
    assert "{'PETS_MODEL': 'alice/pets'}" in out


@pytest.mark.parametrize("deployed", ["alice/pets-v2", None])
def test_the_deployed_model_wins_over_a_variable_left_from_an_earlier_deploy(deployed, tmp_path):
    "A Space variable from the last deploy must not silently override what this deploy serves."
    (tmp_path / "app.py").write_text(deploy.with_preamble('import os\nprint("SERVES", os.environ.get("PETS_MODEL"))\n',
                                                          {"PETS_MODEL": deployed}))
    run = subprocess.run([sys.executable, "app.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PETS_MODEL": "alice/pets-v1"})
    assert run.returncode == 0, run.stderr
    assert f"SERVES {deployed}" in run.stdout
    assert "ignoring PETS_MODEL='alice/pets-v1'" in run.stdout  # said, not silent


def test_one_space_only_and_unknown_space(tmp_path, capsys):
    "--space NAME: that Space alone, as its own Space."
    assert deploy.main(["--dry-run", "--out", str(tmp_path), "--space", NAMES[0]]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [NAMES[0]]
    assert deploy.main(["--dry-run", "--out", str(tmp_path), "--space", "no-such-space"]) == 2
    assert "no such Space" in capsys.readouterr().err


def test_upload_fails_cleanly_offline_and_never_prints_the_token(tmp_path):
    "The real run needs the Hub; here it must stop with one clear line (no traceback, no token)."
    unreachable = {"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": f"http://127.0.0.1:{free_port()}"}
    for env, user in (({"HF_HUB_OFFLINE": "1"}, ["--user", "alice"]), (unreachable, ["--user", "alice"]),
                      (unreachable, [])):  # no --user: asking the Hub who the token belongs to fails first
        run = subprocess.run([sys.executable, "-m", "shared.ops.deploy", *user, "--space", NAMES[0],
                              "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=300,
                             env={**os.environ, "HF_TOKEN": TOKEN, "PYTHONPATH": str(REPO), **env})
        assert run.returncode == 1, run.stderr[-2000:]
        assert "upload to the Hugging Face Hub failed" in run.stderr
        assert "Traceback" not in run.stderr
        assert TOKEN not in run.stdout + run.stderr
    assert (tmp_path / NAMES[0] / "app.py").is_file()  # the bundle was still built


# ------------------------------------------------------------------------------ against the Hub's API, on loopback
def deploy_against(hub, *args, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shared.ops.deploy", "--user", "alice", "--out", str(tmp_path), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HF_TOKEN": TOKEN, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "0",
                               "HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_XET": "1"})


def spaces_of_alice(*hardware: str):
    "The Hub's answer to list_spaces(author='alice', expand=['runtime']): one Space per hardware."
    return [{"id": f"alice/demo-{i}", "runtime": {"stage": "RUNNING", "hardware": {"current": h, "requested": h}}}
            for i, h in enumerate(hardware)]


def not_found(method, path, body):
    "The Hub: no such model; creating a Space is refused with 402 (a free account at its limit)."
    if path.startswith("/api/spaces?"):
        return 200, {}, []
    if path.startswith("/api/models/"):
        return 404, {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"}, {"error": "not found"}
    if path.startswith("/api/repos/create"):
        return 402, {}, {"error": "Subscribe to PRO to create more Spaces"}
    if path.startswith("/api/spaces/"):  # create_repo asks whether the Space exists after a 402
        return 404, {"X-Error-Code": "RepoNotFound"}, {"error": "not found"}
    return 500, {}, {"error": f"unexpected {method} {path}"}


def test_missing_hub_models_stop_the_deploy_before_any_space_is_created(tmp_path):
    with standins.hub(not_found) as hub:
        run = deploy_against(hub, "--combined", "--hub-models", tmp_path=tmp_path)
    assert run.returncode == 3, run.stderr[-2000:]
    assert "not on the Hub" in run.stderr and "alice/pets (for pets)" in run.stderr and "--push-models" in run.stderr
    assert "Traceback" not in run.stderr and TOKEN not in run.stdout + run.stderr
    assert not hub.paths("POST"), hub.requests  # nothing was created
    models = [p.split("?")[0] for p in hub.paths("GET") if p.startswith("/api/models/")]
    assert sorted(models) == sorted(f"/api/models/alice/{n}" for n in WITH_MODEL)


def test_an_account_with_two_zero_gpu_spaces_is_refused_before_anything_is_created(tmp_path):
    """A free account already hosting 2 ZeroGPU Spaces (and one on CPU): the default deploy (one more ZeroGPU Space)
    stops with what the account has, what fits and what it needs, before any POST."""
    def full(method, path, body):
        if path.startswith("/api/spaces?"):
            return 200, {}, spaces_of_alice("zero-a10g", "cpu-basic", "zero-a10g")
        if path.startswith("/api/whoami"):
            return 200, {}, {"name": "alice", "type": "user", "isPro": False}
        return 500, {}, {"error": f"unexpected {method} {path}"}
    with standins.hub(full) as hub:
        run = deploy_against(hub, tmp_path=tmp_path)
    assert run.returncode == 3, run.stderr[-2000:]
    err = " ".join(run.stderr.split())
    assert "alice already has 2 ZeroGPU Spaces (alice/demo-0, alice/demo-2)" in err
    assert "would create 1 more (alice/chapter-one-spaces), and 0 fit" in err and "Nothing was created" in err
    assert "at most 2 ZeroGPU Spaces" in err and "PRO account or an organisation with billing" in err
    assert "Traceback" not in err and TOKEN not in run.stdout + run.stderr
    assert not hub.paths("POST") and not hub.paths("PUT"), hub.requests
    listed = [p for p in hub.paths("GET") if p.startswith("/api/spaces?")]
    assert listed and "author=alice" in listed[0] and "runtime" in listed[0]


def test_payment_required_says_what_a_free_account_can_create(tmp_path):
    with standins.hub(not_found) as hub:
        run = deploy_against(hub, "--space", "history", "--hardware", "cpu-basic", tmp_path=tmp_path)
    assert run.returncode == 3, run.stderr[-2000:]
    err = " ".join(run.stderr.split())
    assert "402 Payment Required" in err and "cpu-basic" in err and "free account cannot create CPU Gradio Spaces" in err
    assert "--combined --hardware zero-a10g" in err
    assert "check the network" not in err and "Traceback" not in err and TOKEN not in err


def test_redeploy_updates_the_model_variable_and_the_hardware(tmp_path):
    """An existing Space (create answers 409) that serves alice/pets-v1 on cpu-basic: the deploy of alice/pets-v2
    on ZeroGPU sets the variable and requests the hardware before uploading (create_repo(exist_ok) ignores both)."""
    def existing(method, path, body):
        if path.startswith("/api/spaces?"):  # alice/pets exists on CPU: redeploying it on ZeroGPU fits
            return 200, {}, [{"id": "alice/pets", "runtime": {"stage": "RUNNING",
                                                              "hardware": {"current": "cpu-basic"}}}]
        if path.startswith("/api/models/alice/pets-v2"):
            return 200, {}, {"id": "alice/pets-v2", "sha": "0" * 40, "siblings": []}
        if path == "/api/repos/create":
            return 409, {}, {"error": "You already created this space repo", "url": f"{hub.url}/spaces/alice/pets"}
        if path == "/api/spaces/alice/pets/variables" and method == "GET":
            return 200, {}, {"PETS_MODEL": {"value": "alice/pets-v1", "updatedAt": "2026-11-01T00:00:00.000Z"}}
        if path == "/api/spaces/alice/pets/variables" and method == "POST":
            return 200, {}, {"PETS_MODEL": {"value": "alice/pets-v2", "updatedAt": "2026-11-30T00:00:00.000Z"}}
        if path == "/api/spaces/alice/pets/hardware":
            return 200, {}, {"stage": "RUNNING", "hardware": {"current": "cpu-basic", "requested": "zero-a10g"}}
        return 503, {}, {"error": "the stand-in stops at the upload"}
    with standins.hub(existing) as hub:
        run = deploy_against(hub, "--space", "pets", "--model", "pets=alice/pets-v2", tmp_path=tmp_path)
    assert run.returncode == 1, run.stderr[-2000:]  # the upload itself is not stood in
    sent = {(m, p.split("?")[0]): json.loads(b) if b else None for m, p, b in hub.requests}
    assert sent[("POST", "/api/spaces/alice/pets/variables")]["key"] == "PETS_MODEL"
    assert sent[("POST", "/api/spaces/alice/pets/variables")]["value"] == "alice/pets-v2"
    assert sent[("POST", "/api/spaces/alice/pets/hardware")]["flavor"] == "zero-a10g"
    order = [p.split("?")[0] for _, p, _ in hub.requests]
    assert order.index("/api/models/alice/pets-v2") < order.index("/api/repos/create")  # checked first
    assert "'PETS_MODEL': 'alice/pets-v2'" in (tmp_path / "pets" / "app.py").read_text()


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


def start_bundle(folder: Path, log: Path, port: int, env: dict | None = None) -> subprocess.Popen:
    """`python app.py` as Hugging Face runs it, from the bundle's own folder: -E -s drop PYTHONPATH and the user
    site, and the bootstrap proves that `shared` is the bundle's copy (the repo's editable install is not used).
    The venv's Python and packages stand in for the bundle's requirements (not installed here)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PYTHON", "CHAPTER_ONE", "SPACES_", "GRADIO_")) and not k.endswith("_MODEL")}
    clean.update(GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1", HF_HUB_OFFLINE="1",
                 GRADIO_ANALYTICS_ENABLED="False", **(env or {}))
    with open(log, "w") as out:  # the child keeps its own copy of the file descriptor
        return subprocess.Popen([sys.executable, "-E", "-s", "-u", "-c", RUN_FROM_BUNDLE, str(REPO)], cwd=folder,
                                env=clean, stdout=out, stderr=subprocess.STDOUT)


def wait_up(proc, url: str, log: Path, timeout: float = 600):
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"bundle exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=120).status_code == 200:  # /gradio_api/info takes seconds on a busy machine
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
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
        assert np.array_equal(np.asarray(load_image(a)), np.asarray(load_image(b)))
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-6)
    else:
        assert a == b  # None == None too: an output a Space leaves empty (e.g. no cat/dog panel)


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def tempfile_outside_repo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("outside")
    assert REPO.resolve() not in path.resolve().parents
    return path


def spaces_in(bundle: str) -> list[tuple[str, str | None, str]]:
    "(Space, its page on the server or None, its predict endpoint) for every Space a bundle serves."
    if bundle == deploy.COMBINED:
        return [(n, n, gallery.api_name(n)) for n in NAMES]
    return [(bundle, None, "predict")]


# ------------------------------------------------------------------------ a Spaces-like runtime: ZeroGPU and SSR
GPU = standins.gpu_uuid()  # ZeroGPU runs `spaces.GPU` functions in a worker that needs a real NVIDIA GPU
STARTUP = pytest.mark.timeout(1800)  # the first test waits for all six bundles to start on two shared cores


def free_port_pair(taken: set[int]) -> int:
    """A free port whose next one is free too, neither handed out before: with SSR, Node takes the port and
    Gradio puts Python on the next free one, so bundles started side by side must not share those."""
    import socket
    while True:
        port = free_port()
        if {port, port + 1} & taken:
            continue
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        taken.update({port, port + 1})
        return port


@pytest.fixture(scope="module")
def zero_gpu_runtime(bundles, tmp_path_factory):
    """Every bundle (built for zero-a10g) started ONCE, all at the same time, each from a copy of its folder
    outside the repo, as Hugging Face starts a ZeroGPU Space: SPACES_ZERO_GPU=true, SPACES_ZERO_DEVICE_API_URL
    at its own loopback stand-in of the device API, GRADIO_SSR_MODE=true (Node renders the pages)."""
    from contextlib import ExitStack
    ARTIFACTS.mkdir(exist_ok=True)
    running, taken = {}, set()
    with ExitStack() as stack:
        for name in NAMES + [deploy.COMBINED]:
            folder = tempfile_outside_repo(tmp_path_factory) / name
            shutil.copytree(bundles / name, folder)
            device = stack.enter_context(standins.device_api(GPU))
            port, log = free_port_pair(taken), ARTIFACTS / f"zero-gpu-{name}.log"
            proc = start_bundle(folder, log, port, {"SPACES_ZERO_GPU": "true", "SPACES_ZERO_DEVICE_API_URL": device.url,
                                                    "GRADIO_SSR_MODE": "true"})
            stack.callback(stop, proc)
            running[name] = {"url": f"http://127.0.0.1:{port}/", "device": device, "log": log, "proc": proc,
                             "folder": folder}
        for r in running.values():
            wait_up(r["proc"], r["url"] + "gradio_api/info", r["log"], timeout=1500)
        yield running


@pytest.mark.slow
@STARTUP
@pytest.mark.parametrize("name", NAMES + [deploy.COMBINED])
def test_bundle_checks_in_with_zero_gpu_and_renders_server_side(zero_gpu_runtime, name):
    r = zero_gpu_runtime[name]
    log = r["log"].read_text()
    assert "shared from " + str(r["folder"].resolve()) in log
    assert r["device"].paths("POST").count("/startup-report") == 1, r["device"].requests  # ZeroGPU lets it start
    assert "with SSR" in log  # Node in front, Python behind it: one Node server for the whole app
    for page in [""] + ([n for n, _, _ in spaces_in(name)] if name == deploy.COMBINED else []):
        html = httpx.get(r["url"] + page, timeout=60)
        assert html.status_code == 200 and html.headers.get("x-sveltekit-page") == "true"  # rendered by Node


@pytest.mark.slow
@STARTUP
@pytest.mark.parametrize("name", NAMES + [deploy.COMBINED])
def test_bundle_exposes_every_predict_endpoint_and_each_mcp_tool_once(zero_gpu_runtime, name):
    r = zero_gpu_runtime[name]
    info = httpx.get(r["url"] + "gradio_api/info", timeout=60).json()["named_endpoints"]
    for space, _, endpoint in spaces_in(name):
        assert f"/{endpoint}" in info, sorted(info)
        for other in deploy.endpoints(space):  # every endpoint its app.py names, under its documented name
            assert "/" + (gallery.api_name(space, other) if name == deploy.COMBINED else other) in info
    tools = [t["name"] for t in httpx.get(r["url"] + "gradio_api/mcp/schema", timeout=60).json()]
    assert len(tools) == len(set(tools)), tools
    for _, _, endpoint in spaces_in(name):
        assert endpoint in tools
    assert r["proc"].poll() is None  # still serving


@pytest.mark.slow
@STARTUP
@pytest.mark.parametrize("name", NAMES + [deploy.COMBINED])
def test_every_space_answers_its_first_example_on_zero_gpu_without_asking_for_a_gpu(zero_gpu_runtime, name, tmp_path):
    """Serving runs on the Space's CPU: the first examples are answered on the ZeroGPU runtime without one call to
    ZeroGPU's scheduler (no visitor's GPU quota spent); the one registered GPU function is what let it start."""
    r = zero_gpu_runtime[name]
    client = Client(r["url"], verbose=False)
    for space, page, endpoint in spaces_in(name):
        sample = sample_request(r["url"], endpoint, page=page)
        assert client.predict(*client_args(sample, tmp_path), api_name=f"/{endpoint}") is not None
    assert not [p for p in r["device"].paths() if p.startswith(("/schedule", "/allow", "/release"))]
    assert r["device"].paths("POST").count("/startup-report") == 1
    assert r["proc"].poll() is None


def test_only_functions_that_use_a_gpu_are_decorated_and_each_says_its_duration():
    """No Space function asks ZeroGPU for a GPU (all serve on the CPU); `ui.gpu` demands a duration."""
    import re
    from shared.serving import ui
    for path in [*(REPO / "spaces").glob("*/app.py"), *(REPO / "shared").rglob("ui.py")]:
        assert not re.search(r"^\s*@(ui\.gpu|spaces\.GPU)", path.read_text(), re.M), path
    with pytest.raises(TypeError, match="duration"):
        ui.gpu(lambda: None)  # a bare @ui.gpu
    with pytest.raises(TypeError, match="duration"):
        ui.gpu()
    assert callable(ui.gpu(duration=30)(lambda: None))


def test_zero_gpu_start_up_registers_one_gpu_function_with_a_duration():
    "In a fresh interpreter with SPACES_ZERO_GPU set (as on ZeroGPU): what the `spaces` package will report at launch."
    code = ("from shared.serving import ui; import spaces.zero.decorator as d; ui.zero_gpu_startup(); ui.zero_gpu_startup(); "
            "fns = {f.__name__ for f in d.decorated_cache}; print(sorted(fns))")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(REPO), "SPACES_ZERO_GPU": "true",
                              "SPACES_ZERO_DEVICE_API_URL": "http://127.0.0.1:9"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "['gpu_devices']"


@pytest.mark.slow
def test_combined_bundle_answers_every_first_example_on_cpu(bundles, tmp_path_factory, tmp_path, gallery_server):
    """The combined bundle, copied outside the repo and run from its folder with SSR on (no ZeroGPU), answers every
    Space's first example under its documented name, exactly as the repo's own suite answers it."""
    outside = tempfile_outside_repo(tmp_path_factory) / deploy.COMBINED
    shutil.copytree(bundles / deploy.COMBINED, outside)
    ARTIFACTS.mkdir(exist_ok=True)
    log, port = ARTIFACTS / f"bundle-{deploy.COMBINED}.log", free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_bundle(outside, log, port, {"GRADIO_SSR_MODE": "true"})
    try:
        wait_up(proc, url + "gradio_api/gallery/spaces.json", log)
        assert "shared from " + str(outside.resolve()) in log.read_text()
        client = Client(url, verbose=False)
        for space, page, endpoint in spaces_in(deploy.COMBINED):
            sample = sample_request(url, endpoint, page=page)
            answer = client.predict(*client_args(sample, tmp_path), api_name=f"/{endpoint}")
            repo = Client(gallery_server, verbose=False).predict(*client_args(sample, tmp_path),
                                                                  api_name=f"/{endpoint}")
            assert answer is not None and answer != [] and answer != ()
            assert_same_answer(answer, repo)
        listing = httpx.get(url + "gradio_api/gallery/spaces.json", timeout=10).json()["spaces"]
        assert [c["name"] for c in listing if c["ok"]] == NAMES
        assert proc.poll() is None
    finally:
        stop(proc)


@pytest.mark.slow
@pytest.mark.parametrize("bundle", [deploy.COMBINED, "pets"])
def test_the_readme_names_the_mcp_tools_a_space_really_serves(bundles, tmp_path_factory, bundle):
    """Started as Hugging Face starts it (SYSTEM=spaces, SPACE_ID=alice/<repo>), Gradio prefixes every MCP tool with
    the Space's name; the bundle's README lists exactly the tools its MCP server then serves."""
    outside = tempfile_outside_repo(tmp_path_factory) / bundle
    shutil.copytree(bundles / bundle, outside)
    log, port = ARTIFACTS / f"bundle-mcp-{bundle}.log", free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_bundle(outside, log, port, {"SYSTEM": "spaces", "SPACE_ID": f"alice/{bundle}"})
    try:
        wait_up(proc, url + "gradio_api/info", log)
        served = sorted(t["name"] for t in httpx.get(url + "gradio_api/mcp/schema", timeout=60).json())
    finally:
        stop(proc)
    names = NAMES if bundle == deploy.COMBINED else [bundle]
    documented = deploy.mcp_tools(bundle, names, combined=bundle == deploy.COMBINED)
    assert served == sorted(documented)
    text = " ".join((bundles / bundle / "README.md").read_text().split())
    assert all(f"`{t}`" in text for t in served)
