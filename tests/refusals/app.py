"""A small Space for tests/test_refusals.py: one event per way an input can fail, served as every Space is
(`ui.launch`: the one error path, the checks, the bounds)."""
import gradio as gr

from shared.serving import ui
from shared.serving.errors import Refused
from shared.serving.images import open_image
from shared.serving.words import T


def size(image):
    """The photo's size.

    Args:
        image: a photo.
    """
    photo = open_image(image)
    return f"{photo.width}x{photo.height}"


def echo(k: int, text: str):
    """k and the text back (k: 1 to 10, checked before the function runs).

    Args:
        k: a whole number from 1 to 10.
        text: any text; "refuse" is refused, "crash" raises an unexpected error.
    """
    if text == "refuse":
        raise Refused(T, "no_pixels")
    if text == "crash":
        raise RuntimeError("a bug, with a secret path /srv/secret.txt")
    return f"{k} {text}"


def count(n: int):
    "n pictures' worth of steps, streamed; n = 3 is refused after the first step."
    for i in range(int(n)):
        if i == 1 and n == 3:
            raise Refused(T, "no_image")
        yield str(i)


with gr.Blocks() as demo:
    photo = ui.Photo()
    k = gr.Slider(1, 10, value=3, step=1)
    text = gr.Textbox(label="text")
    out = gr.Textbox(label="out")
    gr.Button("size").click(size, photo, out, api_name="size")
    gr.Button("echo").click(echo, [k, text], out, api_name="echo")
    gr.Button("count").click(count, k, out, api_name="count")

if __name__ == "__main__":
    ui.launch(demo)
