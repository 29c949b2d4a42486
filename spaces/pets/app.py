"""Is it a cat? Which breed? Chapter 1's first model, with where it looked."""
import gradio as gr

from shared import ui, ui_pets, ui_teach
from shared.images import heatmap_overlay
from shared.tasks.pets.serve import Predictor

source = ui.model_source("PETS_MODEL", __file__)
predictor = Predictor.load(source)


@ui.gpu
def predict(image):
    """Classify a pet photo into the 37 Oxford-IIIT Pet breeds and cat, dog or neither.

    Args:
        image: a photo of a cat or a dog (file path or URL).

    Returns:
        breed probabilities (keyed by the Oxford-IIIT Pet dataset's names: `american_pit_bull_terrier`,
        `British_Shorthair`), cat / dog / neither probabilities ('neither': no cat and no dog in the photo), and a
        one-sentence verdict that says how sure it is (breeds named as people write them).
    """
    photo = ui.open_photo(image, max_side=4 * predictor.size)
    breeds, species, looks_like = predictor.classify([photo])[0]
    return breeds, species or None, ui_pets.verdict(breeds, species, looks_like)


def shown(breeds: dict, species: dict | None):
    "The UI's boxes: the API's answer with the names people write, and no breed list for a photo of neither."
    return ui_pets.breeds_shown(breeds, species), ui_pets.shown(species)


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
            gr.Examples(ui.examples(__file__), inputs=image)
        with gr.Column():
            verdict = gr.Markdown()
            breeds = gr.Label(num_top_classes=5, label="Breed" if predictor.species else "Label")
            species = gr.Label(label="Cat or dog?", visible=bool(predictor.species))
            breed_keys = gr.Label(num_top_classes=5, visible=False)  # the API's answer (the dataset's keys)
            species_keys = gr.Label(visible=False)
            heat = gr.Image(label="Where the model looked (class activation map)")
    with gr.Tab("Teach it your own labels"):
        ui_teach.tab(predictor, source)
    answer = gr.on([button.click, image.upload], predict, image, [breed_keys, species_keys, verdict],
                   api_name="predict")
    answer.success(shown, [breed_keys, species_keys], [breeds, species], api_visibility="private", queue=False)
    answer.success(explain, image, heat, api_visibility="private")

if __name__ == "__main__":
    ui.launch(demo)
