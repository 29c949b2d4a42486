"""The pets Space as visitors and API clients meet it: a real server, real HTTP through gradio_client."""
import json

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from conftest import REPO, serve

APP = REPO / "spaces" / "pets" / "app.py"
BREEDS = json.loads((REPO / "spaces/pets/model/config.json").read_text())["labels"]
pytestmark = pytest.mark.slow


def test_predict_returns_breed_label_dict_first(client):
    breeds, species, verdict = client.predict(
        handle_file(str(REPO / "spaces/pets/examples/pug_145.jpg")), api_name="/predict")
    assert breeds["label"] == "pug" and species["label"] == "dog"  # a held-out photo, answered right
    assert {c["label"] for c in breeds["confidences"]} <= set(BREEDS) and len(breeds["confidences"]) == 5
    assert {c["label"] for c in species["confidences"]} == {"cat", "dog", "neither"}
    assert "most likely a **Pug**" in verdict  # the API keeps the dataset's keys, the sentence the names people write


def test_a_photo_with_no_cat_or_dog_is_answered_neither(client, data):
    """Held-out photos with no cat or dog (never trained on: the hash-chosen held-out share of scenes/), through the
    real server: 'neither' on top and a sentence that says so and names no breed; a held-out pet photo is not."""
    from shared.tasks.pets.data import negative_files, stable_fraction
    from shared.tasks.pets.config import Config
    held_out = [p for p in negative_files(Config(negatives="scenes/images")) if stable_fraction(p.name) < 0.1][:6]
    answers = [client.predict(handle_file(str(p)), api_name="/predict") for p in held_out]
    neither = [(species, verdict) for _, species, verdict in answers if species["label"] == "neither"]
    assert len(held_out) == 6 and len(neither) >= 5
    assert all("doesn't look like a cat or a dog" in verdict for _, verdict in neither)
    _, species, verdict = client.predict(handle_file(str(REPO / "spaces/pets/examples/Bombay_121.jpg")), api_name="/predict")
    assert species["label"] == "cat" and "doesn't look like" not in verdict


UNREADABLE = ["corrupt", "not_an_image", "empty"]
READABLE = ["animated.gif", "rgba.png", "cmyk.jpg", "grey.png", "sixteen_bit.png", "one_pixel.png", "huge.png",
            "exif_rotated.jpg"]


@pytest.mark.parametrize("name", UNREADABLE)
def test_unreadable_uploads_get_a_clear_message(client, image_battery, name):
    with pytest.raises(Exception, match="could not be read as an image"):
        client.predict(handle_file(str(image_battery[name])), api_name="/predict")


@pytest.mark.parametrize("name", READABLE)
def test_odd_but_real_images_get_an_answer(client, image_battery, name):
    breeds, species, verdict = client.predict(handle_file(str(image_battery[name])), api_name="/predict")
    assert breeds["label"] in BREEDS and species["label"] in ("cat", "dog", "neither") and verdict


def test_server_still_serves_after_the_battery(client, image_battery):
    for name in UNREADABLE:
        with pytest.raises(AppError, match="could not be read as an image"):
            client.predict(handle_file(str(image_battery[name])), api_name="/predict")
    breeds, *_ = client.predict(handle_file(str(REPO / "spaces/pets/examples/Bombay_121.jpg")), api_name="/predict")
    assert breeds["label"] == "Bombay"


def test_mcp_server_lists_predict_as_a_tool(server):
    schema = httpx.get(server + "gradio_api/mcp/schema", timeout=30).json()
    names = [t["name"] for t in schema]
    assert any("predict" in n for n in names)


def test_model_source_from_environment(client, tiny_pets):
    "PETS_MODEL points the same app at another artifact: the tiny model gives other probabilities."
    photo = handle_file(str(REPO / "spaces/pets/examples/pug_145.jpg"))
    default = client.predict(photo, api_name="/predict")[0]["confidences"]
    with serve(APP, {"PETS_MODEL": str(tiny_pets)}) as url:
        tiny = Client(url, verbose=False).predict(photo, api_name="/predict")[0]["confidences"]
    assert {c["label"] for c in tiny} <= set(BREEDS)
    assert [round(c["confidence"], 4) for c in tiny] != [round(c["confidence"], 4) for c in default]
