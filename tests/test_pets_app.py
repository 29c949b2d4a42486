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
    assert {c["label"] for c in species["confidences"]} == {"cat", "dog"}
    assert "most likely a **pug**" in verdict


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
    assert breeds["label"] in BREEDS and species["label"] in ("cat", "dog") and verdict


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
