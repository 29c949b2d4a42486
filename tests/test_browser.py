"""Every Space in a real browser (Playwright driving Debian's Chromium), served by the gallery (one Gradio app, a
page per Space), at 1366x900 and on a phone (390x844), in English and Korean, and embedded in a page of another
origin (each Space alone, as an iframe and as Gradio's web component): open, tap the first example, see the
answer on screen, check that nothing is wider than the screen, screenshot.

Screenshots go to tests/artifacts/browser-*.png. Chromium comes from `apt-get install chromium` (the Makefile's
test set-up does it); Playwright's own browser download is not used.
"""
import functools
import http.server
import os
import re
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from gradio_client import Client

from conftest import ARTIFACTS, REPO
from shared.gallery import app as gallery
from shared.ops.sample import client_args, sample_request

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


VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
ANSWER_S = 3.0  # an example's answer on screen within this, the model warm (the promise)


def new_page(browser, viewport="desktop", locale="en-US"):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=locale,
                                  is_mobile=viewport == "phone", has_touch=viewport == "phone")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return context, page


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
    result = Client(server, verbose=False).predict(*client_args(sample, folder),
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
    """In `root` (a page's body, a frame's body or a web component), tap the Space's first example: it loads
    into the inputs and runs `predict` by itself (no button). Returns the text and images shown just before."""
    for tab in sample["tabs"]:  # the tabs that hold the examples
        root.get_by_role("tab", name=tab, exact=True).first.click()
    label = root.locator(".label", has_text=sample["example_label"]).locator("visible=true").first
    label.wait_for(state="visible")
    examples = label.locator("xpath=..")  # the examples block: its label, then the samples
    first = examples.locator("button.gallery-item, tr.tr-body").first
    first.scroll_into_view_if_needed()
    before = root.inner_text(), loaded_images(root)
    first.click()
    return before


def on_screen(page, text: str) -> bool:
    "Whether some visible text node holding `text` lies (at least partly) inside the viewport."
    return page.evaluate("""t => {
      const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const W = window.innerWidth, H = window.innerHeight;
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!n.textContent.includes(t)) continue;
        const range = document.createRange(); range.selectNodeContents(n);
        for (const r of range.getClientRects())
          if (r.width > 0 && r.bottom > 0 && r.right > 0 && r.top < H && r.left < W) return true;
      }
      return false; }""", text)


def overlapping_text(page) -> list[str]:
    """Pairs of texts drawn over each other: each visible text line's box (clipped by the boxes that clip it; a
    closed fold's text is not drawn) against every other. Icons (no letter or digit) are left out."""
    return page.evaluate("""() => {
  const clipOf = el => { let c = [-1e9, -1e9, 1e9, 1e9];
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.opacity === "0" || s.visibility === "hidden" || s.display === "none") return null;
      if (a.tagName === "DETAILS" && !a.open && !el.closest("summary")) return null;
      if (s.overflowX !== "visible" || s.overflowY !== "visible") { const r = a.getBoundingClientRect();
        c = [Math.max(c[0], r.left), Math.max(c[1], r.top), Math.min(c[2], r.right), Math.min(c[3], r.bottom)]; }
    }
    return c; };
  const rects = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!/[\\p{L}\\p{N}]/u.test(n.textContent)) continue;  // words, not icons (the slider's ◢ handles)
    const clip = clipOf(n.parentElement); if (!clip) continue;
    const range = document.createRange(); range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      const x0 = Math.max(r.left, clip[0]), y0 = Math.max(r.top, clip[1]), x1 = Math.min(r.right, clip[2]), y1 = Math.min(r.bottom, clip[3]);
      if (x1 - x0 > 1 && y1 - y0 > 1) rects.push([x0, y0, x1, y1, n.textContent.trim().slice(0, 30)]);
    }
  }
  const out = [];
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    const a = rects[i], b = rects[j];
    const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]), h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    if (w > 3 && h > 3) out.push(`${a[4]} / ${b[4]}`);
  }
  return out.slice(0, 10);
}""")


def too_wide(page) -> list[str]:
    """Elements wider than the viewport (unless an ancestor that fits clips them: a plot's inner drawing, a
    scrolling strip), and whether the page scrolls sideways: what a phone visitor would have to pan to."""
    return page.evaluate("""() => {
      const W = document.documentElement.clientWidth, out = [];
      const S = document.documentElement.scrollWidth;
      if (S > W + 1) out.push(`the page scrolls sideways: ${S} > ${W}`);
      const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        const r = a.getBoundingClientRect();
        if (getComputedStyle(a).overflowX !== "visible" && r.width <= W + 1) return true; } return false; };
      for (const e of document.querySelectorAll("body *")) {
        const r = e.getBoundingClientRect(), style = getComputedStyle(e);
        if (r.width > W + 1 && style.visibility !== "hidden" && style.display !== "none" && !clipped(e))
          out.push(`${e.tagName}.${String(e.className.baseVal ?? e.className).split(" ")[0]} ${Math.round(r.width)} px`);
      }
      return out.slice(0, 10); }""")


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


BUSY = """() => [...document.querySelectorAll('.progress-text, .meta-text, .meta-text-center')]
    .some(e => e.offsetParent !== null && /\\d(\\.\\d+)?s/.test(e.textContent))"""  # Gradio's timer on an output


def settle(root, timeout_ms: int = 60_000):
    """Until no event is running any more (a Space may chain more work after `predict`; on a phone Gradio's status
    shows only its timer, "0.1s", over the output it updates): for the screenshot and the layout checks."""
    for _ in range(timeout_ms // 250):
        if not re.search(r"processing \|", root.inner_text()) and not root.page.evaluate(BUSY):
            return
        root.page.wait_for_timeout(250)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_landing_page_starts_with_pets_and_fits_the_screen(browser, gallery_server, viewport):
    context, page = new_page(browser, viewport)
    page.goto(gallery_server)
    cards = page.locator("article.card")
    cards.first.wait_for(timeout=60_000)  # the landing page is a Gradio page: its HTML renders in the browser
    assert cards.count() == len(NAMES)
    assert [c.get_attribute("data-space") for c in cards.all()] == gallery.ordered(NAMES)  # pets first
    assert "Is it a cat?" in page.locator(".lead").inner_text()
    for name in NAMES:
        card = page.locator(f"#card-{name}")
        assert card.locator("h2").inner_text().strip() and "Chapter 1 idea" in card.inner_text()
        folded = card.inner_text()  # the API and the snippets are folded away for learners
        assert gallery.api_name(name) not in folded and "gradio_client" not in folded and "<iframe" not in folded
        for summary in card.locator("summary").all():
            summary.click()
        snippet = card.locator("pre.embed").inner_text()
        embed = f"{gallery_server}{gallery.embed_path(name)}"
        assert f'src="{embed}" style="width:100%' in snippet and 'allow="camera;' in snippet and "<script>" in snippet
        assert f'<gradio-app src="{embed.rstrip("/")}"></gradio-app>' in snippet
        assert f'src="{gallery_server}{gallery.EXTRA}/gradio.js"' in snippet  # the script from this server, no CDN
        code = card.locator("pre.code").inner_text()
        assert f'Client("{gallery_server}")' in code and f'api_name="/{gallery.api_name(name)}"' in code
        thumb = card.locator(".thumb img")
        if thumb.count():
            thumb.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert page.title() == "Chapter One Spaces"
    assert not too_wide(page), too_wide(page)
    assert not overlapping_text(page), overlapping_text(page)
    page.screenshot(path=str(ARTIFACTS / f"browser-gallery-{viewport}.png"), full_page=True)
    assert not page.errors
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", NAMES)
def test_example_tap_answers_on_screen_within_3_s(browser, gallery_server, name, viewport, tmp_path):
    """Tap the first example (nothing else): the answer the API gives for it is on screen within ANSWER_S (the
    model warmed by that API call, as for any visitor after the first), the page has the Space's title, and
    nothing is wider than the screen, before and after."""
    sample = sample_request(gallery_server, gallery.api_name(name), page=name)
    assert sample["example"] is not None, f"{name} has no gr.Examples feeding predict"
    texts = expected_texts(api_result(gallery_server, name, sample, tmp_path))
    context, page = new_page(browser, viewport)
    page.goto(f"{gallery_server}{name}")
    body = page.locator("body")
    text_before, _ = before = run_first_example(body, sample)
    start = time.perf_counter()
    new = [t for t in texts if t not in text_before]
    answer = page.locator(f"#{name}-answer")  # each Space's first answer component: its text or its picture

    def answered():
        if new:
            return any(on_screen(page, t) for t in new)
        return page.evaluate("""e => {
            const img = e && [...e.querySelectorAll("img")].find(i => i.complete && i.naturalWidth);
            if (!img) return false;
            const r = img.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }""", answer.element_handle())
    while not answered() and time.perf_counter() - start < 30:
        page.wait_for_timeout(50)
    seconds = time.perf_counter() - start
    assert answered(), f"{name}: the answer {new or 'picture'} is not on screen"
    print(f"{name} {viewport}: the answer on screen {seconds:.2f} s after the tap")
    assert seconds <= ANSWER_S, f"{name} {viewport}: the answer took {seconds:.2f} s to show"
    settle(body)
    from shared.gallery.words import T
    assert page.title() == f"{T.text(name + '_title')} · Chapter One Spaces"
    nav = page.locator(".nav-holder nav")  # the nav: one strip, this page's link on screen, the first reachable
    assert nav.bounding_box()["height"] < 80
    page.evaluate("window.scrollTo(0, 0)")
    assert on_screen(page, T.text(f"nav_{name}"))
    assert nav.evaluate("n => n.scrollWidth <= n.clientWidth || getComputedStyle(n).overflowX === 'auto'")
    assert not too_wide(page), too_wide(page)
    assert not overlapping_text(page), overlapping_text(page)
    page.wait_for_timeout(500)  # let the last outputs paint before the screenshot
    suffix = "" if viewport == "desktop" else f"-{viewport}"
    page.screenshot(path=str(ARTIFACTS / f"browser-{name}{suffix}.png"), full_page=True)
    assert not page.errors, page.errors
    context.close()


def english_fragments(words) -> list[str]:
    "The first words of each English text a page shows before any answer (its static UI), as the browser shows them."
    out = []
    for key, en in words.by_lang["en"].items():
        if en == words.by_lang["ko"][key]:
            continue
        plain = re.sub(r"<[^>]+>|[*_#`]", "", en).strip().splitlines()[0].strip()
        fragment = " ".join(plain.split()[:3])
        if len(fragment.split()) >= 2 and re.search(r"[a-z]{3}", fragment):
            out.append(fragment)
    return out


# Latin words a Korean page may show: names (the book, libraries, models, data sets, people), API and logic names.
# Anything else in a run of three or more Latin words is English a Korean visitor would have to read.
PROPER_NAMES = ("Deep Learning for Coders with fastai & PyTorch", "Deep Learning for Coders", "Hugging Face",
                "Oxford-IIIT Pet", "Mark I", "all-MiniLM-L6-v2", "EfficientNet-Lite0", "EfficientNet-Lite2",
                "Cybenko, Hornik")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*(?:,?[ \u00a0]+[A-Za-z][A-Za-z0-9'’-]*){2,}")  # a list counts too
SHOWN_TEXT = """() => { const out = [document.body.innerText];  // what is drawn: text, inputs' values, SVG plots' words
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  for (const e of document.querySelectorAll("input:not([type]), input[type=text], input[type=search], textarea")) if (shown(e)) out.push(e.value || "", e.placeholder || "");
  for (const e of document.querySelectorAll("svg text")) if (shown(e)) out.push(e.textContent);
  return out.join("\\n"); }"""


@functools.lru_cache(maxsize=1)
def data_texts() -> str:
    """What a Space shows as data, not as its words, so in its own language: the sentiment examples' English
    reviews (the model reads English) and MovieLens's movie titles (names)."""
    from shared.serving import ui
    from shared.tasks.recommend.serve import Predictor
    reviews = [p.read_text(encoding="utf-8") for p in sorted((gallery.SPACES / "sentiment" / "examples").glob("*.txt"))]
    titles = Predictor.load(ui.model_source("RECOMMEND_MODEL", gallery.SPACES / "recommend" / "app.py")).titles
    return " ".join(" ".join(t.split()) for t in [*reviews, *titles])


def english_runs(text: str) -> list[str]:
    """Runs of three or more Latin words in `text` that are neither names (PROPER_NAMES, gate names as AND / NOT)
    nor data shown as it is (data_texts): English on what should be a Korean page."""
    runs = set()
    for line in re.split(r"[\n\t]", text):
        for name in PROPER_NAMES:
            line = line.replace(name, " · ")
        for run in LATIN_RUN.findall(line):
            if " ".join(run.split()) not in data_texts() and not re.fullmatch(r"(?:(?:x[12]|[A-Z]{2,5}),?\s*)+", run):
                runs.add(run)
    return sorted(runs)


def korean_of(english: str, space: str, prefix: str = "") -> str:
    "A label's Korean words (the Space's words, keys starting with `prefix`): what a Korean page shows for it."
    import importlib
    T = importlib.import_module(f"shared.tasks.{space}.words" if space != "gallery" else "shared.gallery.words").T
    return next((T.by_lang["ko"][k] for k in T.keys() if k.startswith(prefix) and T.by_lang["en"][k] == english),
                english)


@pytest.mark.parametrize("viewport", VIEWPORTS)  # a phone's tables show fewer columns: both
@pytest.mark.parametrize("name", ["", *NAMES])
def test_with_a_korean_browser_every_page_speaks_korean(browser, gallery_server, name, viewport):
    """locale ko-KR: the page's own words (titles, explanations, labels, buttons, tabs, nav) are Korean: none of
    their English shows, Hangul does, the tab title is Korean. Then every tab opened and the first example's answer
    on screen: no run of three Latin words anywhere (text, inputs, the plots' SVG words) but names and data
    (english_runs), so every string a visitor reads, answers included, is Korean."""
    import importlib
    words = importlib.import_module(f"shared.tasks.{name}.words" if name else "shared.gallery.words").T
    context, page = new_page(browser, viewport, locale="ko-KR")
    page.goto(f"{gallery_server}{name}")
    page.locator("article.card, .prose").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # translations and the nav's labels settle
    shown = page.evaluate(SHOWN_TEXT)
    for tab in page.get_by_role("tab").all():  # every tab's words, not only the first tab's
        tab.click()
        page.wait_for_timeout(300)
        shown += "\n" + page.evaluate(SHOWN_TEXT)
    english = [f for f in english_fragments(words) if f in shown]
    assert not english, f"/{name}: English on a Korean page: {english}"
    assert len(re.findall(r"[\uac00-\ud7a3]", shown)) > 100
    assert re.search(r"[\uac00-\ud7a3]", page.title()), page.title()
    for nav in ["Home", "Is it a cat?", "What to watch"]:
        assert nav not in shown
    assert not too_wide(page), too_wide(page)
    assert not overlapping_text(page), overlapping_text(page)
    if name:  # the first example's answer, in Korean too
        sample = sample_request(gallery_server, gallery.api_name(name), page=name)
        sample = {**sample, "tabs": [korean_of(t, name, "tab_") for t in sample["tabs"]],
                  "example_label": korean_of(sample["example_label"], name)}
        body = page.locator("body")
        before = run_first_example(body, sample)
        page.wait_for_function("t => document.body.innerText !== t", arg=before[0])
        settle(body)
        page.wait_for_timeout(1000)  # the last outputs paint
        shown += "\n" + page.evaluate(SHOWN_TEXT)
    if name == "pets":  # the teach tab's report and picture: tap its sample .zip
        page.get_by_role("tab", name=words.text("tab_teach", "ko"), exact=True).click()
        samples = page.locator(".label", has_text=words.text("sample", "ko")).locator("xpath=..")
        samples.locator("button.gallery-item, tr.tr-body").first.click()
        page.locator("#teach-report", has_text=words.text("r_estimate", "ko").split("**")[1].split(":")[0]).wait_for()
        shown += "\n" + page.evaluate(SHOWN_TEXT)
    runs = english_runs(shown)
    assert not runs, f"/{name}: English on a Korean page: {runs}"
    assert not page.errors, page.errors
    context.close()


def test_gradio_settings_switch_turns_the_page_and_its_answers_korean(browser, gallery_server):
    "An English browser, switched to 한국어 in Gradio's Settings: the page's words and the next answer are Korean."
    context, page = new_page(browser, "desktop")
    page.goto(f"{gallery_server}sentiment")
    page.get_by_text("Settings", exact=True).last.click()
    page.locator("input[aria-label=Language]").click()
    page.get_by_role("option", name=re.compile("한국어")).first.click()
    page.locator(".backdrop").first.click(position={"x": 5, "y": 5})  # close the dialog
    page.wait_for_function("() => document.documentElement.lang === 'ko'")
    assert "판정하기" in page.locator("body").inner_text()  # the button, now Korean
    page.locator("button.gallery-item, tr.tr-body").locator("visible=true").first.click()
    page.wait_for_function("() => document.body.innerText.includes('트랜스포머의 판단')")  # the answer, Korean
    assert not page.errors, page.errors
    context.close()


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
    server.server_close()


def frame_fits_content(page, seconds: float = 20) -> bool:
    """Whether the embedding page's iframe is as tall as the Space inside it (within 2 px), with nothing to scroll
    inside and not the snippet's fallback height: waits for the height to settle, as a visitor would see it."""
    for _ in range(int(seconds * 4)):
        frame_h = page.locator("#as-iframe iframe").evaluate("f => f.getBoundingClientRect().height")
        inner = page.frame_locator("#as-iframe iframe").locator("html").evaluate("""h => [h.scrollHeight,
            h.clientHeight, document.querySelector(".gradio-container")?.getBoundingClientRect().height ?? 0]""")
        if inner:
            scroll_h, view_h, content_h = inner
            if (abs(frame_h - 720) > 2 and abs(frame_h - view_h) <= 2 and scroll_h <= view_h + 2
                    and abs(content_h - frame_h) <= 2):
                return True
        page.wait_for_timeout(250)
    print(f"iframe {frame_h} px, inside {inner}")
    return False


@pytest.mark.parametrize("name", NAMES)
def test_each_space_alone_answers_in_an_iframe_and_a_web_component_of_a_plain_page(browser, gallery_server,
                                                                                    embed_page_server, name, tmp_path):
    """The card's two snippets, in a plain HTML page of another origin, with the web component's script from
    the gallery itself (gradio.js and its assets, no CDN: this machine is offline): each shows the Space alone
    (no gallery nav) and answers its first example; the iframe is as tall as the Space, before and after the answer
    (its snippet's script follows the height Gradio reports), so nothing scrolls inside it."""
    embed = f"{gallery_server}{gallery.embed_path(name)}"
    sample = sample_request(embed, "predict")
    texts = expected_texts(api_result(gallery_server, name, sample_request(
        gallery_server, gallery.api_name(name), page=name), tmp_path))
    context, page = new_page(browser, "desktop")
    snippet = gallery.embed_iframe(embed)  # pasted as it is, its script included
    page.goto(f"{embed_page_server}index.html?iframe={urllib.parse.quote(snippet)}&app={embed.rstrip('/')}"
              f"&js={gallery_server}{gallery.EXTRA}/gradio.js")
    frame = page.frame_locator("#as-iframe iframe").locator("body")
    assert frame_fits_content(page), "the iframe does not follow the Space's height"  # before the answer...
    wait_for_output(frame, texts, run_first_example(frame, sample))
    assert frame.locator(".nav-holder a").count() == 0  # the Space alone
    assert frame_fits_content(page), "the iframe does not follow the Space's height"  # ... and after it
    component = page.locator("#space-component")
    component.scroll_into_view_if_needed()  # the web component loads lazily, once it is on screen
    wait_for_output(component, texts, run_first_example(component, sample))
    assert component.locator(".nav-holder a").count() == 0
    settle(page.locator("body"))
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"browser-embed-{name}.png"), full_page=True)
    assert not page.errors, page.errors  # neither embedding threw in the page
    context.close()


def test_pets_teach_tab_sample_is_one_tap_away(browser, gallery_server):
    "On a phone, with no photos at hand: tap the sample .zip, and the tab teaches it and reports, at once."
    context, page = new_page(browser, "phone")
    page.goto(gallery_server + "pets/")
    page.get_by_role("tab", name="Teach it your own labels", exact=True).click()
    samples = page.locator(".label", has_text="Sample: 3 breeds").locator("xpath=..")
    samples.locator("button.gallery-item, tr.tr-body").first.click()
    page.locator("#teach-report", has_text="Held-out estimate").wait_for()
    assert "Taught 3 labels from 18 photos" in page.locator("#teach-report").inner_text()
    page.locator("a[download], a[href*='taught-model.zip']").first.wait_for(state="attached")
    assert not too_wide(page), too_wide(page)
    page.screenshot(path=str(ARTIFACTS / "browser-pets-teach-sample-phone.png"), full_page=True)
    assert not page.errors, page.errors
    context.close()


def test_pets_teach_tab_teaches_from_a_zip_then_labels_a_new_photo(page, gallery_server, data, tmp_path):
    "Upload a .zip in the teach tab, see the report and the confusion matrix, then classify a photo it never saw."
    from shared.tasks.pets.teach.photos import make_zip
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
