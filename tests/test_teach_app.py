"""The pets Space's teach tab as API clients meet it: a real server, real HTTP through gradio_client.

Done when (issue 19): six look-alike breeds, a few photos each, to /teach; the returned model .zip, unzipped and
served by the pets Space, labels at least 9 of 12 unseen photos of those breeds right. /teach's time is measured and
printed (BENCHMARKS.md has the benchmark), not asserted."""
from __future__ import annotations

import os
import time
import zipfile

import httpx
import pytest
from gradio_client import Client, handle_file

from conftest import REPO, serve
from teach_zips import LOOK_ALIKES, bad_zips, entries_zip, huge_png, labelled_zip, photos_of

APP = REPO / "spaces" / "pets" / "app.py"
BASE = os.environ.get("PETS_MODEL") or str(REPO / "spaces" / "pets" / "model")
TEACH_PER_BREED = 6  # pets/images has 8 photos of each breed: 6 teach, the other 2 are the unseen test photos
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def images(data):
    return data / "pets" / "images"


@pytest.fixture(scope="module")
def small_zip(images, tmp_path_factory):
    "A normal request: two labels, two photos each."
    return labelled_zip(tmp_path_factory.mktemp("small") / "small.zip",
                        {b: photos_of(images, b)[:2] for b in ("Bengal", "pug")})


def teach(client, archive):
    return client.predict(handle_file(str(archive)), api_name="/teach")


def test_six_look_alike_breeds_taught_then_served_label_unseen_photos(client, images, tmp_path):
    archive = labelled_zip(tmp_path / "cats.zip", {b: photos_of(images, b)[:TEACH_PER_BREED] for b in LOOK_ALIKES})
    start = time.perf_counter()
    text, confusion, model_zip = teach(client, archive)
    seconds = time.perf_counter() - start
    print(f"\n/teach of {len(LOOK_ALIKES)} x {TEACH_PER_BREED} photos answered in {seconds:.1f} s")
    assert "Held-out estimate" in text and all(b in text for b in LOOK_ALIKES)
    assert confusion and os.path.getsize(confusion) > 0
    with zipfile.ZipFile(model_zip) as zf:
        zf.extractall(tmp_path / "unzipped")
    (folder,) = (tmp_path / "unzipped").iterdir()
    unseen = [(b, p) for b in LOOK_ALIKES for p in photos_of(images, b)[TEACH_PER_BREED:]]
    with serve(APP, {"PETS_MODEL": str(folder)}) as url:
        taught = Client(url, verbose=False)
        answers = [taught.predict(handle_file(str(p)), api_name="/predict") for _, p in unseen]
    right = sum(labels["label"] == breed for (breed, _), (labels, _, _) in zip(unseen, answers))
    print(f"taught model: {right} of {len(unseen)} unseen photos right")
    assert len(unseen) == 12 and right >= 9
    assert all(not (species or {}).get("confidences") for _, species, _ in answers)  # a model of your own labels: no cat-or-dog


@pytest.mark.parametrize("name", ["not_a_zip", "zip_bomb", "path_traversal", "one_label", "one_photo_label",
                                  "hundred_labels", "five_thousand_photos", "no_readable_photos", "lying_size",
                                  "bad_crc", "corrupt_deflate", "encrypted", "deflate64", "overlapping",
                                  "million_entries"])
def test_bad_archives_get_a_clear_message_and_the_space_keeps_teaching(client, images, small_zip, tmp_path, name):
    archive, message = bad_zips(tmp_path, photos_of(images, "Bengal"))[name]
    with pytest.raises(Exception, match=message):
        teach(client, archive)
    text, _, model_zip = teach(client, small_zip)
    assert "Taught 2 labels from 4 photos" in text and zipfile.is_zipfile(model_zip)


def test_non_photos_and_huge_photos_are_skipped_and_counted(client, images, small_zip, tmp_path):
    real = [p.read_bytes() for p in photos_of(images, "Bengal")[:4]]
    archive = entries_zip(tmp_path / "mixed.zip", {"a/1.jpg": real[0], "a/2.jpg": real[1], "a/notes.txt": b"hi",
                                                   "a/fake.jpg": b"not a photo", "b/1.jpg": real[2],
                                                   "b/2.jpg": real[3], "b/huge.png": huge_png()})
    text, _, _ = teach(client, archive)
    assert "Taught 2 labels from 4 photos" in text
    for reason in ("not a photo (by its file name)", "not readable as a photo", "too large to decode"):
        assert f"1 file(s) skipped: {reason}" in text


def test_teach_is_an_mcp_tool(server):
    schema = httpx.get(server + "gradio_api/mcp/schema", timeout=30).json()
    assert any("teach" in t["name"] for t in schema)
