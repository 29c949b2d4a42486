"""Serving: a visitor's ratings -> their taste vector (a small ridge regression with the movie vectors fixed) ->
every movie ranked. numpy, and ONNX Runtime for the whole catalogue's scores; no torch, no fastai."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from shared.serving import artifact
from shared.serving import runtime
from shared.serving.errors import Phrase, Refused

from .config import CO_WATCH_EPS, LIKED, MAX_K, MAX_RATINGS, RARE_PENALTY, RATING_MAX, RATING_MIN, ServingConfig
from .words import T

EXAMPLE = '{"1": 4.5, "260": 5.0}'  # the ratings a message shows as an example


def logit_of(r, lo: float, hi: float):
    "The inverse of fastai's sigmoid_range: ratings -> the dot-product-plus-biases scale (numpy or torch)."
    p = (r - lo) / (hi - lo)
    ratio = p / (1 - p)
    return ratio.log() if hasattr(ratio, "log") else np.log(ratio)


class Predictor:
    "The lean serving path: numpy only (movie vectors, biases, the users' prior), no fastai, no DataLoader."

    def __init__(self, config: dict, arrays: dict, onnx):
        self.config = config
        sc = ServingConfig.from_dict(config)
        try:
            self.V = arrays["movie_factors"].astype(np.float64)
            self.indptr = arrays["rated_by_indptr"].astype(np.int64)
            self.rated_by = arrays["rated_by_users"].astype(np.int64)
            self.bias = arrays["movie_bias"].astype(np.float64)
            self.prior_mean = arrays["prior_mean"].astype(np.float64)
            self.prior_precision = arrays["prior_precision"].astype(np.float64)
        except KeyError as e:
            raise artifact.ArtifactError(f"recommend weights lack {e}") from e
        self.lo, self.hi = sc.y_range
        self.noise_var, self.prior_strength = sc.noise_var, sc.prior_strength
        self.pop_weight, self.rating_weight, self.min_count = sc.pop_weight, sc.rating_weight, sc.min_count
        self.movie_ids, self.titles, self.genres = sc.movie_ids, sc.titles, sc.genres
        self.counts = np.asarray(sc.counts, dtype=np.int64)
        self.mean_ratings = np.asarray(sc.mean_ratings or [np.nan] * len(self.movie_ids), float)
        self.model = runtime.OnnxModel(onnx)
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
    def load(cls, source) -> "Predictor":
        config, folder = artifact.load(source, task="recommend")
        return cls(config, artifact.load_arrays(folder), Path(folder) / artifact.ONNX)

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
        "{movieId or title: rating} or (key, rating) pairs -> a list of pairs; Refused for anything else."
        if ratings is None:
            return []
        if isinstance(ratings, Mapping):
            pairs = list(ratings.items())
        elif isinstance(ratings, (list, tuple)):
            try:
                pairs = [(k, v) for k, v in ratings]
            except (TypeError, ValueError):
                raise Refused(T, "not_object", example=EXAMPLE) from None
        else:
            raise Refused(T, "not_object_type", example=EXAMPLE, kind=type(ratings).__name__)
        if len(pairs) > MAX_RATINGS:
            raise Refused(T, "too_many", n=len(pairs), most=MAX_RATINGS)
        return pairs

    def skipped(self, ratings) -> list[str]:
        "The movies in `ratings` this model never saw (as sent, at most 60 characters each): `parse` skips them."
        return [str(key)[:60] for key, _ in self.pairs(ratings) if self.lookup(key) is None]

    def parse(self, ratings) -> tuple[np.ndarray, np.ndarray]:
        """{movieId or title: rating} (or (key, rating) pairs) -> (row indices, ratings), checked.
        Movies this model never saw are skipped (ratings exported from another MovieLens copy always hold
        some; `skipped` lists them); bad ratings of known movies are Refused, naming the entries."""
        bad, seen = [], {}
        for key, value in self.pairs(ratings):
            i = self.lookup(key)
            if i is None:
                continue
            try:
                if isinstance(value, bool) or value is None:
                    raise TypeError
                v = float(value)
            except (TypeError, ValueError):
                bad.append(Phrase(T, "not_a_number", title=self.titles[i], value=repr(value)))
                continue
            if math.isnan(v):
                bad.append(Phrase(T, "nan_rating", title=self.titles[i]))
            elif not RATING_MIN <= v <= RATING_MAX:
                bad.append(Phrase(T, "outside", title=self.titles[i], value=f"{v:g}", lo=f"{RATING_MIN:g}",
                                  hi=f"{RATING_MAX:g}"))
            elif i in seen and seen[i] != v:
                bad.append(Phrase(T, "rated_twice", title=self.titles[i], a=f"{seen[i]:g}", b=f"{v:g}"))
            else:
                seen[i] = v
        if len(bad) == 1:
            raise Refused(T, "bad_rating", entries=bad)
        if bad:
            raise Refused(T, "bad_ratings", entries=bad[:5], more=Phrase(T, "and_more", n=len(bad) - 5)
                          if len(bad) > 5 else "")
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
        "The visitor's logit for every movie (model.onnx, ONNX Runtime) or for the movies `idx` (numpy)."
        if idx is None:
            return self.model(np.asarray(w, dtype=np.float32)).astype(np.float64)
        return self.V[idx] @ w[:-1] + w[-1] + self.bias[idx]

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
            raise Refused(T, "unknown_movie", movie=repr(str(movie)[:60]))
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



def check_k(k) -> int:
    try:
        if isinstance(k, bool) or k is None or float(k) != int(float(k)):
            raise ValueError
        k = int(float(k))
    except (TypeError, ValueError, OverflowError):
        raise Refused(T, "k_whole", most=MAX_K, k=repr(k)) from None
    if not 1 <= k <= MAX_K:
        raise Refused(T, "k_range", most=MAX_K, k=k)
    return k
