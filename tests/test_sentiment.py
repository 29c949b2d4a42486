"""The sentiment task end to end: training smoke through the real CLI, pickle-free round trip, tokenisation
parity between training (fastai) and serving, exact attributions, and the committed default model."""
import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from shared.serving import artifact
from shared.training import checkpoint
from shared.tasks.sentiment import config as sentiment_config
from shared.tasks.sentiment.config import LABELS
from shared.tasks.sentiment.ngram import config as ngram_config, text, train
from shared.serving.errors import Refused
from shared.tasks.sentiment.serve import Predictor
from shared.tasks.sentiment.ui import display_tokens, verdict

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO / "spaces" / "sentiment" / "model" / "baseline"  # the Space's n-gram model (beside its transformer)

TRICKY = [
    "This movie was GREAT!!!! <br /><br />I loved it so so so so much, loved it.",
    "Sooooo boring... I want my 2 hours back.<br />Worst. Film. Ever. 1/10",
    "😀😀 Brilliant 🎬 acting, but the plot? Meh. 👎",
    "Très bien! Ein wunderbarer Film. この映画は素晴らしかった。 Фильм отличный.",
    "<p>An &quot;instant classic&quot; &amp; a <b>must-see</b></p>\tfor fans of the 80's.",
    "NOT bad at all... Actually it's THE best sci-fi/horror I've seen this year #recommended",
    "control\x00chars\x07and\u200bzero\ufeffwidth\r\nline",
    "ｆｕｌｌｗｉｄｔｈ ＧＯＯＤ movie, ﬁne ﬁlm",
]


def test_fastai_rules_then_regex_on_tricky_text():
    pipe = text.TextPipeline(ngram_config.TokenizerConfig())
    toks = pipe.tokens(TRICKY[0])
    assert toks[:4] == ["xxbos", "xxmaj", "this", "movie"]
    assert "<" not in toks and "br" not in toks                       # <br /> is a line break, not words
    assert ["xxup", "great", "xxrep", "4", "!"] == toks[5:10]          # capitals and repetitions, fastai style
    assert "xxwrep" in toks                                            # "so so so so": word repetition
    emoji = pipe.tokens(TRICKY[2])
    assert emoji.count("😀") == 2 and "👎" in emoji                   # emoji are tokens, not dropped
    foreign = pipe.tokens(TRICKY[3])
    assert {"très", "wunderbarer", "фильм"} <= set(foreign)            # unicode words stay whole (lowercased)
    assert "\x00" not in "".join(pipe.tokens(TRICKY[6]))
    assert {"fullwidth", "good", "fine", "film"} <= set(pipe.tokens(TRICKY[7]))  # NFKC


def test_plain_python_rules_are_fastais(data):
    "Serving's copies of fastai's text rules give fastai's output, rule by rule, on tricky and real reviews."
    import pandas as pd
    from fastai.text import core
    reviews = TRICKY + pd.read_csv(data / "imdb" / "texts.csv").text.tolist()[:300]
    for name in text.FASTAI_RULES:
        for review in reviews:
            assert text.RULES[name](review) == getattr(core, name)(review), (name, review[:80])


def test_serving_tokenisation_matches_fastai_training(tiny_sentiment):
    "The app's tokens, n-gram ids and probabilities equal those of fastai's own pipeline on the same weights."
    predictor = Predictor.load(tiny_sentiment)
    tok_config = predictor.config["tokenizer"]
    assert train.fastai_tokenize(TRICKY, tok_config) == [predictor.pipe.tokens(t) for t in TRICKY]
    learn = train.fastai_learner(tiny_sentiment, TRICKY)
    for review in TRICKY:
        x = learn.dls.test_dl([review]).one_batch()[0][0]
        assert [i for i in x.tolist() if i] == predictor.ids(review)
        with learn.no_bar():
            fastai_probs = learn.predict(review)[2]
        assert fastai_probs.tolist() == pytest.approx([predictor.read(review).probs[k] for k in LABELS], abs=1e-5)


