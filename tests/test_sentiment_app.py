"""The sentiment Space as visitors and API clients meet it: a real server, real HTTP through gradio_client."""

import httpx
import pytest
from gradio_client import Client

from conftest import REPO, serve
from shared.tasks.sentiment.serve import Predictor

APP = REPO / "spaces" / "sentiment" / "app.py"
APP_ENV = {"HF_HUB_OFFLINE": "1"}
MODEL = APP.parent / "model"
EXAMPLES = sorted((REPO / "spaces/sentiment/examples").glob("*.txt"))
pytestmark = pytest.mark.slow


def ask(client, text):
    return client.predict(text, api_name="/predict")


def test_predict_returns_a_positive_negative_label_dict_first(client):
    label, words, verdict, transformer, baseline = ask(client, "A wonderful, moving film with superb acting. I loved every minute.")
    assert label["label"] == "positive"
    assert {c["label"] for c in label["confidences"]} == {"positive", "negative"}
    assert sum(c["confidence"] for c in label["confidences"]) == pytest.approx(1, abs=1e-4)
    scored = [w for w in words if w["class_or_confidence"] is not None]
    assert scored and all(-1 <= w["class_or_confidence"] <= 1 for w in scored)
    top = max(scored, key=lambda w: w["class_or_confidence"])
    assert top["token"].lower() in {"wonderful", "superb", "loved", "moving", "minute", "every"}
    assert verdict.startswith("**Positive**") and "transformer says positive" in verdict
    assert transformer["label"] == baseline["label"] == "positive"


def test_default_model_gets_the_example_reviews_right(client):
    "The committed model on its (validation) example reviews; the 'mixed' one reads positive but is rated 4/10."
    for path in EXAMPLES:
        label, *_ = ask(client, path.read_text(encoding="utf-8"))
        expected = "positive" if "_positive_" in path.name else "negative"
        if "mixed" not in path.name:
            assert label["label"] == expected, path.name


BAD_WITH_MESSAGE = {
    "empty": ("", "box is empty"),
    "whitespace": ("   \n\t  ", "box is empty"),
    "emoji only": ("😀😀🎬👍", "knows none of these words"),
    "japanese": ("この映画は素晴らしかった", "knows none of these words"),
}
ANSWERED = {
    "one megabyte": ("This film is great fun. " * 43_691, "Only the first 30,000 characters"),
    "raw html": ("<html><body><h1>Review</h1><p>A <b>terrible</b>, boring film.</p><br/></body></html>", ""),
    "control characters": ("Awful\x00 film\x07, \x1b[31mboring\x1b[0m and\u200b dull.", ""),
    "french": ("Ce film était vraiment magnifique, les acteurs sont formidables.", ""),
}


@pytest.mark.parametrize("name", BAD_WITH_MESSAGE)
def test_input_that_cannot_be_judged_gets_a_clear_message(client, name):
    text, message = BAD_WITH_MESSAGE[name]
    with pytest.raises(Exception, match=message):
        ask(client, text)


@pytest.mark.parametrize("text, korean", [("", "입력 칸이 비어 있습니다"), ("この映画は素晴らしかった", "아는 단어가 하나도 없어서")])
def test_a_korean_visitor_is_told_in_korean(server, text, korean):
    "The same refusals, for a browser that asks for Korean (Accept-Language) or whose page was switched (cookie)."
    from gradio_client.exceptions import AppError
    for headers in ({"Accept-Language": "ko-KR,ko;q=0.9"}, {"Cookie": "chapter_one_lang=ko"}):
        with pytest.raises(AppError, match=korean):
            ask(Client(server, verbose=False, headers=headers), text)
    with pytest.raises(AppError, match="box is empty|knows none of these words"):  # and English without
        ask(Client(server, verbose=False), text)


@pytest.mark.parametrize("name", ANSWERED)
def test_odd_but_real_input_gets_an_answer(client, name):
    text, note = ANSWERED[name]
    label, words, verdict, *_ = ask(client, text)
    assert label["label"] in ("positive", "negative") and note in verdict


@pytest.mark.parametrize("text", ["42", "31415926"])
def test_a_number_the_model_does_not_know_gets_a_message(client, text):
    "Which numbers the model knows is read from its own vocabulary, so the expected outcome is fixed."
    assert Predictor.load(MODEL).baseline.read(text).known == 0
    with pytest.raises(Exception, match="knows none of these words"):
        ask(client, text)


def test_a_short_review_gets_a_note_on_how_little_it_rests_on(client):
    label, _, verdict, *_ = ask(client, "Brilliant.")
    assert label["label"] == "positive" and "very short" in verdict


def test_ten_thousand_words_answer_in_bounded_time(client):
    import time
    text = " ".join(p.read_text(encoding="utf-8") for p in EXAMPLES)
    text = " ".join((text.split() * 20)[:10_000])
    start = time.perf_counter()
    _, words, verdict, *_ = ask(client, text)
    assert time.perf_counter() - start < 30 and "Only the first 30,000 characters" in verdict
    assert len([w for w in words if w["token"].strip()]) < 7_000


def test_server_still_serves_after_the_battery(client):
    for text, _ in BAD_WITH_MESSAGE.values():
        with pytest.raises(Exception):
            ask(client, text)
    label, *_ = ask(client, "Dreadful. The worst film I have ever seen, a waste of time.")
    assert label["label"] == "negative"


def test_mcp_server_lists_predict_as_a_tool(server):
    schema = httpx.get(server + "gradio_api/mcp/schema", timeout=30).json()
    assert any("predict" in t["name"] for t in schema)


def test_model_source_from_environment(client, tiny_sentiment):
    "SENTIMENT_MODEL points the same app at another artifact: the tiny model gives other probabilities."
    text = EXAMPLES[0].read_text(encoding="utf-8")
    default = ask(client, text)[0]["confidences"]
    with serve(APP, {"SENTIMENT_MODEL": str(tiny_sentiment), "HF_HUB_OFFLINE": "1"}) as url:
        tiny = ask(Client(url, verbose=False), text)[0]["confidences"]
    assert {c["label"] for c in tiny} == {"positive", "negative"}
    assert [round(c["confidence"], 4) for c in tiny] != [round(c["confidence"], 4) for c in default]


def test_explain_gives_the_transformers_sentence_pushes(client):
    sentences = client.predict("The acting was superb and the music beautiful. The plot was a boring, dreadful mess.",
                               api_name="/explain")
    pushes = [s["class_or_confidence"] for s in sentences]
    assert len(pushes) == 2 and pushes[0] > 0 > pushes[1]
    with pytest.raises(Exception, match="box is empty"):
        client.predict("", api_name="/explain")


def test_held_out_reviews_over_http_score_as_in_process(server, data):
    """`python -m shared.training.evaluate sentiment MODEL --url URL`, how the issue measures the Space: the first 40 held-out
    reviews sent to the served /predict score exactly as the serving Predictor scores them in this process."""
    from shared.training import evaluate
    over_http = evaluate.main(["sentiment", str(MODEL), "--url", server, "--limit", "40"])
    assert over_http.pop("unanswered_reviews") == 0
    assert over_http == evaluate.evaluate("sentiment", MODEL, limit=40)
    assert over_http["n_valid_reviews"] == 40 and over_http["transformer_accuracy"] >= 0.85


def test_a_review_the_space_refuses_is_one_unanswered_not_the_end_of_the_run(server):
    from shared.tasks.sentiment.remote import space_answers
    refused, answered = space_answers(server, ["", "A dreadful, boring film."])
    assert refused is None and max(answered[0], key=answered[0].get) == "negative"
