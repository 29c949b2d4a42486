"""The recommend model card's text (what a published card says; edit here, not in module docstrings)."""
from __future__ import annotations

from dataclasses import asdict

from .config import CO_WATCH_EPS, Config
from .data import data_folder

ABOUT = """Recommend: chapter 1's collaborative filtering, made useful to a visitor who was never in the training data.

fastai's `collab_learner` (dot product with biases) learns a vector and a bias for every user and movie of
MovieLens from their ratings. A new visitor rates a few movies; with the movie vectors fixed we solve a small
regularised least squares for the visitor's own vector and bias (the prior is a Gaussian fitted to the trained
users, so one rating moves it a little and two hundred move it a lot), then rank every movie they have not
rated. Ranking adds a popularity prior to the predicted rating and never recommends movies with very few
ratings: a model trained for rating error alone loves obscure movies that two people rated 5 stars.
"""


def card(cfg: Config, metrics: dict, command: str) -> str:
    from shared.training.card import model_card
    k = cfg.top_k
    names = {"rmse": "RMSE (random 10% of ratings)", "rmse_bias_only": "RMSE, bias-only baseline",
             "rmse_fastai_defaults": "RMSE, fastai defaults (n_factors=50, 5 epochs at 5e-3, wd=0.1)",
             f"visitor_recall@{k}": f"new visitors: recall@{k}",
             f"visitor_recall@{k}_popular": f"new visitors: recall@{k}, most popular movies",
             f"visitor_recall@{k}_vs_popular": f"new visitors: recall@{k}, ratio to most popular",
             f"visitor_recall@{k}_predicted_rating_only": f"new visitors: recall@{k}, ranked by predicted rating alone",
             f"visitor_recall@{k}_without_rating_model": f"new visitors: recall@{k}, co-watch + popularity only",
             "visitor_rmse": f"new visitors: RMSE on their other ratings after folding in {cfg.given}",
             "visitor_rmse_bias_only": "new visitors: RMSE, bias-only baseline (folded-in user bias)",
             "visitor_median_ratings_of_recommended": "new visitors: median number of ratings of a recommended movie"}
    extra = f"""
How to read it: `rmse` is on a fixed random 10% of the ratings (seed {cfg.seed}) of the users in training;
both baselines are fitted on the same 90%. The new-visitor rows use {metrics.get('n_heldout_users')} users kept
out of training altogether: each gives {cfg.given} random ratings ({cfg.draws} draws per user), the model folds
them in (ridge regression for the visitor's vector and bias, movie vectors fixed) and recommends {k} movies
they have not rated; recall@{k} is the share of their other movies rated 4 or more that appear there
(divided by min({k}, number of such movies)). "Most popular" recommends the {k} movies with the most training
ratings. The ranking score is log(co-watch + {CO_WATCH_EPS:g}) + {cfg.rating_weight} x predicted logit +
{cfg.pop_weight} x log(number of ratings), where co-watch measures how much each movie was rated by the people
who rated the visitor's movies (item-based collaborative filtering on who-rated-what); movies with fewer than
{cfg.min_count} ratings are never recommended. The weights were chosen on other held-out users (seed 7),
not on the ones above. "Predicted rating alone" and "co-watch + popularity only" are the two halves of that
score on their own.
"""
    return model_card("recommend", title="MovieLens recommender (fastai collab_learner)",
                      task="tabular-regression", metrics=metrics, datasets=["movielens"],
                      license="other", license_name="movielens-research-terms", license_link="README.txt",
                      dataset_names={"movielens": "MovieLens ml-latest-small (GroupLens)"}, command=command,
                      config=asdict(cfg),
                      metric_names=names, about=ABOUT, data_note=DATA_NOTE + terms(cfg), extra=extra)


def terms(cfg: Config) -> str:
    "The dataset's own usage licence and citation, verbatim from its README.txt, for the model card."
    try:
        text = (data_folder(cfg) / "README.txt").read_text(encoding="utf-8")
    except (OSError, FileNotFoundError):
        return ""
    start, end = text.find("Usage License"), text.find("Further Information")
    if start < 0 or end < start:
        return ""
    lines = [line for line in text[start:end].strip().splitlines() if not set(line.strip()) == {"="}]
    lines = [f"**{line}**" if line in ("Usage License", "Citation") else line for line in lines]
    return "\n\nFrom the dataset's README.txt:\n\n" + "\n".join("> " + line if line.strip() else ">" for line in lines)


DATA_NOTE = """MovieLens ml-latest-small (GroupLens Research, 2018): F. Maxwell Harper and Joseph A. Konstan. 2015.
The MovieLens Datasets: History and Context. ACM Transactions on Interactive Intelligent Systems (TiiS) 5, 4:
19:1-19:19. https://doi.org/10.1145/2827872. Research use only, no commercial use, no endorsement by the
University of Minnesota or GroupLens implied; redistribution (this model's movie ids, titles, genres and
rating counts included) only under the same terms: see the dataset's README.txt, kept beside this file."""
