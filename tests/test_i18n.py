"""English and Korean: every Space's words in both (same keys, same placeholders, Korean really Korean), the
visitor's language read from the request, and the answers' words in it, through a real server."""
import importlib
import re
import string

import pytest

from shared.gallery import app as gallery
from shared.serving import i18n
from shared.ops.sample import client_args, sample_request

HANGUL = re.compile(r"[\uac00-\ud7a3]")
MODULES = ["gallery", "serving", *gallery.space_names()]


def words(name):
    modules = {"gallery": "shared.gallery.words", "serving": "shared.serving.words"}
    return importlib.import_module(modules.get(name, f"shared.tasks.{name}.words")).T


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("name", MODULES)
def test_every_string_in_both_languages_with_the_same_placeholders(name):
    T = words(name)
    assert T.by_lang["en"].keys() == T.by_lang["ko"].keys()
    for key in T.keys():
        en, ko = T.by_lang["en"][key], T.by_lang["ko"][key]
        # the same values filled in (English may take a ready-made plural where Korean counts: recommend's n)
        assert bool(fields(en)) == bool(fields(ko)), (name, key)
        if en != ko and re.search(r"[A-Za-z]{4}", re.sub(r"\{\w+\}", "", en)) and not key.startswith("col_"):
            assert HANGUL.search(ko), (name, key, ko)  # translated, not copied
        if not key.startswith("fn_"):  # history's formulas (x**2) are not Markdown
            assert ko.count("**") % 2 == 0 and en.count("**") % 2 == 0, (name, key)


def test_every_taste_profile_has_korean_words():
    import json
    profiles = json.loads((gallery.SPACES / "recommend" / "examples" / "profiles.json").read_text())
    T = words("recommend")
    assert set(profiles) == {T.text(k) for k in T.keys() if k.startswith("ex_")}


def test_a_words_module_with_a_missing_translation_is_refused():
    with pytest.raises(ValueError, match="not in both"):
        i18n.Words("broken", {"a": "x", "b": "y"}, {"a": "엑스"})


def test_the_page_language_comes_from_accept_language():
    class Request:
        def __init__(self, header):
            self.headers = {"accept-language": header} if header is not None else {}

    assert i18n.lang(Request("ko-KR,ko;q=0.9,en-US;q=0.8")) == "ko"
    assert i18n.lang(Request("ko")) == "ko"
    assert i18n.lang(Request("en-US,en;q=0.9,ko;q=0.8")) == "en"
    assert i18n.lang(Request("")) == "en" and i18n.lang(Request(None)) == "en" and i18n.lang(None) == "en"
    switched = Request("en-US,en;q=0.9")  # Gradio's Settings switched the page to Korean: the cookie wins
    switched.headers["cookie"] = f"other=1; {i18n.COOKIE}=ko"
    assert i18n.lang(switched) == "ko"


def test_answers_in_korean():
    from shared.tasks.pets import ui as ui_pets
    en = ui_pets.verdict({"Abyssinian": 0.9, "pug": 0.1}, {"cat": 0.97, "dog": 0.03})
    ko = ui_pets.verdict({"Abyssinian": 0.9, "pug": 0.1}, {"cat": 0.97, "dog": 0.03}, lang="ko")
    assert en.startswith("Looks like a **cat** (97%)") and "an **Abyssinian**" in en
    assert "**고양이**" in ko and "아비시니안" in ko  # the breed as Korean owners write it
    assert "잘 모르겠습니다" in ui_pets.verdict({"Abyssinian": 0.9}, {"cat": 0.55, "dog": 0.45}, lang="ko")
    neither = {"cat": 0.02, "dog": 0.03, "neither": 0.95}
    assert "고양이나 개로 보이지 않습니다" in ui_pets.verdict({"pug": 0.5}, neither, "sheep", "ko")
    assert "it looks more like a sheep" in ui_pets.verdict({"pug": 0.5}, neither, "sheep")


def test_i18n_markers_read_back_as_the_words_a_visitor_sees():
    T = words("pets")
    marker = str(T("classify"))
    assert "__i18n__" in marker
    assert i18n.text_of(marker, "en") == "Classify" and i18n.text_of(marker, "ko") == "분류하기"
    assert i18n.text_of("plain", "ko") == "plain"


@pytest.mark.slow
def test_a_korean_browser_gets_korean_answers_and_the_api_stays_english(gallery_server, tmp_path):
    from gradio_client import Client
    sample = sample_request(gallery_server, gallery.api_name("sentiment"), page="sentiment")
    args = client_args(sample, tmp_path)
    english = Client(gallery_server, verbose=False).predict(*args, api_name="/sentiment_predict")
    korean = Client(gallery_server, verbose=False, headers={"Accept-Language": "ko-KR,ko;q=0.9"}).predict(
        *args, api_name="/sentiment_predict")
    assert english[0] == korean[0]  # the same verdict, the same API values
    assert not HANGUL.search(english[2]) and HANGUL.search(korean[2]), (english[2], korean[2])


