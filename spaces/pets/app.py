"""Is it a cat? Which breed? Chapter 1's first model, with where it looked."""
from pathlib import Path

import gradio as gr

from shared.serving import ui
from shared.tasks.pets import ui as ui_pets
from shared.tasks.pets.teach import ui as ui_teach
from shared.tasks.pets.words import T
from shared.serving.images import heatmap_overlay, open_image
from shared.tasks.pets.serve import Predictor

source = ui.model_source("PETS_MODEL", __file__)
predictor = Predictor.load(source)


def predict(image, request: gr.Request = None):
    """Classify a pet photo into the 37 Oxford-IIIT Pet breeds and cat, dog or neither.

    Args:
        image: a photo of a cat or a dog (file path or URL).

    Returns:
        breed probabilities (keyed by the Oxford-IIIT Pet dataset's names: `american_pit_bull_terrier`,
        `British_Shorthair`), cat / dog / neither probabilities ('neither': no cat and no dog in the photo), and a
        one-sentence verdict that says how sure it is (breeds named as people write them).
    """
    photo = open_image(image, max_side=4 * predictor.size)
    breeds, species, looks_like = predictor.classify([photo])[0]
    return breeds, species or None, ui_pets.verdict(breeds, species, looks_like, ui.lang(request))


def shown(breeds: dict, species: dict | None):
    "The UI's boxes: the API's answer with the names people write, and no breed list for a photo of neither."
    return ui_pets.breeds_shown(breeds, species), ui_pets.shown(species)


def explain(image):
    "Where the model looked for its top label (class activation map = Grad-CAM here); shown right after the answer."
    photo = open_image(image, max_side=4 * predictor.size)
    return heatmap_overlay(photo, predictor.heatmap(photo))


with gr.Blocks(title=T("title")) as demo:
    gr.Markdown(T("intro"))
    with gr.Tab(T("tab_classify")), gr.Row():
        with gr.Column():
            image = ui.Photo(label=T("photo"))
            button = gr.Button(T("classify"), variant="primary")
            examples = gr.Examples(ui.examples(__file__), inputs=image, label=T("examples"))
        with gr.Column():
            verdict = gr.Markdown(elem_id="pets-answer")
            breeds = gr.Label(num_top_classes=5, label=T("breed") if predictor.species else T("label"))
            species = gr.Label(label=T("species"), visible=bool(predictor.species))
            breed_keys = gr.Label(num_top_classes=5, visible=False)  # the API's answer (the dataset's keys)
            species_keys = gr.Label(visible=False)
            heat = gr.Image(label=T("heat"))
            gr.Markdown(T("heat_key"), elem_classes="key-note")
    with gr.Tab(T("tab_teach")):
        ui_teach.tab(predictor, source, sample=Path(__file__).parent / "teach_sample.zip")
    answers = [breed_keys, species_keys, verdict]
    for answer in (gr.on([button.click, image.upload], predict, image, answers, api_name="predict"),
                   examples.load_input_event.then(predict, image, answers, api_visibility="private")):
        answer.success(shown, [breed_keys, species_keys], [breeds, species], api_visibility="private", queue=False)
        answer.success(explain, image, heat, api_visibility="private")
    ui.bring_into_view(examples, verdict)
    image.change(None, None, [breeds, species, verdict, heat], js=ui.clear(breeds, species, verdict, heat))

if __name__ == "__main__":
    ui.launch(demo)
