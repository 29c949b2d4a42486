"""The recommend card's new-visitor metrics, measured through the serving Predictor: users kept out of training
give a few ratings, the Predictor folds them in and ranks; recall@k of their other liked movies, against the
most popular movies and a bias-only baseline. (The RMSE rows need the trained users' vectors: training only.)"""
from __future__ import annotations

import numpy as np

from .config import RATING_MAX, RATING_MIN, Config, train_config
from .data import read, split


def evaluate(predictor, limit: int = 0, data: str | None = None) -> dict:
    """The new-visitor metrics of `predictor` on the held-out users of the model's own split (`data`: another
    MovieLens folder; `limit`: the first `limit` held-out users by id, a fixed slice)."""
    cfg = train_config(predictor.config.get("train_config", {}))
    if data:
        cfg = Config(**{**cfg.__dict__, "data": data})
    rest, held = split(read(cfg)[0], cfg)
    if limit:
        held = held[held.userId.isin(np.sort(held.userId.unique())[:limit])]
    return {**new_visitors(predictor, held, bias_only(rest[~rest.is_valid]), cfg),
            "n_heldout_users": int(held.userId.nunique())}


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


VARIANTS = {  # new-visitor rankings compared in the model card: name -> (min_count, Predictor.scores weights)
    "": (None, {}),
    "_popular": (1, dict(rating_weight=0.0, pop_weight=1.0, co_watch=False)),
    "_predicted_rating_only": (None, dict(rating_weight=1.0, pop_weight=0.0, co_watch=False)),
    "_without_rating_model": (None, dict(rating_weight=0.0)),
}


def new_visitors(pred, held, base, cfg: Config) -> dict:
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