def test_training_cli_writes_a_pickle_free_artifact(tiny_sentiment):
    assert sorted(p.name for p in tiny_sentiment.iterdir()) == sorted(artifact.FILES)
    config = json.loads((tiny_sentiment / "config.json").read_text())
    assert config["task"] == "sentiment" and config["vocab"][0] == "xxpad" and len(config["vocab"]) > 1000
    assert config["tokenizer"]["rules"] == ngram_config.DEFAULT_RULES and config["tokenizer"]["pattern"]
    assert config["format_version"] == artifact.FORMAT_VERSION and config["metrics"]["n_valid_reviews"] >= 50
    weights = load_file(tiny_sentiment / "model.safetensors")
    assert weights["w.weight"].dtype == np.float16 and weights["r"].dtype == np.float16


def test_the_card_accuracy_is_the_served_models(tiny_sentiment):
    "Training-time accuracy is measured through the ONNX Predictor: shared.training.evaluate re-measures the same number."
    from shared.training.evaluate import evaluate
    config = json.loads((tiny_sentiment / "config.json").read_text())
    again = evaluate("sentiment", tiny_sentiment, baseline=False)
    assert again["n_valid_reviews"] == config["metrics"]["n_valid_reviews"]
    assert again["accuracy"] == config["metrics"]["accuracy"]


def test_round_trip_gives_the_same_predictions(tiny_sentiment, tmp_path):
    "Save -> load -> save -> load: identical probabilities (fp16 storage is exact: training rounded to it)."
    from shared.training.export import servable
    first = Predictor.load(tiny_sentiment)
    config, state, _ = checkpoint.load_torch(tiny_sentiment, task="sentiment")
    checkpoint.save(tmp_path, state, config, "card", onnx=servable("sentiment", state, config))
    second = Predictor.load(tmp_path)
    for review in TRICKY:
        assert first.read(review).probs == second.read(review).probs
    assert first.read(TRICKY[0]).weights == second.read(TRICKY[0]).weights


def test_attributions_add_up_to_the_score(tiny_sentiment):
    "Exact, not estimated: the words' pushes sum to the model's score minus its bias."
    predictor = Predictor.load(tiny_sentiment)
    b = predictor.bias
    for review in TRICKY[:3]:
        reading = predictor.read(review)
        p = reading.probs["positive"]
        score = np.log(p / (1 - p)) - (b[1] - b[0])
        assert sum(reading.weights) == pytest.approx(score, abs=1e-3)


def test_display_folds_fastai_markers_back():
    toks = ["xxbos", "xxmaj", "this", "is", "xxup", "great", "xxrep", "4", "!"]
    shown = display_tokens(toks, [0, 0, 1.0, 0, 0, 2.0, 0, 0, -0.5], "This is GREAT!!!!")
    assert "".join(t for t, _ in shown) == "This is GREAT!!!!"
    assert dict(shown)["GREAT"] == 1.0 and dict(shown)["This"] == 0.5 and dict(shown)["!!!!"] == -0.25


def test_only_the_tokenizers_own_repeat_markers_are_folded():
    "Issue 31: 30 bytes of review ('xxwrep 121212121 good') made a 606 MB answer; a typed marker is shown as typed."
    pipe = text.TextPipeline(ngram_config.TokenizerConfig())

    def shown(review):
        toks = pipe.tokens(review)
        return display_tokens(toks, [0.5] * len(toks), pipe.before_repeats(review))

    typed = shown("great xxwrep 121212121 good film")
    assert [t for t, _ in typed if t.strip()] == ["great", "xxwrep", "121212121", "good", "film"]
    own = "".join(t for t, _ in shown("So GREAT!!!! and so so so so good, ＧＯＯＤ！！！！"))
    assert own == "So GREAT!!!! and so so so so good, GOOD!!!!"  # fastai's own markers, full-width ones too
    for review in ("a" * 10_000 + " xxrep 10000 a" * 1_400, "no " * 5 + " xxwrep 999999 no" * 2_000,
                   "great xxrep ² ! film", "great xxrep 99999999999999999999999999999 ! film"):
        out = "".join(t for t, _ in shown(review))
        assert len(out) <= 2 * len(review) + 10  # bounded by the review, whatever numbers it holds


