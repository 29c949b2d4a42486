"""A screenshot of each Space answering its first example, for the README (and the cards' thumbnails):

    python -m shared.ops.screenshots                 # docs/screenshots/<name>.png (1366x900) and <name>-phone.png (390x844)
    python -m shared.ops.screenshots --url http://127.0.0.1:7860/   # of a gallery already running
    python -m shared.ops.screenshots --thumbnails --force   # spaces/<name>/thumbnail.png from the browser tests'

It serves the gallery (`python -m shared.gallery`) on a free loopback port, opens each page in Chromium
(Playwright, Debian's /usr/bin/chromium or $CHROMIUM), taps the first example and waits for the answer.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from shared.gallery import app as gallery

from shared import REPO
from shared.ops.sample import sample_request
OUT = REPO / "docs" / "screenshots"
SIZES = {"": {"width": 1366, "height": 900}, "-phone": {"width": 390, "height": 844}}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def serve_gallery(timeout: float = 300):
    "`python -m shared.gallery` on a free loopback port: (process, url) once every Space is up."
    import httpx
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "shared.gallery"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the gallery exited before it served")
        try:
            if httpx.get(url + gallery.EXTRA + "/spaces.json", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise TimeoutError(f"the gallery did not start in {timeout} s")


def settle(page, timeout_s: float = 60):
    "Until no event runs any more (Gradio shows 'processing | ...' on busy outputs)."
    end = time.time() + timeout_s
    page.wait_for_timeout(500)
    while time.time() < end and re.search(r"processing \|", page.locator("body").inner_text()):
        page.wait_for_timeout(250)
    page.wait_for_timeout(800)


def small_png(path: Path):
    "The screenshot in 256 colours (a README image of ~100-200 kB rather than ~1 MB)."
    from PIL import Image
    with Image.open(path) as im:
        im = im.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    im.save(path, optimize=True)


def shoot(url: str, names: list[str], out: Path) -> list[Path]:
    "Each Space's page with its first example answered, at each of SIZES, as PNGs in `out`."
    from playwright.sync_api import sync_playwright
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                    args=CHROMIUM_ARGS)
        for suffix, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, locale="en-US", is_mobile=suffix == "-phone")
            for name in names:
                sample = sample_request(url, gallery.api_name(name), page=name)
                page = context.new_page()
                page.goto(url + name)
                page.locator(".prose").first.wait_for(timeout=60_000)
                for tab in sample["tabs"]:  # the tabs that hold the examples
                    page.get_by_role("tab", name=tab, exact=True).first.click()
                examples = page.locator("button.gallery-item, tr.tr-body").locator("visible=true")
                if sample["example"] is not None and examples.count():
                    examples.first.scroll_into_view_if_needed()
                    examples.first.click()
                settle(page)
                if suffix == "":  # a desktop visitor sees the whole first screen; a phone, where the tap scrolled
                    page.evaluate("window.scrollTo(0, 0)")
                path = out / f"{name}{suffix}.png"
                page.screenshot(path=str(path))
                small_png(path)
                made.append(path)
                page.close()
            context.close()
        browser.close()
    return made


def make_thumbnails(screenshots: Path, names: list[str] | None = None, force: bool = False) -> list[Path]:
    """spaces/<name>/thumbnail.png (640x360, under 100 kB) from the browser tests' screenshots of each Space
    answering its first example (tests/artifacts/browser-<name>.png), for Spaces that have none (or all: force)."""
    from PIL import Image
    made = []
    for name in names or gallery.space_names():
        shot, dest = Path(screenshots) / f"browser-{name}.png", gallery.SPACES / name / "thumbnail.png"
        if not shot.is_file() or (dest.exists() and not force):
            continue
        with Image.open(shot) as im:
            im = im.convert("RGB")
            w = im.width
            im = im.crop((0, 0, w, min(im.height, w * 9 // 16)))
            im.thumbnail((640, 360))
            im.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(dest, optimize=True)
        made.append(dest)
    return made


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m shared.ops.screenshots", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a gallery already running (default: start one)")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("names", nargs="*", help="Spaces (default: all)")
    p.add_argument("--thumbnails", metavar="DIR", nargs="?", const="tests/artifacts",
                   help="write missing spaces/<name>/thumbnail.png from the browser tests' screenshots and exit")
    p.add_argument("--force", action="store_true", help="with --thumbnails: replace existing ones")
    args = p.parse_args(argv)
    if args.thumbnails:
        for path in make_thumbnails(Path(args.thumbnails), args.names or None, force=args.force):
            print("wrote", path)
        return
    names = gallery.ordered(args.names or gallery.space_names())
    proc, url = (None, args.url.rstrip("/") + "/") if args.url else serve_gallery()
    try:
        for path in shoot(url, names, args.out):
            print("wrote", path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
