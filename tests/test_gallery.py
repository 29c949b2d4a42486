"""The gallery (`make demo`, the combined Space): every Space discovered and served as a page of ONE Gradio app,
a card per Space, and every Space answering its `<space>_predict` endpoint and surviving bad input through the
live server."""
import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from shared.gallery import app as gallery
from shared.ops.sample import client_args, sample_request

NAMES = gallery.space_names()


def test_every_space_folder_is_discovered():
    assert NAMES == sorted(p.parent.name for p in gallery.SPACES.glob("*/app.py"))
    assert "pets" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_card_says_what_the_space_does_and_which_chapter_idea(name):
    card = gallery.card(name)
    assert card["title"] and card["what"] and card["chapter"] and card["emoji"]
    thumb = gallery.thumbnail(name)
    assert thumb is not None and thumb.stat().st_size < 300_000, \
        f"{name} has no thumbnail: run the browser tests, then python -m shared.ops.screenshots --thumbnails"


@pytest.mark.parametrize("name", NAMES)
def test_space_readme_has_front_matter_and_embed_snippets(name):
    readme = gallery.SPACES / name / "README.md"
    assert readme.is_file(), f"spaces/{name}/README.md is missing"
    meta = gallery.front_matter(name)
    assert meta.get("sdk") == "gradio" and meta.get("app_file") == "app.py" and meta.get("title")
    assert len(meta.get("short_description", "")) <= 60, \
        f"spaces/{name}/README.md: the Hub refuses a short_description over 60 characters"
    text = readme.read_text()
    assert "<iframe" in text and "<gradio-app" in text, f"spaces/{name}/README.md needs the embed snippets"
    for line in text.splitlines():  # the photo inputs offer the webcam and paste: the embedding page must allow them
        if "<iframe" in line:
            assert f'allow="{gallery.IFRAME_ALLOW}"' in line, line
    assert all(d.count("/") == 1 for d in meta.get("datasets") or []), "dataset ids need their owner: owner/name"


def test_landing_page_links_every_space_and_escapes_text():
    cards = [gallery.card(n) for n in NAMES] + [{"name": "x", "title": "<script>", "emoji": "", "what": "a & b",
                                                  "chapter": "c", "thumbnail": False, "ok": False, "error": "<b>"}]
    page = gallery.landing_page(cards)
    for name in NAMES:
        assert f'href="{name}"' in page and f'id="card-{name}"' in page and gallery.api_name(name) in page
    assert "<script" not in page
    assert "&lt;script&gt;" in page and "Unavailable here:</span>" in page and "&lt;b&gt;" in page


def test_landing_page_starts_with_pets_in_both_languages_with_developers_folded():
    page = gallery.landing_page([gallery.card(n) for n in NAMES])
    order = [page.index(f'id="card-{n}"') for n in gallery.ordered(NAMES)]
    assert order == sorted(order) and gallery.ordered(NAMES)[0] == "pets"
    assert page.count('class="lang-en"') == page.count('class="lang-ko"') > 0
    lead = page[:page.index('class="grid"')]
    assert "Is it a cat?" in lead and "고양이일까?" in lead and "API" not in lead and "MCP" not in lead
    for name in NAMES:  # the API and MCP only inside a "for developers" fold, the embed snippets in another
        card = page[page.index(f'id="card-{name}"'):].split("</article>")[0]
        outside = card.split("<details>")[0]
        assert "API" not in outside and "MCP" not in outside
        assert card.count("<details>") == 2 and "For developers" in card and f"{gallery.embed_path(name)}" in card


def test_embed_snippets():
    iframe = gallery.embed_iframe("https://u-pets.hf.space")
    assert iframe.startswith('<iframe id="chapter-one-u-pets" src="https://u-pets.hf.space" style="width:100%;')
    assert "width=\"850\"" not in iframe and 'document.getElementById("chapter-one-u-pets")' in iframe  # it resizes
    assert 'allow="camera; clipboard-read; clipboard-write"' in iframe
    snippet = gallery.embed_component("https://u-pets.hf.space")
    assert '<gradio-app src="https://u-pets.hf.space"></gradio-app>' in snippet and "/6.31.0/gradio.js" in snippet


# ------------------------------------------------------------------------------------------- the live gallery


