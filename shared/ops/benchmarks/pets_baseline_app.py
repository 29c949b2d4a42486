"""The baseline the pets Space is measured against: the usual first fastai Space, one request at a time
through `learn.predict` (same weights, rebuilt without pickle). Benchmarks only; not a Space."""

import gradio as gr

from shared.serving import ui
from shared.tasks.pets.train import fastai_learner
from shared import REPO

APP = REPO / "spaces" / "pets" / "app.py"
learn = fastai_learner(ui.model_source("PETS_MODEL", str(APP)), ui.examples(str(APP)))


def predict(image):
    with learn.no_bar():
        _, _, probs = learn.predict(image)
    return dict(zip(learn.breeds, probs[:len(learn.breeds)].tolist()))


demo = gr.Interface(predict, gr.Image(type="filepath"), gr.Label(num_top_classes=5), api_name="predict")

if __name__ == "__main__":
    demo.queue(default_concurrency_limit=1).launch()
