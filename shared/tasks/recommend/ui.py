"""What the recommend Space shows: its ratings table, movie labels, the summary paragraph and the embedding map."""
from __future__ import annotations

import math

import numpy as np

from shared.tasks.recommend.words import T


def table_rows(table) -> list[list]:
    "The app's ratings table (DataFrame or list of rows: movieId, title, rating) -> its non-empty rows."
    if table is None:
        return []
    rows = table.values.tolist() if hasattr(table, "values") else list(table)
    blank = lambda v: v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())
    return [list(r) for r in rows if not all(blank(v) for v in r)]


def rows_to_ratings(table) -> list[tuple]:
    """Table rows -> (movieId or title, rating) pairs for `Predictor.parse` (which checks them). Rows of two
    columns are (title, rating), the visitor's table; of three, (movieId, title, rating), as the API documents."""
    pairs = []
    for row in table_rows(table):
        row = list(row)
        movie, title, rating = ([None, *row] if len(row) == 2 else row + [None, None, None])[:3]
        if isinstance(movie, float) and not math.isnan(movie) and movie.is_integer():
            movie = int(movie)
        if movie is None or (isinstance(movie, float) and math.isnan(movie)) or not str(movie).strip():
            movie = title
        pairs.append((movie, rating))
    return pairs


def summary(pred, ratings, lang: str = "en") -> str:
    "One paragraph for the app, in `lang`: what the recommendations are based on."
    idx, values = pred.parse(ratings)
    skipped = pred.skipped(ratings)
    names = ", ".join(f"*{s}*" for s in skipped[:10]) + (T.text("more", lang, n=len(skipped) - 10)
                                                          if len(skipped) > 10 else "")
    note = "\n\n" + T.text("skipped", lang, n=len(skipped), s="s" if len(skipped) > 1 else "", names=names) \
        if skipped else ""
    if len(idx) == 0:
        return T.text("cold", lang) + note
    best = idx[np.argsort(-values, kind="stable")[:3]]
    return T.text("from_ratings", lang, n=len(idx), ratings=f"{len(idx)} rating{'s' if len(idx) > 1 else ''}",
                  mean=values.mean(), best=", ".join("*" + pred.titles[i] + "*" for i in best)) + note


def because(reason: str, lang: str = "en") -> str:
    "The recommendations' 'because you liked' cell: the liked movie's title (or 'popular and well rated')."
    prefix = "because you liked "
    return reason[len(prefix):] if reason.startswith(prefix) else T.text("popular", lang)


GENRE_ORDER = ("Animation", "Documentary", "Horror", "Sci-Fi", "Western", "Musical", "Children", "Romance", "War", "Crime",
               "Thriller", "Mystery", "Fantasy", "Comedy", "Action", "Adventure", "Film-Noir", "Drama")


def main_genre(genres: str) -> str:
    "One genre to colour a movie by (MovieLens lists them alphabetically): the most telling one."
    listed = set(str(genres).split("|"))
    return next((g for g in GENRE_ORDER if g in listed), "Other")


def genres(listed: str, lang: str = "en") -> str:
    "A movie's genres as a table shows them: 'Action|Sci-Fi' -> 'Action, Sci-Fi' / '액션, SF'."
    return ", ".join(T.text(f"genre_{g}", lang) if f"genre_{g}" in T.keys() else g for g in str(listed).split("|"))


def label(title: str, count: int) -> str:
    """How the app lists a movie: its title and how many people's ratings the model learned it from (👥, which the
    search box's words explain in the page's language: one list of 9,111 labels for every language)."""
    return f"{title} · 👥 {count}"


def movie_choices(pred) -> list[tuple[str, str]]:
    "(label, movieId) for every movie, most rated first: the app's search box."
    counts = pred.counts.tolist()
    return [(label(pred.titles[i], counts[i]), str(pred.movie_ids[i])) for i in pred.search("", limit=None)]


def embedding_map(pred, n: int = 500, lang: str = "en"):
    """PCA of the movie vectors of the n most rated movies: a DataFrame of x, y, title, genre, ratings (those three
    columns named, and the genres written, in `lang`: the plot's legend and tooltips show them)."""
    import pandas as pd
    top = np.argsort(-pred.counts, kind="stable")[:n]
    X = pred.V[top] - pred.V[top].mean(0)
    _, _, vt = np.linalg.svd(X, full_matrices=False)
    xy = X @ vt[:2].T
    xy *= np.sign(xy[np.abs(xy).argmax(0), [0, 1]])  # a fixed orientation
    col = lambda key: T.text(f"col_{key}", lang)
    return pd.DataFrame({"x": xy[:, 0].round(3), "y": xy[:, 1].round(3),
                         col("title"): [pred.titles[i] for i in top],
                         col("genre"): [T.text(f"genre_{main_genre(pred.genres[i])}", lang) for i in top],
                         col("ratings"): pred.counts[top]})
