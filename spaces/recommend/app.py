"""Movie recommendations for someone the model has never seen: chapter 1's collaborative filtering on MovieLens."""
import functools
import json
from pathlib import Path

import gradio as gr
import pandas as pd

from shared.serving import ui
from shared.tasks.recommend import ui as show
from shared.tasks.recommend.words import T
from shared.tasks.recommend.config import MAX_K
from shared.serving.errors import Refused
from shared.tasks.recommend.serve import Predictor

predictor = Predictor.load(ui.model_source("RECOMMEND_MODEL", __file__))
PROFILES = json.loads((Path(__file__).parent / "examples" / "profiles.json").read_text())
RATED = ["title", "rating"]  # the visitor's table; the API also takes movieId, title, rating (show.rows_to_ratings)
RECS, ALIKE = ["#", "title", "predicted ★", "because you liked", "genres"], ["title", "genres", "similarity"]
MOVIES = show.movie_choices(predictor)
MOVIE_HELP = "a MovieLens movieId (as a string) or an exact title"
MAP = show.embedding_map(predictor, 600)  # the Korean one on a Korean page's first load (map_in)


def predict(ratings: pd.DataFrame, k: int = 10, request: gr.Request = None):
    """Recommend movies for a visitor from their ratings of a few movies (MovieLens, fastai collab_learner).

    Args:
        ratings: a table with columns title, rating (0.5 to 5), or movieId, title, rating (movieId or an exact
            title is enough).
            Movies the model never saw are skipped; the summary names them.
        k: how many movies to recommend (1 to 100).

    Returns:
        a short summary and a table of recommendations: rank, title, predicted rating, the liked movie it is
        most like, genres.
    """
    lang = ui.lang(request)
    recs = predictor.recommend(show.rows_to_ratings(ratings), k)
    warn_skipped(show.rows_to_ratings(ratings), lang)
    table = pd.DataFrame([[n + 1, r["title"], r["predicted_rating"], show.because(r["because"], lang),
                           show.genres(r["genres"], lang)] for n, r in enumerate(recs)], columns=RECS)
    return show.summary(predictor, show.rows_to_ratings(ratings), lang), table


def recommend(ratings: dict[str, float], k: int = 10, request: gr.Request = None) -> list[dict]:
    """Recommend MovieLens movies for a new visitor from their ratings, without retraining the model.

    Args:
        ratings: MovieLens movieIds as strings mapped to ratings from 0.5 to 5, e.g. {"1": 4.5, "260": 5}.
            An empty object gives the cold-start list (popular, well-rated movies). Movies the model never
            saw (ratings from another MovieLens copy hold some) are skipped, not an error.
        k: how many movies to return (1 to 100).

    Returns:
        the k best movies the visitor has not rated, best first, each {"movieId": int, "title": str, "score": float}.
        When some rated movies were skipped, the first item also has "skipped": the list of them, as sent (once).
    """
    recs = [{key: r[key] for key in ("movieId", "title", "score")} for r in predictor.recommend(ratings, k)]
    skipped = warn_skipped(ratings, ui.lang(request))
    return [{**recs[0], "skipped": skipped}, *recs[1:]] if skipped and recs else recs


def warn_skipped(ratings, lang: str = "en") -> list[str]:
    "The rated movies the model never saw (a warning in the UI, so the visitor knows they did not count)."
    skipped = predictor.skipped(ratings)
    if skipped:
        gr.Warning(T.text("skipped_warning", lang, n=len(skipped),
                          names=", ".join(skipped[:5]) + (" ..." if len(skipped) > 5 else "")))
    return skipped


def similar(movie: str, k: int = 10, request: gr.Request = None):
    """Movies like this one: the nearest movies in the model's embedding space (cosine similarity).

    Args:
        movie: a MovieLens movieId (as a string) or an exact title, e.g. "260" or "Star Wars: Episode IV - A New
            Hope (1977)".
        k: how many movies (1 to 100).

    Returns:
        a table of similar movies with their similarity and genres.
    """
    if not movie:
        raise Refused(T, "pick_first")
    rows = predictor.similar(movie, k)
    return pd.DataFrame([[r["title"], show.genres(r["genres"], ui.lang(request)), r["similarity"]] for r in rows],
                        columns=ALIKE)


