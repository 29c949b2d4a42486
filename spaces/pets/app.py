"""Is it a cat? Which breed? Chapter 1's first model, with where it looked."""
import gradio as gr

from shared import ui, ui_pets, ui_teach
from shared.images import heatmap_overlay
from shared.tasks.pets.serve import Predictor

source = ui.model_source("PETS_MODEL", __file__)
predictor = Predictor.load(source)


@ui.gpu
def predict(image):
    """Classify a pet photo into the 37 Oxford-IIIT Pet breeds and cat-or-dog.

    Args:
        image: a photo of a cat or a dog (file path or URL).

    Returns:
        breed probabilities, cat-or-dog probabilities, and a one-sentence verdict that says how sure it is.
    """
    photo = ui.open_photo(image, max_side=4 * predictor.size)
    breeds, species = predictor.predict([photo])[0]
    return breeds, species or None, ui_pets.verdict(breeds, species)


@ui.gpu
def explain(image):
    "Where the model looked for its top label (class activation map = Grad-CAM here); shown right after the answer."
    photo = ui.open_photo(image, max_side=4 * predictor.size)
    return heatmap_overlay(photo, predictor.heatmap(photo))


with gr.Blocks(title="Is it a cat? Pet breeds") as demo:
    gr.Markdown("# Is it a cat? Which breed?\nChapter 1 of *Deep Learning for Coders*: an ImageNet-pretrained "
                "network fine-tuned with fastai. Upload, paste or snap a photo of a cat or a dog.")
    with gr.Tab("Classify"), gr.Row():
        with gr.Column():
            image = ui.Photo(label="Photo")
            button = gr.Button("Classify", variant="primary")
            examples = gr.Examples(ui.examples(__file__), inputs=image)
        with gr.Column():
            verdict = gr.Markdown()
            breeds = gr.Label(num_top_classes=5, label="Breed" if predictor.species else "Label")
            species = gr.Label(label="Cat or dog?", visible=bool(predictor.species))
            heat = gr.Image(label="Where the model looked (class activation map)")
    with gr.Tab("Teach it your own labels"):
        ui_teach.tab(predictor, source)
    answers = [breeds, species, verdict]
    for answer in (gr.on([button.click, image.upload], predict, image, answers, api_name="predict"),
                   examples.load_input_event.then(predict, image, answers, api_visibility="private")):
        answer.success(explain, image, heat, api_visibility="private")
    image.change(None, None, [*answers, heat], js=ui.clear(*answers, heat))  # a new photo: the old answer goes at once

if __name__ == "__main__":
    ui.launch(demo)
