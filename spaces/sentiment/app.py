"""Is this movie review positive or negative? Chapter 1's second model, with the words that decided it."""
from pathlib import Path

import gradio as gr

from shared import ui, ui_sentiment as show
from shared.tasks.sentiment.serve import BadText, Predictor

predictor = Predictor.load(ui.model_source("SENTIMENT_MODEL", __file__))
EXAMPLES = [[Path(p).read_text(encoding="utf-8").strip()] for p in ui.examples(__file__, exts=(".txt",))]


@ui.gpu
def predict(review: str):
    """Classify an English movie review as positive or negative.

    Args:
        review: the text of a movie review (English; up to 30,000 characters are read).

    Returns:
        a label dict {"positive": p, "negative": p}, each word with its push towards positive (+) or
        negative (-), and a one-paragraph verdict (with notes on truncation or unknown words).
    """
    try:
        reading = predictor.read(review)
    except BadText as e:
        raise gr.Error(str(e)) from e
    if reading.known == 0:
        raise gr.Error("The model knows none of these words, so it cannot judge. It learned from English "
                       "IMDB movie reviews: please write a few sentences about a film.")
    probs = {k: reading.probs[k] for k in ("positive", "negative")}
    return probs, show.display_tokens(reading.tokens, reading.weights), show.verdict(reading)


with gr.Blocks(title="Movie review sentiment") as demo:
    gr.Markdown("# Positive or negative?\nChapter 1 of *Deep Learning for Coders*: a fastai text classifier "
                "trained on 25,000 IMDB reviews. Paste a movie review; the words that pushed the decision are "
                "highlighted (green: towards positive, red: towards negative).")
    with gr.Row():
        with gr.Column():
            review = gr.Textbox(label="Movie review", lines=8, max_lines=20,
                                placeholder="The acting was wonderful, but the plot...")
            button = gr.Button("Classify", variant="primary")
        with gr.Column():
            label = gr.Label(label="Sentiment")
            verdict = gr.Markdown()
    words = gr.HighlightedText(label="Why: each word's exact share of the decision (+ positive, - negative)",
                               show_legend=False, show_inline_category=False)
    gr.Examples(EXAMPLES, inputs=review, label="Real IMDB reviews (Maas et al., 2011), never seen in training")
    gr.on([button.click, review.submit], predict, review, [label, words, verdict], api_name="predict")

if __name__ == "__main__":
    ui.launch(demo)
