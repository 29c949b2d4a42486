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
CO_WATCH_EPS = 1e-3                 # log(co-watch + eps): movies nobody co-watched still rank, far below
RARE_PENALTY = 1e6                  # rank movies with fewer than min_count ratings after all the others
LIKED = 3.5                         # "because you liked ...": ratings at or above this (or the visitor's mean)


@dataclass
class Config:
    preset: str = "cpu"
    data: str = "movielens/ml-latest-small"  # folder under the data dir (ratings.csv, movies.csv), or a .zip URL
    n_factors: int = 64          # per member
    members: int = 5             # collab_learners trained with different seeds, averaged in logit space: one
                                 # dot-product model with members x n_factors factors (see `combine`)
    y_min: float = 0.0           # fastai's y_range: predictions are sigmoid-squashed into (y_min, y_max)
    y_max: float = 5.5
    epochs: int = 8
    lr: float = 1e-2
    wd: float = 0.5              # big batches take few steps: fastai's per-step weight decay needs to be larger
    bs: int = 1024
    valid_pct: float = 0.1       # random ratings held out for RMSE (fixed split: seed)
    heldout_users: int = 55      # users kept out of training entirely: the "new visitor" evaluation
    given: int = 10              # ratings a held-out user gives the fold-in; recall@k on the rest
    draws: int = 5               # random sets of given ratings per held-out user
    top_k: int = 20
    prior_strength: float = 1.0  # fold-in: scales the precision of the Gaussian prior fitted to trained users
    rating_weight: float = 0.5   # ranking score = log(co-watch) + rating_weight * predicted logit
    pop_weight: float = 0.25     #                 + pop_weight * log(number of ratings)
    min_count: int = 10          # movies with fewer training ratings are never recommended
    compare_defaults: bool = True  # also train fastai's defaults on the same split (for the model card)
    max_ratings: int = 0         # >0: a tiny run for tests and laptops (that many training ratings)
    workers: int = 0
    threads: int = 1             # torch CPU threads (>0): these small embedding steps gain nothing from more
    seed: int = 42


