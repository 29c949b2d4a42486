"""Is this movie review positive or negative? Chapter 1's NLP lesson: a pretrained transformer, fine-tuned, beside
an n-gram baseline trained from scratch, and one verdict from both."""
from pathlib import Path

import gradio as gr

from shared.serving import ui
from shared.tasks.sentiment import ui as show
from shared.tasks.sentiment.words import T
from shared.tasks.sentiment.serve import Predictor

predictor = Predictor.load(ui.model_source("SENTIMENT_MODEL", __file__))
EXAMPLES = [[Path(p).read_text(encoding="utf-8").strip()] for p in ui.examples(__file__, exts=(".txt",))]


def predict(review: str, request: gr.Request = None):
    """Classify an English movie review as positive or negative.

    Args:
        review: the text of a movie review (English; up to 30,000 characters are read).

    Returns:
        the verdict {"positive": p, "negative": p}, each word with its push towards positive (+) or negative (-)
        in the n-gram baseline, a one-paragraph verdict, then the transformer's and the baseline's own answers.
    """
    return show.answer(predictor, review, ui.lang(request))


def explain(review: str):
    """Each sentence's push in the transformer: how its answer moves when the sentence is left out."""
    return show.sentence_pushes(predictor, review)


with gr.Blocks(title=T("title")) as demo:
    gr.Markdown(T("intro"))
    with gr.Row():
        with gr.Column():
            review = gr.Textbox(label=T("review"), lines=6, max_lines=20, placeholder=T("placeholder"))
            button = gr.Button(T("classify"), variant="primary")
            examples = gr.Examples(EXAMPLES, inputs=review, label=T("examples"))
        with gr.Column():
            label = gr.Label(label=T("verdict"), elem_id="sentiment-answer")
            verdict = gr.Markdown()
            with gr.Accordion(T("each_model"), open=False), gr.Row():  # the headline is the verdict alone
                transformer = gr.Label(label=T("transformer"), num_top_classes=2)
                baseline = gr.Label(label=T("baseline"), num_top_classes=2)
    words = gr.HighlightedText(label=T("words"), show_legend=False, show_inline_category=False)
    gr.Markdown(T("words_key"), elem_classes="key-note")
    with gr.Accordion(T("sentences_fold"), open=False):
        why = gr.Button(T("why"))
        sentences = gr.HighlightedText(label=T("sentences"), show_legend=False, show_inline_category=False)
    answers = [label, words, verdict, transformer, baseline]
    gr.on([button.click, review.submit], predict, review, answers, api_name="predict")
    examples.load_input_event.then(predict, review, answers, api_visibility="private")
    ui.bring_into_view(examples, label)
    review.input(None, None, [*answers, sentences], js=ui.clear(*answers, sentences))  # edited: no stale answer
    why.click(explain, review, sentences, api_name="explain")

if __name__ == "__main__":
    ui.launch(demo)
