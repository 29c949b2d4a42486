"""Every Space in a real browser (Playwright driving Debian's Chromium), served by the gallery (one Gradio app, a
page per Space), and embedded in a page of another origin (an iframe of a Space's page, Gradio's web component of
the suite): open, click the first example, run, check, screenshot.

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
from gradio_client import Client

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


def api_result(server: str, name: str, sample: dict, folder: Path):
    "What the Space's predict endpoint answers for the first example, through gradio_client: the page must show the same."
    result = Client(server, verbose=False).predict(*gallery.client_args(sample, folder),
                                                   api_name=f"/{gallery.api_name(name)}")
    return result if isinstance(result, (list, tuple)) else [result]


def expected_texts(result) -> list[str]:
    "Short strings of the API answer that a visitor sees: a Label's top class, a table's first cells, words."
    out = []
    for value in result:
        if isinstance(value, dict) and "label" in value and value["label"] is not None:
            out.append(str(value["label"]))
        elif isinstance(value, dict) and value.get("data"):
            out += [str(c) for c in value["data"][0] if isinstance(c, str) and len(c) > 3][:2]
        elif isinstance(value, str) and value and not os.path.isfile(value):
            words = re.findall(r"[A-Za-z][A-Za-z'’-]{3,}", value)
            out += words[:3]
    return out


def loaded_images(root) -> set[str]:
    return set(root.locator("img").evaluate_all("els => els.filter(e => e.complete && e.naturalWidth > 0)"
                                                ".map(e => e.src)"))


def run_first_example(root, sample: dict) -> tuple[str, set[str]]:
    """In `root` (a page's body, a frame's body or a web component), click the Space's first example, then the
    button that runs `predict`. Returns the text and images shown just before the run."""
    for tab in sample["tabs"]:  # the tabs that hold the examples
        root.get_by_role("tab", name=tab, exact=True).first.click()
    label = root.locator(".label", has_text=sample["example_label"]).locator("visible=true").first
    label.wait_for(state="visible")
    examples = label.locator("xpath=..")  # the examples block: its label, then the samples
    examples.locator("button.gallery-item, tr.tr-body").first.click()
    root.page.wait_for_timeout(1000)  # the example loads into the inputs
    before = root.inner_text(), loaded_images(root)
    if sample["buttons"]:
        root.get_by_role("button", name=sample["buttons"][0], exact=True).first.click()
    return before


def wait_for_output(root, texts: list[str], before: tuple[str, set[str]]) -> str:
    """Until the page shows one of `texts` it did not show before the run (or, when the answer has no text,
    a new image), and no error."""
    text_before, images_before = before
    texts = [t for t in texts if t not in text_before]
    for _ in range(TIMEOUT_MS // 500):
        shown = root.inner_text()
        if texts and any(t in shown for t in texts):
            return next(t for t in texts if t in shown)
        if not texts and loaded_images(root) - images_before:
            return "a new image"
        errors = root.locator(".toast-body.error")
        if errors.count():
            raise AssertionError(f"the page shows an error: {errors.first.inner_text()}")
        root.page.wait_for_timeout(500)
    raise AssertionError(f"none of {texts} (or a new image) within {TIMEOUT_MS} ms; the page shows {shown[-800:]!r}")


def settle(root, timeout_ms: int = 60_000):
    "Until no event is running any more (a Space may chain more work after `predict`): for the screenshot."
    for _ in range(timeout_ms // 250):
        if not re.search(r"processing \|", root.inner_text()):
            return
        root.page.wait_for_timeout(250)


def test_landing_page_has_a_card_per_space(page, gallery_server):
    page.goto(gallery_server)
    cards = page.locator("article.card")
    cards.first.wait_for(timeout=60_000)  # the landing page is a Gradio page: its HTML renders in the browser
    assert cards.count() == len(NAMES)
    for name in NAMES:
        card = page.locator(f"#card-{name}")
        assert card.locator("h2").inner_text().strip()
        assert "Chapter 1 idea" in card.inner_text()
        for summary in card.locator("summary").all():
            summary.click()
        snippet = card.locator("pre.embed").inner_text()
        assert f'<iframe src="{gallery_server}{name}"' in snippet and 'allow="camera;' in snippet
        code = card.locator("pre.code").inner_text()
        assert f'Client("{gallery_server}")' in code and f'api_name="/{gallery.api_name(name)}"' in code
        thumb = card.locator(".thumb img")
        if thumb.count():
            thumb.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    page.screenshot(path=str(ARTIFACTS / "browser-gallery.png"), full_page=True)
    assert not page.errors


@pytest.mark.parametrize("name", NAMES)
def test_space_answers_its_first_example_in_the_browser(page, gallery_server, name, tmp_path):
    sample = gallery.sample_request(gallery_server, gallery.api_name(name), page=name)
    assert sample["example"] is not None, f"{name} has no gr.Examples feeding predict"
    texts = expected_texts(api_result(gallery_server, name, sample, tmp_path))
    page.goto(f"{gallery_server}{name}")
    body = page.locator("body")
    shown = wait_for_output(body, texts, run_first_example(body, sample))
    settle(body)
    page.wait_for_timeout(500)  # let the last outputs paint before the screenshot
    page.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)
    assert shown
    assert not page.errors, page.errors


@pytest.fixture(scope="module")
def embed_page_server():
    "tests/embed/ on its own port: another origin than the Space, as a real embedding page."
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(REPO / "tests" / "embed"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_embedded_space_renders_and_answers_in_an_iframe_and_a_web_component(page, gallery_server,
                                                                             embed_page_server, tmp_path):
    name = NAMES[0]
    sample = gallery.sample_request(gallery_server, gallery.api_name(name), page=name)
    texts = expected_texts(api_result(gallery_server, name, sample, tmp_path))
    page.goto(f"{embed_page_server}index.html?src={gallery_server}{name}&app={gallery_server}"
              f"&js={gallery_server}{gallery.EXTRA}/gradio.js")
    frame = page.frame_locator("#space-frame").locator("body")
    wait_for_output(frame, texts, run_first_example(frame, sample))
    component = page.locator("#space-component")
    component.scroll_into_view_if_needed()  # the web component loads lazily, once it is on screen
    component.locator("article.card").first.wait_for(state="visible")  # the suite's landing page, in the page
    assert component.locator("article.card").count() == len(NAMES)
    settle(page.locator("body"))
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "browser-embed.png"), full_page=True)
    assert not page.errors, page.errors  # neither embedding threw in the page


def test_pets_teach_tab_teaches_from_a_zip_then_labels_a_new_photo(page, gallery_server, data, tmp_path):
    "Upload a .zip in the teach tab, see the report and the confusion matrix, then classify a photo it never saw."
    from shared.teach.photos import make_zip
    images = data / "pets" / "images"
    breeds = ("Bengal", "pug")
    archive = make_zip(tmp_path / "two.zip", {b: sorted(images.glob(f"{b}_*.jpg"))[:3] for b in breeds})
    page.goto(gallery_server + "pets/")
    page.get_by_role("tab", name="Teach it your own labels", exact=True).click()
    page.locator("#teach-zip input[type=file]").set_input_files(str(archive))
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Teach", exact=True).click()
    page.locator("#teach-report", has_text="Held-out estimate").wait_for()
    assert "Taught 2 labels from 6 photos" in page.locator("#teach-report").inner_text()
    unseen = sorted(images.glob("pug_*.jpg"))[-1]
    page.locator("#teach-photo input[type=file]").set_input_files(str(unseen))
    top = page.locator('#teach-label [data-testid="label-output-value"]')
    top.filter(has_text=re.compile("Bengal|pug")).wait_for()
    page.screenshot(path=str(ARTIFACTS / "browser-pets-teach.png"), full_page=True)
    assert top.inner_text().strip() == "pug" and not page.errors