PRESETS = {
    "cpu": {},
    # ml-25m (25 million ratings, 162k users): the same recipe with more factors and bigger batches
    "gpu": dict(data=ML_25M_URL, n_factors=128, members=2, bs=8192, epochs=6, lr=2e-2, wd=0.1,
                heldout_users=1000, min_count=50, compare_defaults=False, workers=4, threads=0),
    "tiny": dict(n_factors=8, members=2, epochs=3, lr=3e-2, bs=256, max_ratings=4000, heldout_users=8, draws=1,
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
    """Fixed and seeded. The RMSE split is fastai's own: `RandomSplitter(valid_pct, seed)` over all ratings, as
    `CollabDataLoaders.from_df(ratings, valid_pct=0.1, seed=42)` makes it. Then `heldout_users` users leave
    training entirely (the new visitors). Returns (the others' ratings with an is_valid column, heldout)."""
    from fastai.data.transforms import RandomSplitter
    valid = np.zeros(len(ratings), bool)
    valid[np.asarray(RandomSplitter(cfg.valid_pct, seed=cfg.seed)(range(len(ratings)))[1], dtype=int)] = True
    rng = np.random.default_rng(cfg.seed)
    users = np.sort(ratings.userId.unique())
    held = rng.choice(users, min(cfg.heldout_users, len(users) // 5), replace=False)
    is_held = ratings.userId.isin(held).to_numpy()
    rest = ratings[~is_held].assign(is_valid=valid[~is_held]).reset_index(drop=True)
    return rest, ratings[is_held].reset_index(drop=True)


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
    if cfg.threads > 0 and not torch.cuda.is_available():
        torch.set_num_threads(cfg.threads)
    ratings, movies = read(cfg)
    rest, held = split(ratings, cfg)
    dls = dataloaders(rest, cfg.bs, cfg.workers)
    learn = collab_learner(dls, n_factors=cfg.n_factors, y_range=(cfg.y_min, cfg.y_max))
    learn.rest, learn.heldout, learn.movies = rest, held, movies
    return learn


def fit(learn, cfg: Config):
    """fit_one_cycle for each of `members` collab_learners (seeds seed, seed+1, ...) on the same data, then one
    model of them all: averaging the members' logits is itself a dot product with concatenated factors."""
    from fastai.collab import collab_learner
    from fastai.torch_core import set_seed
    models = []
    for m in range(cfg.members):
        if m:
            set_seed(cfg.seed + m, reproducible=True)
        member = learn if m == 0 else collab_learner(learn.dls, n_factors=cfg.n_factors,
                                                      y_range=(cfg.y_min, cfg.y_max))
        member.fit_one_cycle(cfg.epochs, cfg.lr, wd=cfg.wd)
        models.append(member.model)
    learn.model = combine(models)
    return learn


@torch.no_grad()
def combine(models):
    """K EmbeddingDotBias models -> one whose logit is the mean of theirs: factors concatenated and scaled by
    1/sqrt(K) on both sides (so the dot product is the mean of the K dot products), biases averaged."""
    from fastai.collab import EmbeddingDotBias
    if len(models) == 1:
        return models[0]
    k, first = len(models), models[0]
    out = EmbeddingDotBias(sum(m.u_weight.weight.shape[1] for m in models), first.u_weight.weight.shape[0],
                           first.i_weight.weight.shape[0], y_range=first.y_range)
    for name in ("u_weight", "i_weight"):
        getattr(out, name).weight.copy_(torch.cat([getattr(m, name).weight for m in models], 1) / math.sqrt(k))
    for name in ("u_bias", "i_bias"):
        getattr(out, name).weight.copy_(torch.stack([getattr(m, name).weight for m in models]).mean(0))
    return out.to(first.u_weight.weight.device)


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


VARIANTS = {  # new-visitor rankings compared in the model card: name -> (min_count, Predictor.scores weights)
    "": (None, {}),
    "_popular": (1, dict(rating_weight=0.0, pop_weight=1.0, co_watch=False)),
    "_predicted_rating_only": (None, dict(rating_weight=1.0, pop_weight=0.0, co_watch=False)),
    "_without_rating_model": (None, dict(rating_weight=0.0)),
}


def new_visitors(pred: "Predictor", held, base, cfg: Config) -> dict:
    "Fold in `given` ratings of each held-out user (`draws` times); score the rest of their ratings."
    rng = np.random.default_rng(cfg.seed)
    k = cfg.top_k
    recalls = {name: [] for name in VARIANTS}
    sq_model, sq_bias, rank_counts = [], [], []
    for _, user in held.groupby("userId"):
        user = user[user.movieId.isin(pred.index.keys())]
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
            relevant = {pred.index[m] for m in other.movieId[other.rating >= 4]}
            if not relevant:
                continue
            for name, (min_count, weights) in VARIANTS.items():
                top = pred.rank(w, g_idx, k=k, min_count=min_count, **weights)
                recalls[name].append(len(relevant & set(top.tolist())) / min(k, len(relevant)))
                if name == "":
                    rank_counts += list(pred.counts[top])
    out = {f"visitor_recall@{k}{name}": round(float(np.mean(r)), 4) for name, r in recalls.items()}
    pop = out[f"visitor_recall@{k}_popular"]
    out[f"visitor_recall@{k}_vs_popular"] = round(out[f"visitor_recall@{k}"] / pop, 2) if pop else None
    return {**out, "visitor_rmse": round(float(np.sqrt(np.mean(sq_model))), 4),
            "visitor_rmse_bias_only": round(float(np.sqrt(np.mean(sq_bias))), 4),
            "visitor_median_ratings_of_recommended": int(np.median(rank_counts)),
            "visitor_tests": len(recalls[""])}


# ---------------------------------------------------------------- artifact
def export(learn, cfg: Config) -> tuple[dict, dict]:
    "Movie vectors and biases, the users' Gaussian prior for fold-in, and the catalogue (ids, titles, genres)."
    model = learn.model.float().cpu()
    classes = learn.dls.classes
    movie_ids = [int(m) for m in classes["movieId"][1:]]   # [0] is fastai's '#na#'
    V = model.i_weight.weight.detach()[1:].half().float()  # stored as float16: half the size, same ranking
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
    indptr, users = rated_by(ui.numpy(), mi.numpy(), len(movie_ids))
    state = {"movie_factors": V.half(), "movie_bias": bi, "prior_mean": mean.float(),
             "prior_precision": torch.linalg.inv(cov).float(), "rated_by_indptr": torch.from_numpy(indptr),
             "rated_by_users": torch.from_numpy(users)}
    config = {"task": "recommend", "arch": "EmbeddingDotBias", "n_factors": V.shape[1],
              "y_range": [cfg.y_min, cfg.y_max],
              "fold_in": {"noise_var": round(noise, 5), "prior_strength": cfg.prior_strength},
              "ranking": {"rating_weight": cfg.rating_weight, "pop_weight": cfg.pop_weight,
                          "min_count": cfg.min_count},
              "movie_ids": movie_ids, "titles": info.title.fillna("").tolist(),
              "genres": info.genres.fillna("").tolist(), "counts": counts.tolist(),
              "mean_ratings": [round(float(m), 2) for m in means],
              "data": DATA_NOTE, "train_config": asdict(cfg)}
    return state, config


def rated_by(users, movies, n_movies: int) -> tuple[np.ndarray, np.ndarray]:
    """Who rated what, as a sparse binary movies x users matrix (CSR: indptr int64, user rows int32). Users are
    anonymous row numbers of the training users: it is what item-based collaborative filtering needs to find
    movies watched by the same people, and nothing more (no ratings, no ids, no times)."""
    pairs = np.unique(np.stack([movies, users], 1).astype(np.int64), axis=0)
    indptr = np.zeros(n_movies + 1, np.int64)
    np.cumsum(np.bincount(pairs[:, 0], minlength=n_movies), out=indptr[1:])
    return indptr, pairs[:, 1].astype(np.int32)


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
                      license="other", command=command, config=asdict(cfg),
                      metric_names=names, about=__doc__, data_note=DATA_NOTE + terms(cfg), extra=extra)


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


# ---------------------------------------------------------------- serving
class BadRatings(ValueError):
    "Ratings that cannot be used, with a message for the visitor."


class Predictor:
    "The lean serving path: numpy only (movie vectors, biases, the users' prior), no fastai, no DataLoader."

    def __init__(self, config: dict, state: dict, device: str = "cpu"):
        self.config = config
        self.V = state["movie_factors"].double().numpy()
        self.indptr = state["rated_by_indptr"].numpy().astype(np.int64)
        self.rated_by = state["rated_by_users"].numpy().astype(np.int64)
        self.bias = state["movie_bias"].double().numpy()
        self.prior_mean = state["prior_mean"].double().numpy()
        self.prior_precision = state["prior_precision"].double().numpy()
        self.lo, self.hi = config["y_range"]
        self.noise_var = float(config["fold_in"]["noise_var"])
        self.prior_strength = float(config["fold_in"].get("prior_strength", 1.0))
        self.pop_weight = float(config["ranking"]["pop_weight"])
        self.rating_weight = float(config["ranking"]["rating_weight"])
        self.min_count = int(config["ranking"]["min_count"])
        self.movie_ids = [int(m) for m in config["movie_ids"]]
        self.titles, self.genres = config["titles"], config["genres"]
        self.counts = np.asarray(config["counts"], dtype=np.int64)
        self.mean_ratings = np.asarray(config.get("mean_ratings", [np.nan] * len(self.movie_ids)), float)
        n = len(self.movie_ids)
        if (self.V.shape[0] != n or self.bias.shape != (n,) or len(self.titles) != n or len(self.counts) != n
                or self.indptr.shape != (n + 1,) or self.indptr[-1] != len(self.rated_by)):
            raise artifact.ArtifactError("recommend artifact: movie vectors, biases and catalogue sizes differ")
        self.index = {m: i for i, m in enumerate(self.movie_ids)}
        self.by_title = {}
        for i in np.argsort(-self.counts, kind="stable"):  # a repeated title means its most rated movie
            self.by_title.setdefault(self.titles[i].casefold(), int(i))
        self.log_counts = np.log(np.maximum(self.counts, 1))
        self.unit = self.V / np.maximum(np.linalg.norm(self.V, axis=1, keepdims=True), 1e-12)
        self.eligible = self.counts >= self.min_count
        self.n_raters = np.diff(self.indptr)
        self.raters_norm = 1 / np.sqrt(np.maximum(self.n_raters, 1))
        self.n_users = int(self.rated_by.max()) + 1 if len(self.rated_by) else 0
        self.user_weight = 1 / np.sqrt(np.maximum(np.bincount(self.rated_by, minlength=self.n_users), 1))

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

    def pairs(self, ratings) -> list[tuple]:
        "{movieId or title: rating} or (key, rating) pairs -> a list of pairs, or BadRatings for anything else."
        if ratings is None:
            return []
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
        return pairs

    def skipped(self, ratings) -> list[str]:
        "The movies in `ratings` this model never saw (as sent, at most 60 characters each): `parse` skips them."
        return [str(key)[:60] for key, _ in self.pairs(ratings) if self.lookup(key) is None]

    def parse(self, ratings) -> tuple[np.ndarray, np.ndarray]:
        """{movieId or title: rating} (or (key, rating) pairs) -> (row indices, ratings), checked.
        Movies this model never saw are skipped (ratings exported from another MovieLens copy always hold
        some; `skipped` lists them); bad ratings of known movies raise BadRatings naming the entries."""
        pairs = self.pairs(ratings)
        bad, seen = [], {}
        for key, value in pairs:
            i = self.lookup(key)
            if i is None:
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
        return V @ w[:-1].astype(V.dtype) + w[-1] + bias  # in V's float32: no float64 copy of every vector

    def rating(self, w, idx=None) -> np.ndarray:
        "Predicted ratings (fastai's sigmoid_range), clipped to the 0.5-5 scale."
        r = self.lo + (self.hi - self.lo) / (1 + np.exp(-self.logits(w, idx)))
        return np.clip(r, RATING_MIN, RATING_MAX)

    def co_watch(self, idx) -> np.ndarray:
        """How much every movie was watched by the people who watched the movies `idx` (item-based
        collaborative filtering as a short walk): from each movie j of idx to the people who rated it (each
        1/|raters(j)|), from each person to everything they rated (weighted 1/sqrt(how many they rated): the
        people who rated everything say little), normalised by sqrt(|raters(i)|). Exact, through two sparse
        passes over who-rated-what; no movie x movie matrix."""
        idx = np.asarray(idx, int)
        starts, ends = self.indptr[idx], self.indptr[idx + 1]
        rows = np.concatenate([self.rated_by[a:b] for a, b in zip(starts, ends)]) if len(idx) else np.zeros(0, int)
        given = 1.0 / np.maximum(self.n_raters[idx], 1)
        per_user = np.bincount(rows, np.repeat(given, ends - starts), minlength=self.n_users) * self.user_weight
        total = np.concatenate([[0.0], np.cumsum(per_user[self.rated_by])])
        return (total[self.indptr[1:]] - total[self.indptr[:-1]]) * self.raters_norm

    def scores(self, w, idx=(), rating_weight: float | None = None, pop_weight: float | None = None,
               co_watch: bool = True) -> np.ndarray:
        """The ranking score of every movie for a visitor with vector `w` who rated the movies `idx`:
        log(co-watch similarity to idx + eps) + rating_weight * predicted logit + pop_weight * log(ratings).
        The first term finds movies watched by the same people, the second those this visitor would rate
        high, the third breaks ties towards movies many people rated; with no ratings only the last two remain."""
        rw = self.rating_weight if rating_weight is None else rating_weight
        pw = self.pop_weight if pop_weight is None else pop_weight
        s = rw * self.logits(w) + pw * self.log_counts
        if co_watch and len(idx):
            s = s + np.log(self.co_watch(np.asarray(idx, int)) + CO_WATCH_EPS)
        return s

    def rank(self, w, idx=(), exclude=None, k: int = 10, min_count: int | None = None, **weights):
        """Row indices of the k best movies, best first, skipping the rated movies `idx` (or `exclude`) and
        movies with fewer than min_count ratings. `weights`: see `scores`."""
        return self.best(self.scores(w, idx, **weights), idx if exclude is None else exclude, k, min_count)

    def best(self, s, exclude, k: int, min_count: int | None = None) -> np.ndarray:
        "Row indices of the k highest scores `s`, best first, without `exclude`; rare movies last."
        ok = self.eligible if min_count is None else self.counts >= min_count
        s = np.where(ok, s, s - RARE_PENALTY)  # rare movies only once nothing else is left (a visitor of 2,000)
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
        scores = self.scores(w, idx)
        top = self.best(scores, idx, k)
        s, r = scores[top], self.rating(w, top)
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
    skipped = pred.skipped(ratings)
    note = (f"\n\nSkipped {len(skipped)} movie{'s' if len(skipped) > 1 else ''} this model never saw: "
            + ", ".join(f"*{s}*" for s in skipped[:10]) + (f" and {len(skipped) - 10} more" if len(skipped) > 10 else "")
            + "." if skipped else "")
    if len(idx) == 0:
        return ("**No ratings of movies this model knows yet**: here are movies that are popular and well rated "
                "(the cold-start list). Rate a few movies, or pick a taste profile, to make the list yours." + note)
    best = idx[np.argsort(-values, kind="stable")[:3]]
    return (f"From your **{len(idx)} rating{'s' if len(idx) > 1 else ''}** (mean {values.mean():.1f} ★; "
            f"favourites: {', '.join('*' + pred.titles[i] + '*' for i in best)}), the model solved for your taste "
            "vector with the movie vectors fixed, then ranked every movie you have not rated." + note)


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


GENRE_ORDER = ("Animation", "Documentary", "Horror", "Sci-Fi", "Western", "Musical", "Children", "Romance", "War", "Crime",
               "Thriller", "Mystery", "Fantasy", "Comedy", "Action", "Adventure", "Film-Noir", "Drama")


def main_genre(genres: str) -> str:
    "One genre to colour a movie by (MovieLens lists them alphabetically): the most telling one."
    listed = set(str(genres).split("|"))
    return next((g for g in GENRE_ORDER if g in listed), "Other")
