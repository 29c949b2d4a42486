"""The recommend task and Space: fold-in for new visitors, the JSON API and the UI through a real server,
the bad-input battery, training through the real CLI, the artifact round trip and the committed model."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from shared.serving import artifact
from shared.training import checkpoint
from shared.tasks.recommend import ui as show
from shared.tasks.recommend import config as task_config, train as task
from shared.serving.errors import Refused
from shared.tasks.recommend.serve import Predictor, logit_of

APP = REPO / "spaces" / "recommend" / "app.py"
MODEL = REPO / "spaces" / "recommend" / "model"
PROFILES = json.loads((APP.parent / "examples" / "profiles.json").read_text())
SCIFI = {str(m): r for m, _, r in PROFILES["Space opera and sci-fi"]}


@pytest.fixture(scope="module")
def pred():
    return Predictor.load(MODEL)


# ---------------------------------------------------------------- the lean path, no server
def test_fold_in_solves_the_ridge_problem(pred):
    idx, values = pred.parse(SCIFI)
    w = pred.fold_in(idx, values)
    X = np.concatenate([pred.V[idx], np.ones((len(idx), 1))], 1)
    z = logit_of(values, pred.lo, pred.hi) - pred.bias[idx]
    P = pred.prior_strength * pred.prior_precision
    grad = X.T @ (X @ w - z) / pred.noise_var + P @ (w - pred.prior_mean)  # zero at the minimum
    assert np.abs(grad).max() < 1e-6 * max(1.0, np.abs(X.T @ z).max())
    assert np.allclose(pred.fold_in([], []), pred.prior_mean)


def test_co_watch_is_item_based_cf(pred):
    "The sparse two-pass co-watch equals the walk written out with a dense who-rated-what matrix."
    R = np.zeros((pred.n_users, len(pred.movie_ids)))
    for i in range(len(pred.movie_ids)):
        R[pred.rated_by[pred.indptr[i]:pred.indptr[i + 1]], i] = 1
    idx = np.array([pred.index[m] for m in (260, 1196, 2571, 1)])
    raters, per_user = R.sum(0), R.sum(1)
    walk = (R[:, idx] / raters[idx]).sum(1) / np.sqrt(np.maximum(per_user, 1))
    expected = (R.T @ walk) / np.sqrt(np.maximum(raters, 1))
    assert np.allclose(pred.co_watch(idx), expected)


def test_a_rating_moves_the_visitor(pred):
    "Loving one Star Wars movie raises the predicted rating of its sequel; hating it lowers it."
    sequel = pred.index[1196]
    love = pred.rating(pred.fold_in(*pred.parse({"260": 5.0})), [sequel])[0]
    hate = pred.rating(pred.fold_in(*pred.parse({"260": 0.5})), [sequel])[0]
    assert love > hate + 0.3


def test_recommendations_follow_taste(pred):
    """Two opposite taste profiles get different lists, and each visitor's folded-in vector rates the classics
    of their own genre higher than the other visitor's does. (Both lists also hold the acclaimed movies almost
    everyone on MovieLens rates high: that is what recall on real visitors rewards.)"""
    family_profile = {str(m): r for m, _, r in PROFILES["Family animation"]}
    scifi, family = pred.recommend(SCIFI, 10), pred.recommend(family_profile, 10)
    assert len({r["movieId"] for r in scifi} & {r["movieId"] for r in family}) <= 4
    share = lambda recs, genres: np.mean([any(g in r["genres"] for g in genres) for r in recs])
    assert share(family, ("Animation", "Children")) > share(scifi, ("Animation", "Children"))
    w_scifi, w_family = pred.fold_in(*pred.parse(SCIFI)), pred.fold_in(*pred.parse(family_profile))
    sci_fi_classics = [pred.index[m] for m in (1210, 589, 1200, 1240, 541)]  # Jedi, T2, Aliens, Terminator, Blade Runner
    cartoons = [pred.index[m] for m in (3114, 588, 2081)]                   # Toy Story 2, Aladdin, Little Mermaid
    assert pred.rating(w_scifi, sci_fi_classics).mean() > pred.rating(w_family, sci_fi_classics).mean() + 0.3
    assert pred.rating(w_family, cartoons).mean() > pred.rating(w_scifi, cartoons).mean() + 0.3


def test_rare_movies_never_flood_the_top(pred):
    for profile in PROFILES.values():
        recs = pred.recommend({str(m): r for m, _, r in profile}, 20)
        assert all(pred.counts[pred.index[r["movieId"]]] >= pred.min_count for r in recs)


def test_similar_and_search(pred):
    like_toy_story = [r["title"] for r in pred.similar("Toy Story (1995)", 10)]
    assert "Toy Story (1995)" not in like_toy_story
    assert any("Toy Story 2" in t or "Monsters, Inc." in t or "Bug's Life" in t for t in like_toy_story)
    assert pred.titles[pred.search("matrix")[0]] == "Matrix, The (1999)"
    assert pred.search("no such movie title at all") == []


def test_table_rows_to_ratings():
    table = pd.DataFrame([[260.0, "Star Wars", 5.0], [None, "Toy Story (1995)", 4.0], [None, None, None],
                          [float("nan"), "", float("nan")]], columns=["movieId", "title", "rating"])
    assert show.rows_to_ratings(table) == [(260, 5.0), ("Toy Story (1995)", 4.0)]
    assert show.rows_to_ratings(None) == []


@pytest.mark.parametrize("ratings, message", [({"1": float("nan")}, "NaN"), ({"1": float("inf")}, "outside"),
                                              ({"1": None}, "not a number"), ("4 stars", "JSON object")])
def test_parse(pred, ratings, message):
    with pytest.raises(Refused, match=message):
        pred.parse(ratings)


def test_unknown_movies_are_skipped_not_an_error(pred):
    known = {"260": 5.0, "1196": 5.0}
    mixed = {**known, "99999999": 4.0, "Not A Real Movie (2099)": 1.0, "Nope": "not even a rating"}
    assert [r["movieId"] for r in pred.recommend(mixed, 10)] == [r["movieId"] for r in pred.recommend(known, 10)]
    assert pred.skipped(mixed) == ["99999999", "Not A Real Movie (2099)", "Nope"] and pred.skipped(known) == []
    assert "Skipped 3 movies" in show.summary(pred, mixed) and "Skipped" not in show.summary(pred, known)


def test_a_visitor_who_rated_every_common_movie_still_gets_k(pred):
    common = {str(pred.movie_ids[i]): 4.0 for i in np.flatnonzero(pred.eligible)}
    recs = pred.recommend(common, 10)
    assert len(recs) == 10 and not {str(r["movieId"]) for r in recs} & set(common)


@pytest.mark.parametrize("k", [0, 101, -3, 2.5, "ten", None, True])
def test_bad_k(pred, k):
    with pytest.raises(Refused, match="k must be"):
        pred.recommend(SCIFI, k)


# ---------------------------------------------------------------- the live server
def api(client, ratings, k=10):
    return client.predict(ratings=ratings, k=k, api_name="/recommend")


def test_recommend_endpoint(client, pred):
    recs = api(client, SCIFI, 12)
    assert len(recs) == 12
    assert all(set(r) == {"movieId", "title", "score"} for r in recs)
    assert all(isinstance(r["movieId"], int) and isinstance(r["title"], str) and isinstance(r["score"], float)
               for r in recs)
    scores = [r["score"] for r in recs]
    assert scores == sorted(scores, reverse=True)
    assert not {str(r["movieId"]) for r in recs} & set(SCIFI)
    assert [r["movieId"] for r in recs] == [r["movieId"] for r in pred.recommend(SCIFI, 12)]  # the lean path
    assert all(r["title"] == pred.titles[pred.index[r["movieId"]]] for r in recs)


def test_cold_start_and_big_visitors(client, pred):
    cold = api(client, {}, 10)
    assert len(cold) == 10 and all(pred.counts[pred.index[r["movieId"]]] >= 50 for r in cold)
    many = {str(pred.movie_ids[i]): float(1 + (i % 9) / 2) for i in pred.search("", limit=2000)}
    recs = api(client, many, 10)
    assert len(recs) == 10 and not {str(r["movieId"]) for r in recs} & set(many)
    same = api(client, {**SCIFI, "Matrix, The (1999)": 5.0}, 5)  # one movie twice, same rating: fine
    assert [r["movieId"] for r in same] == [r["movieId"] for r in api(client, SCIFI, 5)]


BAD = [
    ({"1": 7.0}, 10, "outside 0.5 to 5"),
    ({"1": 0.0}, 10, "outside 0.5 to 5"),
    ({"1": "NaN"}, 10, "NaN"),  # JSON has no NaN number: clients send it as text (the lean path: test_parse)
    ({"1": "great"}, 10, "not a number"),
    ({"1": 4.0, "Toy Story (1995)": 2.0}, 10, "rated twice"),
    (["1", 4.0], 10, "JSON object"),
    (SCIFI, 0, "k must be"),
    (SCIFI, 1000, "k must be"),
]


def test_bad_input_battery(client, pred):
    from gradio_client.exceptions import AppError
    too_many = {str(m): 3.0 for m in pred.movie_ids[:task_config.MAX_RATINGS + 1]}
    for ratings, k, message in BAD + [(too_many, 10, "at most")]:
        with pytest.raises(AppError, match=message):
            api(client, ratings, k)
    assert len(api(client, SCIFI, 3)) == 3  # still serving


def test_predict_ui_endpoint(client):
    rows = [[m, t, r] for m, t, r in PROFILES["Family animation"]]
    summary, table = client.predict({"headers": ["movieId", "title", "rating"], "data": rows}, 5,
                                    api_name="/predict")
    assert "6 ratings" in summary
    assert table["headers"] == ["#", "title", "predicted ★", "because you liked", "genres"]
    assert len(table["data"]) == 5
    titles = {t for _, t, _ in rows}
    assert all(row[3] in titles or row[3] == "popular and well rated" for row in table["data"])
    assert all(0.5 <= row[2] <= 5 for row in table["data"])
    visitor = client.predict({"headers": ["title", "rating"], "data": [r[1:] for r in rows]}, 5, api_name="/predict")
    assert visitor[1]["data"] == table["data"]  # the visitor's table: title and rating, no movieId
    summary, table = client.predict({"headers": ["movieId", "title", "rating"], "data": [[None, "Nope (1901)", 4]]},
                                    5, api_name="/predict")  # movies the model never saw are skipped and named
    assert "Skipped 1 movie" in summary and "Nope (1901)" in summary and len(table["data"]) == 5
    similar = client.predict("260", 5, api_name="/similar")
    assert len(similar["data"]) == 5 and "Star Wars" in " ".join(r[0] for r in similar["data"])


# ---------------------------------------------------------------- training and the artifact
@pytest.mark.slow
def test_train_cli_and_round_trip(tmp_path, data):
    "The real CLI trains the tiny preset; the saved artifact serves exactly what the learner exported."
    from fastai.torch_core import set_seed

    from shared.training import cli as train
    folder = train.main(["recommend", "--preset", "tiny", "--out", str(tmp_path / "cli")])
    config = json.loads((folder / "config.json").read_text())
    assert config["task"] == "recommend" and "rmse" in config["metrics"]
    assert math.isfinite(config["metrics"]["rmse"]) and "Harper" in (folder / "README.md").read_text()

    cfg = task.Config(**{**task.PRESETS["tiny"], "preset": "tiny"})
    set_seed(cfg.seed, reproducible=True)
    learn = task.fit(task.learner(cfg), cfg)
    state, config, onnx = task.export(learn, cfg)
    saved = Predictor.load(checkpoint.save(tmp_path / "rt", state, config, "card", onnx=onnx))
    visitor = {str(saved.movie_ids[i]): 4.5 for i in range(5)}
    assert len(saved.recommend(visitor, 10)) == 10
    # the served movie vectors are the learner's own (stored as float16), in numpy and in model.onnx alike
    weights = learn.model.i_weight.weight.detach()[1:].half().double().numpy()
    assert np.array_equal(saved.V, weights)
    w = saved.fold_in(*saved.parse(visitor))
    assert np.allclose(saved.logits(w), weights @ w[:-1] + w[-1] + saved.bias, atol=1e-4)
    assert learn.model.i_weight.weight.shape[1] == cfg.members * cfg.n_factors


def test_committed_model(pred):
    "The default model: small, its card has the comparisons, the MovieLens terms sit beside it."
    assert {p.name for p in MODEL.iterdir()} == {*artifact.FILES, "README.txt"}
    assert all(p.stat().st_size < 15e6 for p in MODEL.iterdir())
    card = (MODEL / "README.md").read_text()
    assert "Harper" in card and "bias-only" in card and "most popular" in card
    assert (MODEL / "README.txt").read_text().startswith("Summary")


def test_committed_model_beats_the_popular_list_for_new_visitors(pred, data):
    "Re-measured through the serving path (shared.training.evaluate) on a fixed slice of the held-out users."
    from shared.training.evaluate import evaluate
    m = evaluate("recommend", MODEL, limit=20)
    assert m["n_heldout_users"] == 20 and m["visitor_tests"] >= 50
    assert m["visitor_recall@20"] > 1.1 * m["visitor_recall@20_popular"]
    assert m["visitor_rmse"] < m["visitor_rmse_bias_only"]

