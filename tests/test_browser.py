"""Every Space in a real browser (Playwright driving Debian's Chromium), served by the gallery, and embedded in a
page of another origin (iframe and Gradio web component): open, click the first example, run, check, screenshot.

Screenshots go to tests/artifacts/browser-*.png. Chromium comes from `apt-get install chromium` (the Makefile's
test set-up does it); Playwright's own browser download is not used.
"""
import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from conftest import ARTIFACTS, REPO
from shared import gallery

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
NAMES = gallery.space_names()
TIMEOUT_MS = 180_000  # a prediction on 2 busy CPU cores, first call included
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install chromium` (make install-dev does it as root)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()


def api_result(space_url: str, sample: dict):
    "What `/predict` answers for the first example, through gradio_client: the page must show the same."
    args = [handle_file(a) if n in sample["files"] else a for n, a in enumerate(sample["args"])]
    result = Client(space_url, verbose=False).predict(*args, api_name="/predict")
    return result if isinstance(result, (list, tuple)) else [result]


def expected_texts(result) -> list[str]:
    "Short strings of the API answer that a visitor sees: a Label's top class, a table's first cells, words."
    out = []
    for value in result:
        if isinstance(value, dict) and "label" in value and value["label"] is not None:
            out.append(str(value["label"]))
        elif isinstance(value, dict) and value.get("data"):
            out += [str(c) for c in value["data"][0] if isinstance(c, str) and len(c) > 3][:2]
        elif isinstance(value, str) and value and not Path(value).exists():
            words = re.findall(r"[A-Za-z][A-Za-z'’-]{3,}", value)
            out += words[:3]
    return out


def run_first_example(root, sample: dict):
    """In `root` (a page, a frame or a web component), click the Space's first example, then the button that
    triggers `predict` (if the example does not run it by itself)."""
    root.locator(f"#component-{sample['example']}").first.wait_for(state="visible")
    examples = root.locator(f"#component-{sample['example']}")
    examples.locator("button, tr.tr-body, .gallery-item").first.click()
    for comp_id, event in sample["triggers"]:
        if event == "click":
            root.locator(f"#component-{comp_id}").first.click()
            break


def wait_for_output(root, sample: dict, texts: list[str], page):
    "Until an output shows one of `texts` (or, for image-only answers, a loaded image)."
    outputs = [root.locator(f"#component-{i}").first for i in sample["outputs"]]
    deadline_ms = TIMEOUT_MS
    step = 500
    while deadline_ms > 0:
        shown = " ".join(o.inner_text() for o in outputs if o.count())
        if texts and any(t in shown for t in texts):
            return shown
        if not texts:
            for o in outputs:
                imgs = o.locator("img")
                if imgs.count() and imgs.first.evaluate("i => i.complete && i.naturalWidth > 0"):
                    return "image"
        errors = root.locator(".toast-body.error, .toast-wrap .error")
        if errors.count():
            raise AssertionError(f"the page shows an error: {errors.first.inner_text()}")
        page.wait_for_timeout(step)
        deadline_ms -= step
    raise AssertionError(f"no output with any of {texts} within {TIMEOUT_MS} ms; outputs show: {shown[:500]!r}")


def test_landing_page_has_a_card_per_space(page, gallery_server):
    page.goto(gallery_server)
    cards = page.locator("article.card")
    assert cards.count() == len(NAMES)
    for name in NAMES:
        card = page.locator(f"#card-{name}")
        assert card.locator("h2").inner_text().strip()
        assert "Chapter 1 idea" in card.inner_text()
        card.locator("summary").click()
        snippet = card.locator("pre.embed").inner_text()
        assert f'<iframe src="{gallery_server}{name}/"' in snippet and f'<gradio-app src="{gallery_server}{name}/"' in snippet
        thumb = card.locator(".thumb img")
        if thumb.count():
            thumb.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    page.screenshot(path=str(ARTIFACTS / "browser-gallery.png"), full_page=True)
    assert not page.errors


@pytest.mark.parametrize("name", NAMES)
def test_space_answers_its_first_example_in_the_browser(page, gallery_server, name):
    space = f"{gallery_server}{name}/"
    sample = gallery.sample_request(space)
    assert sample["example"] is not None, f"{name} has no gr.Examples feeding predict"
    texts = expected_texts(api_result(space, sample))
    page.goto(space)
    run_first_example(page, sample)
    shown = wait_for_output(page, sample, texts, page)
    page.wait_for_timeout(500)  # let the rest of the outputs paint before the screenshot
    page.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)
    assert shown
    assert not page.errors, page.errors


@pytest.fixture(scope="module")
def embed_page_server():
    "tests/embed/ on its own port: another origin than the Space, as a real embedding page."
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(REPO / "tests" / "embed"))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_embedded_space_renders_and_answers_in_an_iframe_and_a_web_component(page, gallery_server,
                                                                             embed_page_server):
    name = NAMES[0]
    space = f"{gallery_server}{name}/"
    sample = gallery.sample_request(space)
    texts = expected_texts(api_result(space, sample))
    page.goto(f"{embed_page_server}index.html?src={space}&js={gallery_server}gradio-web/gradio.js")
    frame = page.frame_locator("#space-frame")
    run_first_example(frame, sample)
    wait_for_output(frame, sample, texts, page)
    component = page.locator("#space-component")
    run_first_example(component, sample)
    wait_for_output(component, sample, texts, page)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "browser-embed.png"), full_page=True)