@pytest.mark.slow
def test_gallery_serves_landing_page_every_space_and_the_web_component_script(gallery_server):
    extra = gallery_server + gallery.EXTRA
    spaces = httpx.get(extra + "/spaces.json", timeout=10).json()["spaces"]
    assert [(c["name"], c["ok"]) for c in spaces] == [(n, True) for n in NAMES], spaces
    assert httpx.get(gallery_server, timeout=10).status_code == 200
    config = httpx.get(gallery_server + "config", timeout=30).json()
    landing = next(c["props"]["value"] for c in config["components"] if c["props"].get("elem_id") == "landing")
    assert landing.count('class="card"') == len(NAMES)
    assert [p[0] for p in config["pages"]] == ["", *gallery.ordered(NAMES)]  # one app, a page per Space, pets first
    embedded = httpx.get(f"{gallery_server}{gallery.embed_path('pets')}config", timeout=60).json()  # pets alone
    assert [p[0] for p in embedded["pages"]] == [""] and any(d.get("api_name") == "predict"
                                                             for d in embedded["dependencies"])
    for name in NAMES:
        assert httpx.get(f"{gallery_server}{name}", timeout=30).status_code == 200
        thumb = httpx.get(f"{extra}/thumbnails/{name}", timeout=10)
        assert thumb.status_code == 200 and thumb.headers["content-type"].startswith("image/")
    assert httpx.get(extra + "/thumbnails/..%2Fpyproject.toml", timeout=10).status_code == 404
    js = httpx.get(extra + "/gradio.js", timeout=10)
    assert js.status_code == 200 and "import" in js.text and js.headers["access-control-allow-origin"] == "*"


def sample_args(server: str, name: str, folder) -> list:
    sample = sample_request(server, gallery.api_name(name), page=name)
    return client_args(sample, folder), sample


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_space_answers_predict_and_lists_it_as_an_mcp_tool(gallery_server, name, tmp_path):
    args, _ = sample_args(gallery_server, name, tmp_path)
    result = Client(gallery_server, verbose=False).predict(*args, api_name=f"/{gallery.api_name(name)}")
    assert result is not None and result != []
    tools = [t["name"] for t in httpx.get(gallery_server + "gradio_api/mcp/schema", timeout=30).json()]
    assert gallery.api_name(name) in tools and len(tools) == len(set(tools))


def bad_values(sample: dict, image_battery) -> list[list]:
    "Generic bad input for any Space: nothing at all, wrong types, and unreadable files where a file is expected."
    good = sample["args"]
    batteries = [[None] * len(good), ["not what this input expects"] * len(good), [12345] * len(good)]
    for bad in ("corrupt", "not_an_image", "empty"):
        if sample["files"]:
            batteries.append([handle_file(str(image_battery[bad])) if n in sample["files"] else a
                              for n, a in enumerate(good)])
    return batteries


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_bad_input_gets_an_error_and_the_space_keeps_serving(gallery_server, image_battery, name, tmp_path):
    args, sample = sample_args(gallery_server, name, tmp_path)
    client, endpoint = Client(gallery_server, verbose=False), f"/{gallery.api_name(name)}"
    for bad in bad_values(sample, image_battery):
        try:
            client.predict(*bad, api_name=endpoint)  # an answer is fine too (e.g. None means "use default")
        except AppError as e:  # a gr.Error carries its message; any other exception arrives as error None
            assert e.message and "has not enabled verbose error reporting" not in str(e), (name, bad, str(e))
    assert client.predict(*args, api_name=endpoint) is not None
    assert httpx.get(gallery_server + gallery.EXTRA + "/spaces.json", timeout=10).status_code == 200


def test_images_gradio_caches_are_never_seen_half_written(tmp_path):
    """Two visitors with the same example get the same cached file: while one request (re)writes it, another
    reads it. shared.serving.ui makes Gradio's cache writes atomic; without it the load test saw truncated images."""
    import threading

    from gradio import processing_utils
    from PIL import Image

    from shared.serving import ui  # noqa: F401  (installs the atomic writer)
    assert processing_utils.save_pil_to_cache.__name__ == "_save_pil_to_cache_atomically"
    img = Image.effect_noise((400, 400), 60).convert("RGB")
    path = processing_utils.save_pil_to_cache(img, str(tmp_path), format="png")
    stop, bad = threading.Event(), []

    def writer():
        while not stop.is_set():
            processing_utils.save_pil_to_cache(img, str(tmp_path), format="png")

    def reader():
        for _ in range(300):
            try:
                with Image.open(path) as im:
                    im.load()
            except Exception as e:  # noqa: BLE001
                bad.append(repr(e))
    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    reader()
    stop.set()
    for t in threads:
        t.join()
    assert not bad, bad[:3]
