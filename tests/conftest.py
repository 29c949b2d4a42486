"""Shared fixtures: real data paths, a tiny trained pets model, and real Gradio servers in subprocesses."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"  # server logs and screenshots, kept for CI to show
sys.path.insert(0, str(REPO))
from shared.training.data import data_dir  # noqa: E402

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # as `make test` runs: no test reaches the Hub (none can here)
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_process(cmd: list[str], name: str, ready: str, cwd: Path, env: dict | None, timeout: float):
    """Run `cmd` as a real server on a free loopback port (GRADIO_SERVER_PORT); yield its URL once `ready` (a path
    under it) answers 200; stop it afterwards. Its output goes to tests/artifacts/<name>-server-<port>.log."""
    port = free_port()
    full_env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
                "PYTHONPATH": str(REPO), **(env or {})}
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"{name}-server-{port}.log", "w")
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {log.name}")
            try:
                if httpx.get(url + ready, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise TimeoutError(f"{name} did not start in {timeout}s; see {log.name}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def serve(app: Path, env: dict | None = None, timeout: float = 180):
    "Run `python app.py` as a real server on a free loopback port; yield its URL; stop it afterwards."
    return serve_process([sys.executable, str(app)], app.parent.name, "gradio_api/info", app.parent, env, timeout)


@pytest.fixture(scope="module")
def server(request):
    "The test module's Space (its `APP`, with its `APP_ENV` if any) as a real server, for the whole module."
    with serve(request.module.APP, getattr(request.module, "APP_ENV", None)) as url:
        yield url


@pytest.fixture(scope="module")
def client(server):
    "A gradio_client on the module's real server: HTTP and the Space's API as any caller meets them."
    from gradio_client import Client
    return Client(server, verbose=False)


@pytest.fixture(scope="session")
def data():
    path = data_dir()
    if not path.exists():
        pytest.skip(f"no data at {path}")
    return path


@pytest.fixture(scope="session")
def tiny_pets(tmp_path_factory, data):
    "A pets model trained for seconds by the real training CLI (tiny preset), saved as an artifact."
    from shared.training import cli as train
    out = tmp_path_factory.mktemp("pets-tiny")
    train.main(["pets", "--preset", "tiny", "--out", str(out)])
    return out


def load_image(path):
    "A PIL image read in full, its file closed (Image.open alone keeps it open until garbage collection)."
    from PIL import Image
    img = Image.open(path)
    img.load()  # a single-frame file is closed once decoded; `format` is kept
    return img


def make_image_battery(folder: Path, photo: Path) -> dict[str, Path]:
    """The bad-input battery every image Space must survive, made from one real photo.

    Returns name -> file. Unreadable ones: corrupt, not_an_image, empty. Readable ones need the right answer."""
    import numpy as np
    from PIL import Image
    folder.mkdir(parents=True, exist_ok=True)
    img = Image.open(photo).convert("RGB")
    img.thumbnail((320, 320))
    out = {}

    def save(name, im, **kw):
        out[name] = folder / name
        im.save(out[name], **kw)

    raw = photo.read_bytes()
    (folder / "corrupt.jpg").write_bytes(raw[: len(raw) // 3])
    (folder / "not_an_image.jpg").write_text("this is a text file pretending to be a photo\n")
    (folder / "empty.png").write_bytes(b"")
    out.update(corrupt=folder / "corrupt.jpg", not_an_image=folder / "not_an_image.jpg", empty=folder / "empty.png")
    frames = [img, img.transpose(Image.FLIP_LEFT_RIGHT), img.rotate(90)]
    save("animated.gif", frames[0], save_all=True, append_images=frames[1:], duration=100, loop=0)
    rgba = img.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(img.size))
    save("rgba.png", rgba)
    save("cmyk.jpg", img.convert("CMYK"))
    save("grey.png", img.convert("L"))
    save("sixteen_bit.png", Image.fromarray(np.asarray(img.convert("L"), dtype=np.uint16) * 257))  # mode I;16
    save("one_pixel.png", img.resize((1, 1)))
    save("huge.png", img.resize((10000, 10000), Image.NEAREST), compress_level=1)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    save("exif_rotated.jpg", img, exif=exif.tobytes())
    return out


@pytest.fixture(scope="session")
def image_battery(tmp_path_factory, data):
    return make_image_battery(tmp_path_factory.mktemp("battery"), data / "pets" / "images" / "Abyssinian_101.jpg")


@pytest.fixture(scope="session")
def tiny_sentiment(tmp_path_factory, data):
    "A sentiment model trained for seconds by the real training CLI (tiny preset, the 1,000-review sample)."
    from shared.training import cli as train
    out = tmp_path_factory.mktemp("sentiment-tiny")
    train.main(["sentiment", "--preset", "tiny", "--out", str(out)])
    return out


def serve_gallery(env: dict | None = None, timeout: float = 600):
    "Run `python -m shared.gallery` (every Space on one server) on a free port; yield its URL once all are mounted."
    return serve_process([sys.executable, "-m", "shared.gallery"], "gallery", "gradio_api/gallery/spaces.json", REPO, env,
                         timeout)


@pytest.fixture(scope="session")
def gallery_server():
    """One gallery server for the gallery, browser and embed tests of the whole session
    ($CHAPTER_ONE_GALLERY: the URL of one already running, to iterate on the tests)."""
    if os.environ.get("CHAPTER_ONE_GALLERY"):
        yield os.environ["CHAPTER_ONE_GALLERY"].rstrip("/") + "/"
        return
    with serve_gallery() as url:
        yield url


@pytest.fixture(scope="session")
def tiny_minilm(tmp_path_factory, tiny_sentiment):
    "The transformer path of the real training CLI (minilm-tiny: 48 reviews at 64 tokens), combined with tiny_sentiment."
    from shared.training import cli as train
    out = tmp_path_factory.mktemp("minilm-tiny")
    train.main(["sentiment", "--preset", "minilm-tiny", "--out", str(out), "--baseline-model", str(tiny_sentiment)])
    return out
