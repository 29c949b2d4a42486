"""Movie recommendations for someone the model has never seen: chapter 1's collaborative filtering on MovieLens."""
import json
from pathlib import Path

import gradio as gr
import pandas as pd

from shared import ui, ui_recommend as show
from shared.tasks.recommend.config import MAX_K
from shared.tasks.recommend.serve import BadRatings, Predictor

predictor = Predictor.load(ui.model_source("RECOMMEND_MODEL", __file__))
PROFILES = json.loads((Path(__file__).parent / "examples" / "profiles.json").read_text())
RATED = ["movieId", "title", "rating"]
RECS = ["#", "title", "why", "predicted ★", "score", "genres"]
ALIKE = ["title", "genres", "similarity"]
MOVIES = show.movie_choices(predictor)
MOVIE_HELP = "a MovieLens movieId (as a string) or an exact title"
MAP = show.embedding_map(predictor, 600)


def checked(fn, *args):
    try:
        return fn(*args)
    except BadRatings as e:
        raise gr.Error(str(e)) from e


@ui.gpu
def predict(ratings: pd.DataFrame, k: int = 10):
    """Recommend movies for a visitor from their ratings of a few movies (MovieLens, fastai collab_learner).

    Args:
        ratings: a table with columns movieId, title, rating (0.5 to 5); movieId or an exact title is enough.
            Movies the model never saw are skipped; the summary names them.
        k: how many movies to recommend (1 to 100).

    Returns:
        a short summary and a table of recommendations: title, genres, predicted rating, score and why.
    """
    recs = checked(predictor.recommend, show.rows_to_ratings(ratings), k)
    warn_skipped(show.rows_to_ratings(ratings))
    table = pd.DataFrame([[n + 1, r["title"], r["because"], r["predicted_rating"], round(r["score"], 2),
                           r["genres"].replace("|", ", ")] for n, r in enumerate(recs)], columns=RECS)
    return show.summary(predictor, show.rows_to_ratings(ratings)), table


@ui.gpu
def recommend(ratings: dict[str, float], k: int = 10) -> list[dict]:
    """Recommend MovieLens movies for a new visitor from their ratings, without retraining the model.

    Args:
        ratings: MovieLens movieIds as strings mapped to ratings from 0.5 to 5, e.g. {"1": 4.5, "260": 5}.
            An empty object gives the cold-start list (popular, well-rated movies). Movies the model never
            saw (ratings from another MovieLens copy hold some) are skipped, not an error.
        k: how many movies to return (1 to 100).

    Returns:
        the k best movies the visitor has not rated, best first, each {"movieId": int, "title": str, "score": float}.
        When some rated movies were skipped, every item also has "skipped": the list of them, as sent.
    """
    recs = [{key: r[key] for key in ("movieId", "title", "score")} for r in checked(predictor.recommend, ratings, k)]
    skipped = warn_skipped(ratings)
    return [{**r, "skipped": skipped} for r in recs] if skipped else recs


def warn_skipped(ratings) -> list[str]:
    "The rated movies the model never saw (a warning in the UI, so the visitor knows they did not count)."
    skipped = checked(predictor.skipped, ratings)
    if skipped:
        gr.Warning(f"Skipped {len(skipped)} movie(s) this model never saw: {', '.join(skipped[:5])}"
                   + (" ..." if len(skipped) > 5 else ""))
    return skipped


def similar(movie: str, k: int = 10):
    """Movies like this one: the nearest movies in the model's embedding space (cosine similarity).

    Args:
        movie: a MovieLens movieId (as a string) or an exact title, e.g. "260" or "Star Wars: Episode IV - A New
            Hope (1977)".
        k: how many movies (1 to 100).

    Returns:
        a table of similar movies with their similarity and genres.
    """
    if not movie:
        raise gr.Error("Pick a movie first (search by title).")
    rows = checked(predictor.similar, movie, k)
    return pd.DataFrame([[r["title"], r["genres"].replace("|", ", "), r["similarity"]] for r in rows], columns=ALIKE)


def add(rated: pd.DataFrame, movie: str, stars: float):
    if not movie:
        raise gr.Error("Pick a movie first (search by title).")
    i = predictor.lookup(movie)
    if i is None:
        raise gr.Error(f"Unknown movie {str(movie)[:60]!r}: pick one from the list.")
    rows = [r for r in show.table_rows(rated) if str(r[0]) != str(predictor.movie_ids[i])]
    return pd.DataFrame(rows + [[predictor.movie_ids[i], predictor.titles[i], float(stars)]], columns=RATED)


with gr.Blocks(title="Movie recommendations") as demo:
    gr.Markdown("# 🎬 What should I watch next?\nChapter 1 of *Deep Learning for Coders*: collaborative filtering. "
                "Rate a few movies (or pick a taste profile): the model places you among 500 MovieLens users "
                "without retraining and recommends what you have not seen.")
    with gr.Tab("Recommend"):
        with gr.Row():
            with gr.Column(scale=2):
                movie = ui.free_text(gr.Dropdown(MOVIES, value=None, label="Search a movie by title", filterable=True,
                                                 allow_custom_value=True), MOVIE_HELP)
                stars = gr.Slider(0.5, 5, value=4, step=0.5, label="Your rating (★)")
                with gr.Row():
                    add_btn = gr.Button("Add my rating")
                    like_btn = gr.Button("Movies like this one")
                rated = gr.Dataframe(pd.DataFrame(columns=RATED), headers=RATED, label="Your ratings",
                                     datatype=["number", "str", "number"], interactive=True, wrap=True,
                                     column_widths=["18%", "64%", "18%"])
                k = gr.Slider(1, MAX_K, value=10, step=1, label="How many recommendations")
                with gr.Row():
                    clear = gr.Button("Clear my ratings")
                    go = gr.Button("Recommend", variant="primary")
                examples = gr.Examples([[pd.DataFrame(rows, columns=RATED)] for rows in PROFILES.values()], inputs=rated,
                            example_labels=list(PROFILES), label="Taste profiles")
            with gr.Column(scale=3):
                summary = gr.Markdown()
                recs = gr.Dataframe(pd.DataFrame(columns=RECS), label="Recommended for you", wrap=True,
                                    column_widths=["5%", "32%", "31%", "10%", "8%", "14%"])
                alike = gr.Dataframe(pd.DataFrame(columns=ALIKE), label="Movies like this one", wrap=True,
                                     column_widths=["50%", "35%", "15%"])
    with gr.Tab("Map of movies"):
        gr.Markdown("The chapter's picture: the first two principal components of the movie vectors the model "
                    "learned (the 600 most rated movies). Nobody told it about genres; hover to see titles.")
        gr.ScatterPlot(MAP, x="x", y="y", color="genre", tooltip=["title", "genre", "ratings"], height=600,
                       x_title="principal component 1", y_title="principal component 2", label="Movie embeddings")
    go.click(predict, [rated, k], [summary, recs], api_name="predict")
    examples.load_input_event.then(predict, [rated, k], [summary, recs], api_visibility="private")
    gr.on([rated.input, clear.click], None, None, [summary, recs], js=ui.clear(summary, recs))  # new ratings: old list goes
    like_btn.click(similar, [movie, k], alike, api_name="similar")
    add_btn.click(add, [rated, movie, stars], rated, api_visibility="private").success(
        None, None, [summary, recs], js=ui.clear(summary, recs))
    clear.click(lambda: pd.DataFrame(columns=RATED), None, rated, api_visibility="private")
    gr.api(recommend, api_name="recommend")

if __name__ == "__main__":
    ui.launch(demo)