def test_no_words_module_gives_one_key_twice():
    "A dict literal keeps only the last of a repeated key: history's button once showed the search's answer text."
    import ast
    from pathlib import Path
    shared = Path(__file__).parent.parent / "shared"
    for path in sorted([*shared.glob("tasks/*/words.py"), shared / "gallery" / "words.py",
                        shared / "serving" / "words.py"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                assert len(keys) == len(set(keys)), (path.name, sorted({k for k in keys if keys.count(k) > 1}))


def test_the_teach_reports_skipped_files_in_korean():
    "Every reason the teach tab skips a file for (Album.skip) has Korean words, and the Korean report uses them."
    import ast
    from pathlib import Path

    import numpy as np

    from shared.tasks.pets.teach import report
    from shared.tasks.pets.teach.limits import Limits
    from shared.tasks.pets.teach.teacher import Taught
    from shared.tasks.pets.words import SKIPPED_KO
    teach = Path(__file__).parent.parent / "shared" / "tasks" / "pets" / "teach"
    reasons = []
    for path in teach.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "skip" and node.args:
                arg = node.args[0]
                reasons.append(arg.value if isinstance(arg, ast.Constant) else
                               f"larger than {Limits().max_photo_bytes // 2**20} MB")  # the one f-string
    assert len(reasons) == 6 and set(reasons) == set(SKIPPED_KO)
    taught = Taught(["a", "b"], np.zeros((2, 4)), np.zeros(2), {"a": 2, "b": 2}, {"not readable as a photo": 3}, 2,
                    1.0, np.eye(2, dtype=int) * 2, {"total": 1.0})
    assert "not readable as a photo" in report.text(taught, "en")
    assert "사진으로 읽을 수 없음" in report.text(taught, "ko") and "not readable" not in report.text(taught, "ko")


def drawn_words(draw) -> list[str]:
    "Every text a history picture carries (titles, axis labels, tick labels, legends, notes): `draw()` run, its figures read."
    from matplotlib.text import Text

    from shared.tasks.history import plots
    texts, to_image = [], plots.to_image

    def reading(fig):
        texts.extend(t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip())
        return to_image(fig)
    plots.to_image = reading
    try:
        draw()
    finally:
        plots.to_image = to_image
    return texts


def history_pictures(lang: str):
    "Each picture of the history Space as its serving functions draw it in `lang` (the app calls these)."
    from shared.tasks.history import experiments as ex, story
    story.timeline_image.cache_clear()
    story.pdp_image.cache_clear()
    return {"neuron": lambda: ex.neuron(1, 1, 2, "xor", lang=lang), "search": lambda: ex.neuron_search(lang=lang),
            "perceptron": lambda: ex.perceptron("xor", lang=lang), "perceptron_ok": lambda: ex.perceptron("and", lang=lang),
            "replay": lambda: next(ex.perceptron_frames("or", frames=2, lang=lang)),
            "two_layers": lambda: ex.two_layers("circles", 3, 50, lang=lang),
            "one_unit": lambda: ex.two_layers("xor", 1, 50, lang=lang),
            "approximation": lambda: ex.approximation("wave", 4, 2, 50, lang=lang),
            "timeline": lambda: story.timeline_image(lang), "pdp": lambda: story.pdp_image(lang)}


# Latin a Korean picture may carry: formulas and names of functions, the data sets' and gates' names
PICTURE_LATIN = {"tanh", "relu", "sigmoid", "sin", "cos", "exp", "abs", "and", "nand", "nor", "xor", "xnor", "not",
                 "mark", "pdp", "gpu", "gpus", "alexnet", "imagenet", "cybenko", "hornik", "class"}


@pytest.mark.parametrize("picture", list(history_pictures("en")))
def test_history_pictures_speak_korean_to_a_korean_visitor(picture):
    """The words inside history's pictures (matplotlib draws them: a browser cannot read them) in Korean for a Korean
    visitor: every picture carries Hangul and no English word (3+ letters) but names and formulas; in English, no
    Hangul. Read from the figures the serving functions draw."""
    from shared.tasks.history import plots
    if not plots.korean():
        pytest.skip("no Hangul font (pip install koreanize-matplotlib: requirements.txt)")
    ko = drawn_words(history_pictures("ko")[picture])
    en = drawn_words(history_pictures("en")[picture])
    assert ko and en and len(ko) == len(en), (picture, ko, en)
    assert any(HANGUL.search(t) for t in ko), (picture, ko)
    english = [t for t in ko if {w.lower() for w in re.findall(r"[A-Za-z]{3,}", t)} - PICTURE_LATIN]
    assert not english, f"{picture}: English in a Korean picture: {english}"
    assert not any(HANGUL.search(t) for t in en), (picture, en)


def test_the_teach_tabs_confusion_picture_draws_hangul():
    """Korean labels (a teacher's folders named 고양이, 개) and the picture's Korean words drawn as glyphs, not as
    boxes: two different syllables give two different masks (missing glyphs would draw the same box)."""
    import numpy as np

    from shared.serving.fonts import hangul_fonts
    from shared.tasks.pets.teach import report
    if not hangul_fonts():
        pytest.skip("no Hangul font (pip install koreanize-matplotlib: requirements.txt)")
    font = report.font(15)
    assert bytes(font.getmask("고")) != bytes(font.getmask("개"))
    confusion = np.array([[3, 1], [0, 4]])
    ko, en = (report.confusion_image(["고양이", "개"], confusion, lang=lang) for lang in ("ko", "en"))
    assert ko.shape != en.shape or (ko != en).any()
