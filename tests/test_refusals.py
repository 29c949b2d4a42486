"""One error path (shared.serving.errors.Refused -> ui.one_error_path): every refusal reaches the visitor as one
message, in the language of the request (the page's cookie, else Accept-Language, else English), through the HTTP
API, gradio_client and MCP, and an unexpected error is one generic message, never a traceback. Real servers:
tests/refusals/app.py (one event per way to fail) and the sentiment Space."""
from __future__ import annotations

import json
import re

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from conftest import ARTIFACTS, REPO, serve
from shared.serving import i18n
from shared.serving.errors import Phrase, Refused
from shared.serving.words import T

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"}
COOKIE = {"Accept-Language": "en-US,en;q=0.9", "Cookie": f"{i18n.COOKIE}=ko"}  # the page switched to Korean


def test_a_refusal_carries_its_words_in_both_languages():
    e = Refused(T, "inputs_missing", n=2, names="k, text", got=1, missing="text")
    assert str(e) == "This endpoint takes 2 input(s) (k, text); got 1: text missing." == e.text("en")
    assert e.text("ko") == "이 엔드포인트는 입력 2개(k, text)를 받는데 1개를 받았습니다. 빠진 입력: text."
    nested = Refused(T, "text", name="review", value=Phrase(T, "a_list"))
    assert str(nested) == "review must be text, not a list." and "리스트" in nested.text("ko")
    assert isinstance(e, ValueError)  # notebooks and scripts catch it as before
    with pytest.raises(KeyError):
        Refused(T, "no such key")  # a typo fails where it is written, not when a visitor meets it


def call(url: str, name: str, data: list, headers: dict | None = None) -> tuple[str, object]:
    "The documented HTTP API (POST /gradio_api/call/<name>, then its event stream): ('complete'|'error', payload)."
    r = httpx.post(f"{url}gradio_api/call/{name}", json={"data": data}, headers=headers or {}, timeout=60)
    r.raise_for_status()
    stream = httpx.get(f"{url}gradio_api/call/{name}/{r.json()['event_id']}", headers=headers or {}, timeout=60).text
    kind, payload = [(b.split("\n")[0].removeprefix("event: "), b.split("data: ", 1)[-1])
                     for b in stream.strip().split("\n\n") if b.startswith("event:")][-1]
    return kind, (json.loads(payload) or {}).get("error") if kind == "error" else json.loads(payload)


def refused(url, name, data, headers=None) -> str:
    kind, message = call(url, name, data, headers)
    assert kind == "error" and message, (name, data, kind, message)
    return message


@pytest.fixture(scope="module")
def url():
    with serve(REPO / "tests" / "refusals" / "app.py", timeout=120) as url:
        yield url


@pytest.mark.parametrize("name, data, english, korean", [
    ("echo", [3, "refuse"], "That image has no pixels.", "이 이미지에는 픽셀이 하나도 없습니다."),        # in the function
    ("echo", [0, "hi"], "k must be a whole number from 1 to 10, not 0.", "k 값은 1에서 10 사이의 정수여야"),  # the checks
    ("echo", [3], "got 1: text missing", "빠진 입력: text"),
    ("size", [{"path": "/etc/passwd"}], "No image was received with this request", "받은 이미지가 없습니다"),
    ("size", [{"url": "data:image/png;base64,not-base64!"}], "could not be read as an image", "이미지로 읽을 수 없습니다"),
    ("count", [3], "No image received", "받은 이미지가 없습니다"),                                       # mid-stream
])
def test_refusals_arrive_in_the_visitors_language_over_http(url, name, data, english, korean):
    en = refused(url, name, data)
    assert english in en and not HANGUL.search(en), en
    for headers in (KOREAN, COOKIE):
        ko = refused(url, name, data, headers)
        assert korean in ko, (headers, ko)
    assert call(url, "echo", [2, "still here"]) == ("complete", ["2 still here"])


