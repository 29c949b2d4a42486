"""Colorize: black-and-white photos in colour, with a fastai U-Net. Before/after, strength, full-size PNG."""
import gradio as gr
from gradio.processing_utils import encode_pil_to_bytes, save_bytes_to_cache
from gradio.utils import get_upload_folder

from shared.serving import ui
from shared.serving.images import open_image
from shared.tasks.colorize.words import T
from shared.tasks.colorize.colour import grey
from shared.tasks.colorize.config import MAX_PIXELS
from shared.tasks.colorize.serve import Predictor, download_name

predictor = Predictor.load(ui.model_source("COLORIZE_MODEL", __file__))
PREVIEW = 1024  # the before/after slider shows at most this many pixels a side; the PNG keeps them all


def open_upload(image):
    return open_image(image, max_pixels=MAX_PIXELS)  # refused from the header, before decoding


def named_png(colour, image):
    "The full-size PNG as a file named after the upload (`<name>-colour.png`): what the download button saves."
    return save_bytes_to_cache(encode_pil_to_bytes(colour, "png"), download_name(image), get_upload_folder())


def predict(image):
    """Colourise a black-and-white photo (a colour photo is turned grey first).

    Args:
        image: a photo (file path or URL), black-and-white or colour.

    Returns:
        the colourised photo at the input's size, as a lossless PNG named after the input (`<name>-colour.png`).
    """
    return named_png(predictor.colorize(open_upload(image)), image)


def compare(image, strength, current=None):
    "The UI's before/after slider and the full-size PNG at the chosen strength (reusing `current` at strength 1)."
    photo = open_upload(image)
    same = current is not None and strength == 1 and current.size == photo.size
    colour = current if same else predictor.colorize(photo, strength)
    before, after = grey(photo), colour.copy()
    before.thumbnail((PREVIEW, PREVIEW))
    after.thumbnail((PREVIEW, PREVIEW))
    return (before, after), named_png(colour, image)


with gr.Blocks(title=T("title")) as demo:
    gr.Markdown(T("intro"))
    with gr.Row():
        with gr.Column():
            image = ui.Photo(label=T("photo"))
            strength = gr.Slider(0, 2, value=1, step=0.1, label=T("strength"), info=T("strength_info"))
            button = gr.Button(T("colorize"), variant="primary")
            examples = gr.Examples(ui.examples(__file__), inputs=image, label=T("examples"))
        with gr.Column():
            slider = gr.ImageSlider(label=T("slider"), elem_id="colorize-answer", type="pil", format="jpeg",
                                    interactive=False)
            result = gr.Image(label=T("result"), type="pil", format="png", interactive=False, buttons=["download"])
    # The API: one image in, one full-size PNG out. The UI's slider and strength use the same code, privately.
    for answer in (gr.on([button.click, image.upload], predict, image, result, api_name="predict"),
                   examples.load_input_event.then(predict, image, result, api_visibility="private")):
        answer.success(compare, [image, strength, result], [slider, result], api_visibility="private")
    ui.bring_into_view(examples, slider)
    image.change(None, None, [slider, result], js=ui.clear(slider, result))  # a new photo: no stale answer
    strength.release(compare, [image, strength], [slider, result], api_visibility="private")

if __name__ == "__main__":
    ui.launch(demo)