def test_a_lone_surrogate_gets_a_clear_message():
    with pytest.raises(Refused, match="lone surrogate"):
        Predictor.load(DEFAULT).read("A fine film \ud800 with great acting.")


def test_long_input_is_cut_with_a_flag(tiny_sentiment):
    predictor = Predictor.load(tiny_sentiment)
    reading = predictor.read("good film " * 100_000)
    assert reading.truncated and len(reading.tokens) < 10_000
    assert "Only the first" in verdict(reading)
    with pytest.raises(Refused):
        predictor.read("   \n\t ")


@pytest.mark.parametrize("preset", sorted(sentiment_config.PRESETS))
def test_every_preset_trains_a_part_that_serves(preset, request):
    """Each preset trains one of the two parts, and a model of that part, trained by the same CLI (its tiny preset),
    is served by the Space's Predictor: n-gram alone, or the transformer with its baseline and one verdict."""
    from shared.tasks.sentiment import verdict
    from shared.tasks.sentiment.ngram import serve as ngram
    from shared.training.cli import parse
    _, cfg, _ = parse(["sentiment", "--preset", preset, "--out", "x"])
    served = {"nbsvm": ("tiny_sentiment", ngram.Predictor), "minilm": ("tiny_minilm", verdict.Predictor)}
    assert cfg.arch in served
    fixture, kind = served[cfg.arch]
    folder = request.getfixturevalue(fixture)
    predictor = Predictor.load(folder)
    assert isinstance(predictor, kind)
    assert artifact.read_config(folder)["train_config"]["arch"] == cfg.arch
    assert predictor.predict(["A wonderful film."])[0]["positive"] > 0


def test_committed_ngram_model_is_small_and_beats_the_tfidf_bar(data):
    "Re-measured through the serving path on a fixed slice of the validation reviews; the card shows the full set."
    from shared.training.evaluate import evaluate
    sizes = {p.name: p.stat().st_size for p in DEFAULT.iterdir()}
    assert set(sizes) == set(artifact.FILES) and max(sizes.values()) < 15e6 and sum(sizes.values()) < 12e6
    metrics = json.loads((DEFAULT / "config.json").read_text())["metrics"]
    assert metrics["n_valid_reviews"] == 5000 and metrics["accuracy"] > metrics["tfidf_lr_accuracy"]
    now = evaluate("sentiment", DEFAULT, limit=1000)
    assert now["n_valid_reviews"] == 1000 and now["accuracy"] > 0.85 and abs(now["accuracy"] - metrics["accuracy"]) < 0.03
    card = (DEFAULT / "README.md").read_text()
    assert f"this model **{metrics['accuracy']:.4f}**" in card


def test_examples_are_validation_reviews(data):
    import pandas as pd
    df = pd.read_csv(data / "imdb-full" / "imdb_train_valid.csv.gz")
    valid = set(df[df.is_valid].text.str.strip())
    train = set(df[~df.is_valid].text.str.strip())
    for p in sorted((REPO / "spaces/sentiment/examples").glob("*.txt")):
        text = p.read_text(encoding="utf-8").strip()
        assert text in valid and text not in train, p.name


def test_a_subset_run_keeps_the_validation_reviews_of_the_full_one(data):
    """A later transformer pass on a subset of the training reviews (minilm-third) validates on the same first 2,000
    reviews as the pass before it (the combination is fitted there) and leaves the same others to shared.training.evaluate."""
    from shared.tasks.sentiment.data import read_reviews
    from shared.training.cli import parse
    full, subset = (parse(["sentiment", "--preset", p, "--out", "x"])[1] for p in ("minilm-more", "minilm-third"))
    a, b = read_reviews(full), read_reviews(subset)
    assert (~b.is_valid).sum() == subset.max_train_samples
    assert list(a[a.is_valid].text) == list(b[b.is_valid].text)
