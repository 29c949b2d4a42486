"""The cold-start baseline: a trivial Gradio app (one text box, one example, `predict` echoes it), launched the
way every Space is (`shared.serving.ui.launch`). Benchmarks only; not a Space."""
import gradio as gr

from shared.serving import ui


def predict(text: str) -> str:
    "Echo the text."
    return text


with gr.Blocks(title="Bare app") as demo:
    box = gr.Textbox(label="Text")
    out = gr.Textbox(label="Echo")
    gr.Examples([["Hello"]], inputs=box)
    box.submit(predict, box, out, api_name="predict")

if __name__ == "__main__":
    ui.launch(demo)
