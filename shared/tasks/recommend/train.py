"""Recommend, training side (fastai, torch): the collab_learner ensemble, its evaluation, export and ONNX."""
from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
import torch

from .card import DATA_NOTE, card  # noqa: F401  (the training CLI writes the card)
from .config import PRESETS, Config, ServingConfig  # noqa: F401  (PRESETS: the CLI)
from .data import read, split
from .evaluate import bias_only, bias_only_predict
from .serve import logit_of


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


def learner_metrics(learn, cfg: Config) -> dict:
    """What only the learner can measure, for the card beside the served model's numbers: RMSE on the fixed random
    10% of the trained users' ratings (their vectors are not in the artifact), against bias-only and fastai's
    defaults on the same split."""
    rest = learn.rest
    train, valid = rest[~rest.is_valid], rest[rest.is_valid]
    out = {"rmse": round(rmse_of(learn), 4)}
    out["rmse_bias_only"] = round(float(np.sqrt(np.mean(
        (bias_only_predict(bias_only(train), valid.userId, valid.movieId) - valid.rating.to_numpy()) ** 2))), 4)
    if cfg.compare_defaults:
        out["rmse_fastai_defaults"] = round(rmse_of(fastai_defaults(rest, cfg.seed)), 4)
    return {**out, "n_train_ratings": int(len(train)), "n_valid_ratings": int(len(valid))}


# ---------------------------------------------------------------- artifact
def export(learn, cfg: Config) -> tuple[dict, dict, bytes]:
    """The artifact, once: weights, config (the learner's own metrics as `training_metrics`) and model.onnx. The
    new-visitor numbers are measured on the saved folder (`shared.training.evaluate`)."""
    from shared.training.export import servable
    learned = learner_metrics(learn, cfg)
    state, config = artifact_of(learn, cfg)
    return state, {**config, "training_metrics": learned}, servable("recommend", state, config)


def artifact_of(learn, cfg: Config) -> tuple[dict, dict]:
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
    serving = ServingConfig(y_range=[cfg.y_min, cfg.y_max], noise_var=round(noise, 5),
                            prior_strength=cfg.prior_strength, rating_weight=cfg.rating_weight,
                            pop_weight=cfg.pop_weight, min_count=cfg.min_count, movie_ids=movie_ids,
                            titles=info.title.fillna("").tolist(), genres=info.genres.fillna("").tolist(),
                            counts=counts.tolist(), mean_ratings=[round(float(m), 2) for m in means])
    config = {"task": "recommend", "arch": "EmbeddingDotBias", "n_factors": V.shape[1], **serving.to_dict(),
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


class VisitorScores(torch.nn.Module):
    """The artifact's tensors as one module (what build_model rebuilds); its forward, what model.onnx holds, is a
    folded-in visitor's logit for every movie: movie vectors @ visitor vector + visitor bias + movie biases."""

    def __init__(self, n_movies: int, n_factors: int, n_pairs: int):
        super().__init__()
        self.register_buffer("movie_factors", torch.zeros(n_movies, n_factors, dtype=torch.float16))
        self.register_buffer("movie_bias", torch.zeros(n_movies))
        self.register_buffer("prior_mean", torch.zeros(n_factors + 1))
        self.register_buffer("prior_precision", torch.zeros(n_factors + 1, n_factors + 1))
        self.register_buffer("rated_by_indptr", torch.zeros(n_movies + 1, dtype=torch.int64))
        self.register_buffer("rated_by_users", torch.zeros(n_pairs, dtype=torch.int32))

    def forward(self, w):
        return self.movie_factors.float() @ w[:-1] + w[-1] + self.movie_bias


def build_model(config: dict) -> VisitorScores:
    "The module of `config`'s sizes (movies, factors, who-rated-what pairs), zeros."
    return VisitorScores(len(config["movie_ids"]), config["n_factors"], int(sum(config["counts"])))


def to_onnx(model: VisitorScores, config: dict) -> bytes:
    "model.onnx: w (n_factors + 1: the visitor's vector and bias) -> logits (one per movie); float16 movie vectors."
    from shared.training.export import onnx_bytes
    return onnx_bytes(model, (torch.zeros(config["n_factors"] + 1),), ["w"], ["logits"], fold_constants=False)
