"""The recommend task's settings: every training flag (`Config`, `PRESETS`), the serving limits, and what
config.json records for serving."""
from __future__ import annotations

from dataclasses import dataclass

from shared.serving import artifact

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


def train_config(d: dict) -> Config:
    return artifact.recorded(Config, d)


@dataclass
class ServingConfig:
    """What serving reads from config.json (format_version 2; format 1 had the same keys): the rating scale, the
    fold-in's noise and prior strength, the ranking weights, and the catalogue (ids, titles, genres, counts)."""
    y_range: list
    noise_var: float
    prior_strength: float
    rating_weight: float
    pop_weight: float
    min_count: int
    movie_ids: list
    titles: list
    genres: list
    counts: list
    mean_ratings: list | None = None

    @classmethod
    def from_dict(cls, d: dict) -> "ServingConfig":
        try:
            return cls(y_range=list(d["y_range"]), noise_var=float(d["fold_in"]["noise_var"]),
                       prior_strength=float(d["fold_in"].get("prior_strength", 1.0)),
                       rating_weight=float(d["ranking"]["rating_weight"]), pop_weight=float(d["ranking"]["pop_weight"]),
                       min_count=int(d["ranking"]["min_count"]), movie_ids=[int(m) for m in d["movie_ids"]],
                       titles=list(d["titles"]), genres=list(d["genres"]), counts=list(d["counts"]),
                       mean_ratings=d.get("mean_ratings"))
        except (KeyError, TypeError, ValueError) as e:
            raise artifact.ArtifactError(f"recommend config.json lacks or mistypes {e}") from e

    def to_dict(self) -> dict:
        return {"y_range": self.y_range,
                "fold_in": {"noise_var": self.noise_var, "prior_strength": self.prior_strength},
                "ranking": {"rating_weight": self.rating_weight, "pop_weight": self.pop_weight,
                            "min_count": self.min_count},
                "movie_ids": self.movie_ids, "titles": self.titles, "genres": self.genres, "counts": self.counts,
                "mean_ratings": self.mean_ratings}