def test_gradio_client_gets_the_message_in_english_or_korean(url):
    with pytest.raises(AppError, match=r"^That image has no pixels\.$"):
        Client(url, verbose=False).predict(3, "refuse", api_name="/echo")
    with pytest.raises(AppError, match="^이 이미지에는 픽셀이 하나도 없습니다.$"):
        Client(url, verbose=False, headers=KOREAN).predict(3, "refuse", api_name="/echo")
    with pytest.raises(AppError, match="k 값은 1에서 10 사이의 정수여야 합니다"):
        Client(url, verbose=False, headers=COOKIE).predict(11, "hi", api_name="/echo")


def test_an_unexpected_error_is_one_generic_message_and_no_traceback(url):
    en = refused(url, "echo", [3, "crash"])
    assert en == T.text("went_wrong", "en", kind="RuntimeError")
    assert "secret" not in en and "Traceback" not in en
    ko = refused(url, "echo", [3, "crash"], KOREAN)
    assert ko == T.text("went_wrong", "ko", kind="RuntimeError") and "secret" not in ko
    assert call(url, "echo", [1, "ok"]) == ("complete", ["1 ok"])
    log = ARTIFACTS / f"refusals-server-{url.rstrip('/').rsplit(':', 1)[-1]}.log"  # conftest.serve_process's log
    assert "RuntimeError: a bug, with a secret path" in log.read_text()  # logged for the Space's owner


def mcp_call(url: str, tool: str, arguments: dict, headers: dict | None = None) -> tuple[bool, str]:
    import asyncio

    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    async def go():
        async with streamablehttp_client(f"{url}gradio_api/mcp/", headers=headers) as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                name = next(t.name for t in (await session.list_tools()).tools if t.name.endswith(tool))
                result = await session.call_tool(name, arguments)
                return bool(result.isError), " ".join(getattr(c, "text", "") or "" for c in result.content)
    return asyncio.run(go())


def test_mcp_gets_the_message(url):
    error, text = mcp_call(url, "echo", {"k": 3, "text": "refuse"})
    assert error and "That image has no pixels." in text
    error, text = mcp_call(url, "echo", {"k": 3, "text": "refuse"}, KOREAN)
    assert error and "이 이미지에는 픽셀이 하나도 없습니다." in text
    error, text = mcp_call(url, "echo", {"k": 3, "text": "crash"})
    assert error and "could not be handled (RuntimeError)" in text and "secret" not in text


@pytest.mark.slow
def test_the_gallery_refuses_in_the_visitors_language_too(gallery_server):
    "Every Space on one server (python -m shared.gallery) goes through the same one error path."
    with pytest.raises(AppError, match="입력 칸이 비어 있습니다"):
        Client(gallery_server, verbose=False, headers=KOREAN).predict("", api_name="/sentiment_predict")
    with pytest.raises(AppError, match="^Please type or paste a movie review: the box is empty.$"):
        Client(gallery_server, verbose=False).predict("", api_name="/sentiment_predict")
    with pytest.raises(AppError, match="받은 이미지가 없습니다"):
        Client(gallery_server, verbose=False, headers=COOKIE).predict({"path": "/etc/passwd"}, api_name="/pets_predict")


@pytest.mark.slow
@pytest.mark.parametrize("locale, message", [("ko-KR", "이 이미지에는 픽셀이 하나도 없습니다."),
                                             ("en-US", "That image has no pixels.")])
def test_the_page_shows_the_refusal_in_the_browsers_language(url, locale, message):
    "In Chromium: the same refusal, on screen, in the language the browser asks for (the page's cookie, then its header)."
    from pathlib import Path
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(locale=locale).new_page()
            page.goto(url)
            page.get_by_label("text").fill("refuse")
            page.get_by_role("button", name="echo").click()
            page.get_by_text(message).first.wait_for(timeout=30_000)
            other = "That image has no pixels." if locale == "ko-KR" else "이 이미지에는 픽셀이 하나도 없습니다."
            assert page.get_by_text(other).count() == 0
        finally:
            browser.close()
