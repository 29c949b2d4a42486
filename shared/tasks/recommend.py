"""Recommend: chapter 1's collaborative filtering, made useful to a visitor who was never in the training data.

fastai's `collab_learner` (dot product with biases) learns a vector and a bias for every user and movie of
MovieLens from their ratings. A new visitor rates a few movies; with the movie vectors fixed we solve a small
regularised least squares for the visitor's own vector and bias (the prior is a Gaussian fitted to the trained
users, so one rating moves it a little and two hundred move it a lot), then rank every movie they have not
rated. Ranking adds a popularity prior to the predicted rating and never recommends movies with very few
ratings: a model trained for rating error alone loves obscure movies that two people rated 5 stars.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from shared import artifact
from shared.data import local_or_download

ML_SMALL_URL = "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"
ML_25M_URL = "https://files.grouplens.org/datasets/movielens/ml-25m.zip"
RATING_MIN, RATING_MAX = 0.5, 5.0   # MovieLens half-star ratings
MAX_RATINGS = 5000                  # one request; more is not a visitor
MAX_K = 100
LIKED = 3.5                         # "because you liked ...": ratings at or above this (or the visitor's mean)


@dataclass
class Config:
    preset: str = "cpu"
    data: str = "movielens/ml-latest-small"  # folder under the data dir (ratings.csv, movies.csv), or a .zip URL
    n_factors: int = 64
    y_min: float = 0.0           # fastai's y_range: predictions are sigmoid-squashed into (y_min, y_max)
    y_max: float = 5.5
    epochs: int = 8
    lr: float = 1e-2
    wd: float = 0.1
    bs: int = 1024
    valid_pct: float = 0.1       # random ratings held out for RMSE (fixed split: seed)
    heldout_users: int = 55      # users kept out of training entirely: the "new visitor" evaluation
    given: int = 10              # ratings a held-out user gives the fold-in; recall@k on the rest
    draws: int = 5               # random sets of given ratings per held-out user
    top_k: int = 20
    prior_strength: float = 1.0  # fold-in: scales the precision of the Gaussian prior fitted to trained users
    pop_weight: float = 0.5      # ranking score = predicted logit + pop_weight * log(ratings of the movie)
    min_count: int = 10          # movies with fewer training ratings are never recommended
    compare_defaults: bool = True  # also train fastai's defaults on the same split (for the model card)
    max_ratings: int = 0         # >0: a tiny run for tests and laptops (that many training ratings)
    workers: int = 0
    seed: int = 42


PRESETS = {
    "cpu": {},
    # ml-25m (25 million ratings, 162k users): the same recipe with more factors and bigger batches
    "gpu": dict(data=ML_25M_URL, n_factors=128, bs=8192, epochs=6, lr=2e-2, heldout_users=1000,
                min_count=50, compare_defaults=False, workers=4),
    "tiny": dict(n_factors=8, epochs=1, bs=256, max_ratings=4000, heldout_users=8, draws=1,
                 min_count=2, compare_defaults=False),
}


# ---------------------------------------------------------------- data
def data_folder(cfg: Config) -> Path:
    "The MovieLens folder: a local one (ratings.csv, movies.csv) or fastai's untar_data of a GroupLens zip."
    if cfg.data.startswith(("http://", "https://")):
        name = cfg.data.rsplit("/", 1)[-1].removesuffix(".zip")
        folder = local_or_download(f"movielens/{name}", cfg.data)
    else:
        folder = local_or_download(cfg.data, ML_SMALL_URL)
    if not (folder / "ratings.csv").is_file():  # some archives hold one more folder level
        inner = [p.parent for p in folder.glob("*/ratings.csv")]
        if not inner:
            raise FileNotFoundError(f"no ratings.csv in {folder}")
        folder = inner[0]
    return folder


def read(cfg: Config):
    "(ratings, movies) DataFrames; ratings: userId, movieId, rating; movies: movieId, title, genres."
    import pandas as pd
    folder = data_folder(cfg)
    ratings = pd.read_csv(folder / "ratings.csv", usecols=["userId", "movieId", "rating"])
    movies = pd.read_csv(folder / "movies.csv")
    if cfg.max_ratings:  # tiny: the most active users' ratings of the most rated movies, so it still learns
        top = ratings.movieId.value_counts().index[:300]
        ratings = ratings[ratings.movieId.isin(top)]
        ratings = ratings.sample(frac=1, random_state=cfg.seed)[:cfg.max_ratings]
    return ratings.reset_index(drop=True), movies


def split(ratings, cfg: Config):
    """Fixed and seeded: `heldout_users` users out of training entirely (new visitors), then a random
    `valid_pct` of the other users' ratings held out for RMSE. Returns (rest with an is_valid column, heldout)."""
    rng = np.random.default_rng(cfg.seed)
    users = np.sort(ratings.userId.unique())
    held = rng.choice(users, min(cfg.heldout_users, len(users) // 5), replace=False)
    is_held = ratings.userId.isin(held).to_numpy()
    rest = ratings[~is_held].reset_index(drop=True)
    valid = np.zeros(len(rest), bool)
    valid[rng.permutation(len(rest))[:int(round(cfg.valid_pct * len(rest)))]] = True
    return rest.assign(is_valid=valid), ratings[is_held].reset_index(drop=True)


def dataloaders(rest, bs: int, workers: int = 0):
    "fastai's CollabDataLoaders, on our fixed split (its vocab comes from the training ratings only)."
    from fastai.collab import TabularCollab
    from fastai.data.transforms import IndexSplitter
    from fastai.tabular.core import Categorify
    from fastai.data.block import TransformBlock
    df = rest[["userId", "movieId", "rating"]]
    splits = IndexSplitter(np.flatnonzero(rest.is_valid.to_numpy()))(range(len(df)))
    to = TabularCollab(df, [Categorify], ["userId", "movieId"], y_names=["rating"], y_block=TransformBlock(),
                       splits=splits)
    return to.dataloaders(bs=bs, num_workers=workers)


# ---------------------------------------------------------------- training
def learner(cfg: Config):
    from fastai.collab import collab_learner
    ratings, movies = read(cfg)
    rest, held = split(ratings, cfg)
    dls = dataloaders(rest, cfg.bs, cfg.workers)
    learn = collab_learner(dls, n_factors=cfg.n_factors, y_range=(cfg.y_min, cfg.y_max))
    learn.rest, learn.heldout, learn.movies = rest, held, movies
    return learn


def fit(learn, cfg: Config):
    learn.fit_one_cycle(cfg.epochs, cfg.lr, wd=cfg.wd)
    return learn


def fastai_defaults(rest, seed: int = 42):
    "The chapter's recipe, untouched: collab_learner(n_factors=50, y_range=(0, 5.5)), fit_one_cycle(5, 5e-3, wd=0.1)."
    from fastai.collab import collab_learner
    from fastai.torch_core import set_seed
    set_seed(seed, reproducible=True)
    learn = collab_learner(dataloaders(rest, 64), n_factors=50, y_range=(0, 5.5))
    with learn.no_bar(), learn.no_logging():
        learn.fit_one_cycle(5, 5e-3, wd=0.1)
    return learn


def rmse_of(learn) -> float:
    preds, targ = learn.get_preds(dl=learn.dls.valid)
    return float(((preds.view(-1) - targ.view(-1)) ** 2).mean().sqrt())


def bias_only(train, lam_item: float = 25.0, lam_user: float = 10.0, iters: int = 10):
    """The baseline predictor (Koren 2008): global mean + regularised movie bias + regularised user bias,
    fitted by alternating closed-form steps. Returns (mean, {movieId: bias}, {userId: bias})."""
    mu = float(train.rating.mean())
    items, item_idx = np.unique(train.movieId.to_numpy(), return_inverse=True)
    users, user_idx = np.unique(train.userId.to_numpy(), return_inverse=True)
    r = train.rating.to_numpy(float) - mu
    bi, bu = np.zeros(len(items)), np.zeros(len(users))
    n_i = np.bincount(item_idx, minlength=len(items))
    n_u = np.bincount(user_idx, minlength=len(users))
    for _ in range(iters):
        bi = np.bincount(item_idx, r - bu[user_idx], len(items)) / (lam_item + n_i)
        bu = np.bincount(user_idx, r - bi[item_idx], len(users)) / (lam_user + n_u)
    return mu, dict(zip(items.tolist(), bi)), dict(zip(users.tolist(), bu))


def bias_only_predict(model, users, movies, lam_user: float = 10.0, visitor=None):
    mu, bi, bu = model
    out = np.array([mu + bi.get(m, 0.0) for m in movies])
    if visitor is None:
        out += np.array([bu.get(u, 0.0) for u in users])
    return np.clip(out, RATING_MIN, RATING_MAX)


def evaluate(learn, cfg: Config) -> dict:
    """RMSE on the fixed random 10% (against bias-only and fastai's defaults on the same split), and the
    new-visitor test: held-out users give `given` ratings, we fold them in and measure recall@top_k of their
    other movies rated >= 4, against recommending the most popular movies."""
    rest, held = learn.rest, learn.heldout
    train, valid = rest[~rest.is_valid], rest[rest.is_valid]
    out = {"rmse": round(rmse_of(learn), 4)}
    base = bias_only(train)
    out["rmse_bias_only"] = round(float(np.sqrt(np.mean(
        (bias_only_predict(base, valid.userId, valid.movieId) - valid.rating.to_numpy()) ** 2))), 4)
    if cfg.compare_defaults:
        out["rmse_fastai_defaults"] = round(rmse_of(fastai_defaults(rest, cfg.seed)), 4)
    state, config = export(learn, cfg)
    out.update(new_visitors(Predictor(config, state), held, base, cfg))
    out.update({"n_train_ratings": int(len(train)), "n_valid_ratings": int(len(valid)),
                "n_heldout_users": int(held.userId.nunique())})
    return out


def new_visitors(pred: "Predictor", held, base, cfg: Config) -> dict:
    "Fold in `given` ratings of each held-out user (`draws` times); score the rest of their ratings."
    rng = np.random.default_rng(cfg.seed)
    popular = np.argsort(-pred.counts, kind="stable")
    k = cfg.top_k
    rec_model, rec_pop, rec_bias, sq_model, sq_bias, rank_counts = [], [], [], [], [], []
    for _, user in held.groupby("userId"):
        user = user[user.movieId.isin(pred.index)]
        if len(user) <= cfg.given:
            continue
        for _ in range(cfg.draws):
            pick = rng.permutation(len(user))
            given, other = user.iloc[pick[:cfg.given]], user.iloc[pick[cfg.given:]]
            g_idx = np.array([pred.index[m] for m in given.movieId])
            o_idx = np.array([pred.index[m] for m in other.movieId])
            g_val = given.rating.to_numpy(float)
            w = pred.fold_in(g_idx, g_val)
            # rating error on their other movies, against the bias-only baseline with a folded-in user bias
            sq_model += list((pred.rating(w, o_idx) - other.rating.to_numpy()) ** 2)
            b_given = bias_only_predict(base, None, given.movieId, visitor=True)
            b_user = float(np.sum(g_val - b_given)) / (10.0 + len(g_val))
            b_other = np.clip(bias_only_predict(base, None, other.movieId, visitor=True) + b_user,
                              RATING_MIN, RATING_MAX)
            sq_bias += list((b_other - other.rating.to_numpy()) ** 2)
            relevant = set(user.movieId[user.rating >= 4]) - set(given.movieId)
            if not relevant:
                continue
            denom = min(k, len(relevant))
            top = pred.rank(w, exclude=g_idx, k=k)
            rank_counts += list(pred.counts[top])
            rec_model.append(len(relevant & {pred.movie_ids[i] for i in top}) / denom)
            pop = [i for i in popular[:k + cfg.given] if i not in set(g_idx)][:k]
            rec_pop.append(len(relevant & {pred.movie_ids[i] for i in pop}) / denom)
            by_bias = pred.rank(w, exclude=g_idx, k=k, pop_weight=0.0, min_count=1)
            rec_bias.append(len(relevant & {pred.movie_ids[i] for i in by_bias}) / denom)
    r_model, r_pop = float(np.mean(rec_model)), float(np.mean(rec_pop))
    return {f"visitor_recall@{k}": round(r_model, 4), f"visitor_recall@{k}_popular": round(r_pop, 4),
            f"visitor_recall@{k}_vs_popular": round(r_model / r_pop, 2) if r_pop else None,
            f"visitor_recall@{k}_predicted_rating_only": round(float(np.mean(rec_bias)), 4),
            "visitor_rmse": round(float(np.sqrt(np.mean(sq_model))), 4),
            "visitor_rmse_bias_only": round(float(np.sqrt(np.mean(sq_bias))), 4),
            "visitor_median_ratings_of_recommended": int(np.median(rank_counts)),
            "visitor_tests": len(rec_model)}


# ---------------------------------------------------------------- artifact
def export(learn, cfg: Config) -> tuple[dict, dict]:
    "Movie vectors and biases, the users' Gaussian prior for fold-in, and the catalogue (ids, titles, genres)."
    model = learn.model.float().cpu()
    classes = learn.dls.classes
    movie_ids = [int(m) for m in classes["movieId"][1:]]   # [0] is fastai's '#na#'
    V = model.i_weight.weight.detach()[1:]
    bi = model.i_bias.weight.detach()[1:, 0]
    U = torch.cat([model.u_weight.weight.detach()[1:], model.u_bias.weight.detach()[1:]], 1).double()
    mean = U.mean(0)
    cov = torch.cov(U.T) + 1e-4 * torch.eye(U.shape[1], dtype=U.dtype)
    # noise of the fold-in regression: the residual variance of the trained model in logit space
    train = learn.rest[~learn.rest.is_valid]
    u_pos = {u: i for i, u in enumerate(classes["userId"][1:])}
    m_pos = {m: i for i, m in enumerate(movie_ids)}
    ui = torch.tensor(train.userId.map(u_pos).to_numpy())
    mi = torch.tensor(train.movieId.map(m_pos).to_numpy())
    z = logit_of(torch.tensor(train.rating.to_numpy()), cfg.y_min, cfg.y_max)
    fitted = (U[ui, :-1].float() * V[mi]).sum(1) + U[ui, -1].float() + bi[mi]
    noise = float(((z - fitted.double()) ** 2).mean())
    counts = np.bincount(mi.numpy(), minlength=len(movie_ids))
    means = np.bincount(mi.numpy(), train.rating.to_numpy(), minlength=len(movie_ids)) / np.maximum(counts, 1)
    info = learn.movies.set_index("movieId").reindex(movie_ids)
    state = {"movie_factors": V, "movie_bias": bi, "prior_mean": mean.float(),
             "prior_precision": torch.linalg.inv(cov).float()}
    config = {"task": "recommend", "arch": "EmbeddingDotBias", "n_factors": cfg.n_factors,
              "y_range": [cfg.y_min, cfg.y_max],
              "fold_in": {"noise_var": round(noise, 5), "prior_strength": cfg.prior_strength},
              "ranking": {"pop_weight": cfg.pop_weight, "min_count": cfg.min_count},
              "movie_ids": movie_ids, "titles": info.title.fillna("").tolist(),
              "genres": info.genres.fillna("").tolist(), "counts": counts.tolist(),
              "mean_ratings": [round(float(m), 2) for m in means],
              "data": DATA_NOTE, "train_config": asdict(cfg)}
    return state, config


def logit_of(r, lo: float, hi: float):
    "The inverse of fastai's sigmoid_range: ratings -> the dot-product-plus-biases scale."
    p = (r - lo) / (hi - lo)
    return torch.log(p / (1 - p)) if isinstance(p, torch.Tensor) else np.log(p / (1 - p))


def card(cfg: Config, metrics: dict, command: str) -> str:
    from shared.card import model_card
    k = cfg.top_k
    names = {"rmse": "RMSE (random 10% of ratings)", "rmse_bias_only": "RMSE, bias-only baseline",
             "rmse_fastai_defaults": "RMSE, fastai defaults (n_factors=50, 5 epochs at 5e-3, wd=0.1)",
             f"visitor_recall@{k}": f"new visitors: recall@{k}",
             f"visitor_recall@{k}_popular": f"new visitors: recall@{k}, most popular movies",
             f"visitor_recall@{k}_vs_popular": f"new visitors: recall@{k}, ratio to most popular",
             f"visitor_recall@{k}_predicted_rating_only": f"new visitors: recall@{k}, ranked by predicted rating alone",
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
ratings. Ranking: predicted logit + {cfg.pop_weight} x log(number of ratings), movies with fewer than
{cfg.min_count} ratings never recommended.
"""
    return model_card("recommend", title="MovieLens recommender (fastai collab_learner)",
                      task="tabular-regression", metrics=metrics, datasets=["movielens"],
                      license="other", command=command, config=asdict(cfg),
                      metric_names=names, about=__doc__, data_note=DATA_NOTE, extra=extra)


DATA_NOTE = """MovieLens ml-latest-small (GroupLens Research, 2018): F. Maxwell Harper and Joseph A. Konstan. 2015.
The MovieLens Datasets: History and Context. ACM Transactions on Interactive Intelligent Systems (TiiS) 5, 4:
19:1-19:19. https://doi.org/10.1145/2827872. Research use only, no commercial use, no endorsement by the
University of Minnesota or GroupLens implied; redistribution (this model's movie ids, titles, genres and
rating counts included) only under the same terms: see the dataset's README.txt, kept beside this file."""


# ---------------------------------------------------------------- serving
class BadRatings(ValueError):
    "Ratings that cannot be used, with a message for the visitor."


class Predictor:
    "The lean serving path: numpy only (movie vectors, biases, the users' prior), no fastai, no DataLoader."

    def __init__(self, config: dict, state: dict, device: str = "cpu"):
        self.config = config
        self.V = state["movie_factors"].double().numpy()
        self.bias = state["movie_bias"].double().numpy()
        self.prior_mean = state["prior_mean"].double().numpy()
        self.prior_precision = state["prior_precision"].double().numpy()
        self.lo, self.hi = config["y_range"]
        self.noise_var = float(config["fold_in"]["noise_var"])
        self.prior_strength = float(config["fold_in"].get("prior_strength", 1.0))
        self.pop_weight = float(config["ranking"]["pop_weight"])
        self.min_count = int(config["ranking"]["min_count"])
        self.movie_ids = [int(m) for m in config["movie_ids"]]
        self.titles, self.genres = config["titles"], config["genres"]
        self.counts = np.asarray(config["counts"], dtype=np.int64)
        self.mean_ratings = np.asarray(config.get("mean_ratings", [np.nan] * len(self.movie_ids)), float)
        n = len(self.movie_ids)
        if self.V.shape[0] != n or self.bias.shape != (n,) or len(self.titles) != n or len(self.counts) != n:
            raise artifact.ArtifactError("recommend artifact: movie vectors, biases and catalogue sizes differ")
        self.index = {m: i for i, m in enumerate(self.movie_ids)}
        self.by_title = {}
        for i in np.argsort(-self.counts, kind="stable"):  # a repeated title means its most rated movie
            self.by_title.setdefault(self.titles[i].casefold(), int(i))
        self.log_counts = np.log(np.maximum(self.counts, 1))
        self.unit = self.V / np.maximum(np.linalg.norm(self.V, axis=1, keepdims=True), 1e-12)
        self.eligible = self.counts >= self.min_count

    @classmethod
    def load(cls, source, device: str = "cpu") -> "Predictor":
        config, state, _ = artifact.load(source, task="recommend")
        return cls(config, state, device)

    # ------------------------------------------------------------ input
    def lookup(self, key) -> int | None:
        "A movieId (int or digits) or an exact title (any case) -> row index, or None."
        if isinstance(key, bool):
            return None
        if isinstance(key, (int, np.integer)):
            return self.index.get(int(key))
        text = str(key).strip()
        if re.fullmatch(r"\d{1,9}", text):
            return self.index.get(int(text))
        return self.by_title.get(text.casefold())

    def parse(self, ratings) -> tuple[np.ndarray, np.ndarray]:
        """{movieId or title: rating} (or (key, rating) pairs) -> (row indices, ratings), checked.
        Raises BadRatings with a message that names the offending entries."""
        if ratings is None:
            return np.zeros(0, int), np.zeros(0)
        if isinstance(ratings, Mapping):
            pairs = list(ratings.items())
        elif isinstance(ratings, (list, tuple)):
            try:
                pairs = [(k, v) for k, v in ratings]
            except (TypeError, ValueError):
                raise BadRatings("ratings must be a JSON object like {\"1\": 4.5, \"260\": 5.0} "
                                 "(MovieLens movieId -> rating from 0.5 to 5)") from None
        else:
            raise BadRatings("ratings must be a JSON object like {\"1\": 4.5, \"260\": 5.0} "
                             f"(MovieLens movieId -> rating from 0.5 to 5), not {type(ratings).__name__}")
        if len(pairs) > MAX_RATINGS:
            raise BadRatings(f"{len(pairs)} ratings: at most {MAX_RATINGS} in one request")
        unknown, bad, seen = [], [], {}
        for key, value in pairs:
            i = self.lookup(key)
            if i is None:
                unknown.append(str(key))
                continue
            try:
                if isinstance(value, bool) or value is None:
                    raise TypeError
                v = float(value)
            except (TypeError, ValueError):
                bad.append(f"{self.titles[i]}: {value!r} is not a number")
                continue
            if math.isnan(v):
                bad.append(f"{self.titles[i]}: NaN is not a rating")
            elif not RATING_MIN <= v <= RATING_MAX:
                bad.append(f"{self.titles[i]}: {v:g} is outside {RATING_MIN:g} to {RATING_MAX:g}")
            elif i in seen and seen[i] != v:
                bad.append(f"{self.titles[i]} is rated twice, {seen[i]:g} and {v:g}: keep one")
            else:
                seen[i] = v
        if unknown:
            shown = ", ".join(repr(u[:60]) for u in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            raise BadRatings(f"Unknown movie{'s' if len(unknown) > 1 else ''}: {shown}. Use MovieLens movieIds "
                             "(like \"1\" for Toy Story (1995)) or exact titles of movies this model knows; "
                             "search by title in the app.")
        if bad:
            raise BadRatings("Bad rating" + ("s" if len(bad) > 1 else "") + ": " + "; ".join(bad[:5])
                             + (f" and {len(bad) - 5} more" if len(bad) > 5 else "") + ".")
        idx = np.fromiter(seen.keys(), int, len(seen))
        return idx, np.fromiter(seen.values(), float, len(seen))

    # ------------------------------------------------------------ model
    def fold_in(self, idx, values) -> np.ndarray:
        """The visitor's [vector, bias] with the movie vectors fixed: the MAP of a Gaussian prior (the trained
        users') and a Gaussian likelihood in logit space, i.e. a small ridge regression. No ratings: the prior mean."""
        idx = np.asarray(idx, int)
        P = self.prior_strength * self.prior_precision
        if len(idx) == 0:
            return self.prior_mean.copy()
        X = np.concatenate([self.V[idx], np.ones((len(idx), 1))], 1)
        z = logit_of(np.asarray(values, float), self.lo, self.hi) - self.bias[idx]
        A = X.T @ X / self.noise_var + P
        b = X.T @ z / self.noise_var + P @ self.prior_mean
        return np.linalg.solve(A, b)

    def logits(self, w, idx=None) -> np.ndarray:
        V, bias = (self.V, self.bias) if idx is None else (self.V[idx], self.bias[idx])
        return V @ w[:-1] + w[-1] + bias

    def rating(self, w, idx=None) -> np.ndarray:
        "Predicted ratings (fastai's sigmoid_range), clipped to the 0.5-5 scale."
        r = self.lo + (self.hi - self.lo) / (1 + np.exp(-self.logits(w, idx)))
        return np.clip(r, RATING_MIN, RATING_MAX)

    def scores(self, w, pop_weight: float | None = None) -> np.ndarray:
        "The ranking score of every movie: predicted logit + pop_weight * log(number of ratings)."
        pop = self.pop_weight if pop_weight is None else pop_weight
        return self.logits(w) + pop * self.log_counts

    def rank(self, w, exclude=(), k: int = 10, pop_weight: float | None = None, min_count: int | None = None):
        "Row indices of the k best movies, best first, skipping `exclude` and movies with too few ratings."
        s = self.scores(w, pop_weight)
        ok = self.eligible if min_count is None else self.counts >= min_count
        s = np.where(ok, s, -np.inf)
        s[np.asarray(exclude, int)] = -np.inf
        k = min(k, int(np.isfinite(s).sum()))
        top = np.argpartition(-s, k - 1)[:k] if 0 < k < len(s) else np.arange(len(s))[:k]
        return top[np.argsort(-s[top], kind="stable")]

    def recommend(self, ratings, k: int = 10) -> list[dict]:
        """The k best movies the visitor has not rated, best first: movieId, title, genres, score (the ranking
        score), predicted rating, and a reason (the visitor's liked movie nearest in embedding space)."""
        k = check_k(k)
        idx, values = self.parse(ratings)
        w = self.fold_in(idx, values)
        top = self.rank(w, exclude=idx, k=k)
        s, r = self.scores(w)[top], self.rating(w, top)
        liked = idx[values >= min(max(LIKED, values.mean()), RATING_MAX)] if len(idx) else idx
        because = self.because(top, liked)
        return [{"movieId": self.movie_ids[i], "title": self.titles[i], "score": round(float(si), 4),
                 "predicted_rating": round(float(ri), 2), "genres": self.genres[i], "because": b}
                for i, si, ri, b in zip(top, s, r, because)]

    def because(self, top, liked) -> list[str]:
        if len(liked) == 0:
            return ["popular and well rated" for _ in top]
        sim = self.unit[top] @ self.unit[liked].T
        return [f"because you liked {self.titles[liked[j]]}" for j in sim.argmax(1)]

    def similar(self, movie, k: int = 10) -> list[dict]:
        "Movies nearest to `movie` (movieId or exact title) in embedding space (cosine), well-rated ones only."
        k = check_k(k)
        i = self.lookup(movie)
        if i is None:
            raise BadRatings(f"Unknown movie {str(movie)[:60]!r}: use a MovieLens movieId or an exact title.")
        sim = np.where(self.eligible, self.unit @ self.unit[i], -np.inf)
        sim[i] = -np.inf
        top = np.argsort(-sim, kind="stable")[:k]
        return [{"movieId": self.movie_ids[j], "title": self.titles[j], "similarity": round(float(sim[j]), 3),
                 "genres": self.genres[j]} for j in top]

    def search(self, query: str, limit: int | None = 20) -> list[int]:
        "Row indices of movies whose title contains every word of `query` (any case), most rated first."
        words = str(query or "").casefold().split()
        hits = [int(i) for i in np.argsort(-self.counts, kind="stable")
                if all(w in self.titles[i].casefold() for w in words)]
        return hits[:limit]

    def label(self, i: int) -> str:
        "How the app lists a movie: its title and how many ratings the model learned it from."
        return f"{self.titles[i]} · {self.counts[i]} rating{'s' if self.counts[i] != 1 else ''}"

    def embedding_map(self, n: int = 500):
        "PCA of the movie vectors of the n most rated movies: a DataFrame of x, y, title, genre, ratings."
        import pandas as pd
        top = np.argsort(-self.counts, kind="stable")[:n]
        X = self.V[top] - self.V[top].mean(0)
        _, _, vt = np.linalg.svd(X, full_matrices=False)
        xy = X @ vt[:2].T
        xy *= np.sign(xy[np.abs(xy).argmax(0), [0, 1]])  # a fixed orientation
        return pd.DataFrame({"x": xy[:, 0].round(3), "y": xy[:, 1].round(3),
                             "title": [self.titles[i] for i in top],
                             "genre": [main_genre(self.genres[i]) for i in top],
                             "ratings": self.counts[top]})


def table_rows(table) -> list[list]:
    "The app's ratings table (DataFrame or list of rows: movieId, title, rating) -> its non-empty rows."
    if table is None:
        return []
    rows = table.values.tolist() if hasattr(table, "values") else list(table)
    blank = lambda v: v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())
    return [list(r) for r in rows if not all(blank(v) for v in r)]


def rows_to_ratings(table) -> list[tuple]:
    "Table rows -> (movieId or title, rating) pairs for `Predictor.parse` (which checks them)."
    pairs = []
    for row in table_rows(table):
        movie, title, rating = (list(row) + [None, None, None])[:3]
        if isinstance(movie, float) and not math.isnan(movie) and movie.is_integer():
            movie = int(movie)
        if movie is None or (isinstance(movie, float) and math.isnan(movie)) or not str(movie).strip():
            movie = title
        pairs.append((movie, rating))
    return pairs


def summary(pred: Predictor, ratings) -> str:
    "One paragraph for the app: what the recommendations are based on."
    idx, values = pred.parse(ratings)
    if len(idx) == 0:
        return ("**No ratings yet**: here are movies that are popular and well rated (the cold-start list). "
                "Rate a few movies, or pick a taste profile, to make the list yours.")
    best = idx[np.argsort(-values, kind="stable")[:3]]
    return (f"From your **{len(idx)} rating{'s' if len(idx) > 1 else ''}** (mean {values.mean():.1f} ★; "
            f"favourites: {', '.join('*' + pred.titles[i] + '*' for i in best)}), the model solved for your taste "
            "vector with the movie vectors fixed, then ranked every movie you have not rated.")


def check_k(k) -> int:
    try:
        if isinstance(k, bool) or k is None or float(k) != int(float(k)):
            raise ValueError
        k = int(float(k))
    except (TypeError, ValueError, OverflowError):
        raise BadRatings(f"k must be a whole number from 1 to {MAX_K}, not {k!r}") from None
    if not 1 <= k <= MAX_K:
        raise BadRatings(f"k must be from 1 to {MAX_K}, not {k}")
    return k


GENRE_ORDER = ("Animation", "Documentary", "Horror", "Sci-Fi", "Western", "War", "Musical", "Romance", "Crime",
               "Thriller", "Mystery", "Fantasy", "Children", "Comedy", "Action", "Adventure", "Film-Noir", "Drama")


def main_genre(genres: str) -> str:
    "One genre to colour a movie by (MovieLens lists them alphabetically): the most telling one."
    listed = set(str(genres).split("|"))
    return next((g for g in GENRE_ORDER if g in listed), "Other")
