"""Is this movie review positive or negative? Chapter 1's NLP lesson: a pretrained transformer, fine-tuned, beside
an n-gram baseline trained from scratch, and one verdict from both."""
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
        the verdict {"positive": p, "negative": p}, each word with its push towards positive (+) or negative (-)
        in the n-gram baseline, a one-paragraph verdict, then the transformer's and the baseline's own answers.
    """
    try:
        return show.answer(predictor, review)
    except BadText as e:
        raise gr.Error(str(e)) from e


def explain(review: str):
    """Each sentence's push in the transformer: how its answer moves when the sentence is left out."""
    try:
        return show.sentence_pushes(predictor, review)
    except BadText as e:
        raise gr.Error(str(e)) from e


with gr.Blocks(title="Movie review sentiment") as demo:
    gr.Markdown("# Positive or negative?\nChapter 1 of *Deep Learning for Coders*: transfer learning for text. A "
                "transformer pretrained on a billion sentences (all-MiniLM-L6-v2), fine-tuned with fastai on IMDB "
                "reviews, beside an n-gram model trained from scratch; the verdict combines both.")
    with gr.Row():
        with gr.Column():
            review = gr.Textbox(label="Movie review", lines=8, max_lines=20,
                                placeholder="The acting was wonderful, but the plot...")
            button = gr.Button("Classify", variant="primary")
        with gr.Column():
            label = gr.Label(label="Verdict (both models)")
            verdict = gr.Markdown()
    with gr.Row():
        transformer = gr.Label(label=show.TRANSFORMER, num_top_classes=2)
        baseline = gr.Label(label=show.BASELINE, num_top_classes=2)
    words = gr.HighlightedText(label="The baseline's words: each one's exact share of its decision (+ positive, - negative)",
                               show_legend=False, show_inline_category=False)
    with gr.Accordion("The transformer's sentences (slower: one pass per sentence)", open=False):
        why = gr.Button("Which sentences moved the transformer?")
        sentences = gr.HighlightedText(label="Each sentence's push (+ positive, - negative)", show_legend=False,
                                       show_inline_category=False)
    examples = gr.Examples(EXAMPLES, inputs=review, label="Real IMDB reviews (Maas et al., 2011), never seen in training")
    answers = [label, words, verdict, transformer, baseline]
    gr.on([button.click, review.submit], predict, review, answers, api_name="predict")
    examples.load_input_event.then(predict, review, answers, api_visibility="private")
    review.input(None, None, [*answers, sentences], js=ui.clear(*answers, sentences))  # edited: the old answer goes at once
    why.click(explain, review, sentences, api_name="explain")

if __name__ == "__main__":
    ui.launch(demo)
