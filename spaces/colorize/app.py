"""Colorize: black-and-white photos in colour, with a fastai U-Net. Before/after, strength, full-size PNG."""
import gradio as gr
from gradio.processing_utils import encode_pil_to_bytes, save_bytes_to_cache
from gradio.utils import get_upload_folder

from shared import ui
from shared.tasks.colorize.colour import grey
from shared.tasks.colorize.config import MAX_PIXELS
from shared.tasks.colorize.serve import Predictor, download_name, too_large

predictor = Predictor.load(ui.model_source("COLORIZE_MODEL", __file__))
PREVIEW = 1024  # the before/after slider shows at most this many pixels a side; the PNG keeps them all


def open_upload(image):
    photo = ui.open_photo(image)
    if photo.width * photo.height > MAX_PIXELS:
        raise gr.Error(too_large(photo))
    return photo


def named_png(colour, image):
    "The full-size PNG as a file named after the upload (`<name>-colour.png`): what the download button saves."
    return save_bytes_to_cache(encode_pil_to_bytes(colour, "png"), download_name(image), get_upload_folder())


@ui.gpu
def predict(image):
    """Colourise a black-and-white photo (a colour photo is turned grey first).

    Args:
        image: a photo (file path or URL), black-and-white or colour.

    Returns:
        the colourised photo at the input's size, as a lossless PNG named after the input (`<name>-colour.png`).
    """
    return named_png(predictor.colorize(open_upload(image)), image)


@ui.gpu
def compare(image, strength, current=None):
    "The UI's before/after slider and the full-size PNG at the chosen strength (reusing `current` at strength 1)."
    photo = open_upload(image)
    same = current is not None and strength == 1 and current.size == photo.size
    colour = current if same else predictor.colorize(photo, strength)
    before, after = grey(photo), colour.copy()
    before.thumbnail((PREVIEW, PREVIEW))
    after.thumbnail((PREVIEW, PREVIEW))
    return (before, after), named_png(colour, image)


with gr.Blocks(title="Colorize old photos") as demo:
    gr.Markdown("# Colorize: black-and-white photos in colour\nChapter 1 of *Deep Learning for Coders*: "
                "deep learning can colourise old photos. Upload one (a colour photo is turned grey first, "
                "so you can compare with the truth), then slide to see before and after.")
    with gr.Row():
        with gr.Column():
            image = ui.Photo(label="Photo")
            strength = gr.Slider(0, 2, value=1, step=0.1, label="Colour strength",
                                 info="0 = grey, 1 = the model's colours, 2 = twice as vivid")
            button = gr.Button("Colorize", variant="primary")
            gr.Examples(ui.examples(__file__), inputs=image)
        with gr.Column():
            slider = gr.ImageSlider(label="Before / after", type="pil", format="jpeg", interactive=False)
            result = gr.Image(label="Colourised photo (full size, PNG: use the download button)", type="pil",
                              format="png", interactive=False, buttons=["download"])
    # The API: one image in, one full-size PNG out. The UI's slider and strength use the same code, privately.
    gr.on([button.click, image.upload], predict, image, result, api_name="predict").success(
        compare, [image, strength, result], [slider, result], api_visibility="private")
    strength.release(compare, [image, strength], [slider, result], api_visibility="private")

if __name__ == "__main__":
    ui.launch(demo)