@functools.lru_cache(maxsize=2)
def movie_map(lang: str):
    return MAP if lang == "en" else show.embedding_map(predictor, 600, lang)


def map_in(request: gr.Request = None):
    "The map in the visitor's language: its legend's genres and its tooltips' names (an English page keeps its own)."
    lang = ui.lang(request)
    if lang == "en":
        return gr.skip()
    shown = movie_map(lang)
    return gr.ScatterPlot(shown, color=shown.columns[3], tooltip=list(shown.columns[2:]))


def add(rated: pd.DataFrame, movie: str, stars: float):
    if not movie:
        raise Refused(T, "pick_first")
    i = predictor.lookup(movie)
    if i is None:
        raise Refused(T, "pick_known", movie=repr(str(movie)[:60]))
    rows = [r[-2:] for r in show.table_rows(rated) if predictor.lookup(r[-2]) != i]
    return pd.DataFrame(rows + [[predictor.titles[i], float(stars)]], columns=RATED)


with gr.Blocks(title=T("title")) as demo:
    gr.Markdown(T("intro"))
    with gr.Tab(T("tab_recommend")):
        with gr.Row():
            with gr.Column(scale=2):
                movie = ui.free_text(gr.Dropdown(MOVIES, value=None, label=T("search"), info=T("search_info"),
                                                 filterable=True, allow_custom_value=True), MOVIE_HELP)
                stars = gr.Slider(0.5, 5, value=4, step=0.5, label=T("stars"))
                with gr.Row():
                    add_btn = gr.Button(T("add"))
                    like_btn = gr.Button(T("like"))
                rated = gr.Dataframe(pd.DataFrame(columns=RATED), headers=RATED, label=T("rated"),
                                     datatype=["str", "number"], interactive=True, wrap=True,
                                     column_widths=["74%", "26%"])
                examples = gr.Examples([[pd.DataFrame([r[1:] for r in rows], columns=RATED)]
                                        for rows in PROFILES.values()], inputs=rated,
                                       example_labels=list(PROFILES), label=T("profiles"))
                k = gr.Slider(1, MAX_K, value=10, step=1, label=T("k"))
                with gr.Row():
                    clear = gr.Button(T("clear"))
                    go = gr.Button(T("go"), variant="primary")
            with gr.Column(scale=3):
                summary = gr.Markdown(elem_id="recommend-answer")
                recs = gr.Dataframe(pd.DataFrame(columns=RECS), label=T("recs"), wrap=True, elem_id="recs",
                                    column_widths=["6%", "36%", "12%", "28%", "18%"])
                gr.Markdown(T("recs_key"), elem_classes="key-note")
                alike = gr.Dataframe(pd.DataFrame(columns=ALIKE), label=T("alike"), wrap=True, elem_id="alike",
                                     column_widths=["50%", "35%", "15%"])
    with gr.Tab(T("tab_map")):
        gr.Markdown(T("map_about"))
        movies = gr.ScatterPlot(MAP, x="x", y="y", color="genre", tooltip=["title", "genre", "ratings"], height=480,
                                x_title="PC 1", y_title="PC 2", label=T("map"))
    go.click(predict, [rated, k], [summary, recs], api_name="predict")
    examples.load_input_event.then(predict, [rated, k], [summary, recs], api_visibility="private")
    ui.bring_into_view(examples, summary)
    gr.on([rated.input, clear.click], None, None, [summary, recs], js=ui.clear(summary, recs))  # no stale list
    like_btn.click(similar, [movie, k], alike, api_name="similar")
    add_btn.click(add, [rated, movie, stars], rated, api_visibility="private").success(  # the list follows
        predict, [rated, k], [summary, recs], api_visibility="private")
    clear.click(lambda: pd.DataFrame(columns=RATED), None, rated, api_visibility="private")
    gr.api(recommend, api_name="recommend")
    demo.load(map_in, None, movies, api_visibility="private")

if __name__ == "__main__":
    ui.launch(demo)
