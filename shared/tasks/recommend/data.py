"""MovieLens: the ratings and movies, and the fixed split (random ratings held out; whole users held out)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from shared.training.data import local_or_download

from .config import ML_SMALL_URL, Config


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
