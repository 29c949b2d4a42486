"""Teaching the pets network new labels (shared.tasks.pets.teach) without a server: the numpy head against the training side's
solver, the .zip reader's refusals, the taught artifact served by the pets Predictor."""
from __future__ import annotations

import os
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO
from shared.tasks.pets import logistic
from shared.tasks.pets.teach import model, photos, teacher
from teach_zips import LOOK_ALIKES, bad_zips, entries_zip, huge_png, labelled_zip, photos_of
from shared.serving.errors import Refused

BASE = os.environ.get("PETS_MODEL") or str(REPO / "spaces" / "pets" / "model")


def test_the_heads_fit_reaches_scikit_learns_optimum():
    """The one logistic fit (teach tab and the training side's heads) minimises what scikit-learn's
    LogisticRegression(C, class_weight="balanced") minimises: the same head, to within the solvers' tolerance."""
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), [5, 9, 12, 30])  # unbalanced: the class weights matter
    x = np.abs(rng.normal(size=(len(y), 64))).astype(np.float32) + 0.8 * np.eye(4, 64, dtype=np.float32)[y]
    w, b = logistic.fit(x, y, 4, c=1.0)
    ref = linear_model.LogisticRegression(C=1.0, class_weight="balanced", tol=1e-8, max_iter=5000).fit(x, y)
    sw = logistic.balanced_weights(y)
    loss = lambda w, b: logistic.objective(np.r_[w.ravel(), b].astype(np.float64), x.astype(np.float64), y, sw, 4, 1.0)[0]  # noqa: E731
    assert loss(w, b) <= loss(ref.coef_, ref.intercept_) + 1e-4
    assert np.abs(logistic.probabilities(x, w, b) - ref.predict_proba(x)).max() < 1e-2


def test_groups_weigh_the_same_in_total():
    "With `groups`, each group of rows (not each label) carries the same total weight: a big group is not favoured."
    y = np.array([0] * 40 + [1] * 10)
    groups = np.array([0] * 30 + [1] * 10 + [2] * 10)
    sw = logistic.balanced_weights(groups)
    assert [round(sw[groups == g].sum(), 6) for g in range(3)] == [round(50 / 3, 6)] * 3
    x = np.random.default_rng(1).normal(size=(50, 8)).astype(np.float32) + y[:, None]
    w, b = logistic.fit(x, y, 2, 1.0, groups=groups)
    w_labels, b_labels = logistic.fit(x, y, 2, 1.0)
    assert not np.allclose(b, b_labels)  # the weighting changed the fit


def test_folds_keep_every_label_in_every_fold_and_never_split_a_photo():
    y = np.repeat(np.arange(3), [2, 5, 8])
    fold = teacher.fold_of(y, 2)
    for f in range(2):
        assert set(y[fold == f]) == {0, 1, 2}
    assert len(fold) == len(y)  # one fold per photo: both views of a photo share it


HOSTILE = ["lying_size", "bad_crc", "corrupt_deflate", "encrypted", "deflate64", "overlapping", "million_entries"]


@pytest.mark.parametrize("name", ["not_a_zip", "zip_bomb", "path_traversal", "one_label", "one_photo_label",
                                  "hundred_labels", "five_thousand_photos", "encrypted", "deflate64", "overlapping",
                                  "million_entries"])
def test_bad_archives_are_refused_before_any_decoding(tmp_path, data, name):
    archive, message = bad_zips(tmp_path, photos_of(data / "pets" / "images", "Bengal"))[name]
    with pytest.raises(Refused, match=message):
        photos.open_album(archive)


def test_lying_headers_do_not_get_past_the_size_cap(tmp_path):
    "An entry whose header claims 1 KB but holds 40 MB: reading stops at the cap."
    archive = entries_zip(tmp_path / "liar.zip", {"a/1.jpg": bytes(40 * 2**20)}, zipfile.ZIP_DEFLATED)
    raw = bytearray(archive.read_bytes())
    info = zipfile.ZipFile(archive).infolist()[0]
    for offset in (raw.find(b"PK\x03\x04") + 22, raw.find(b"PK\x01\x02") + 24):  # both headers' uncompressed size
        raw[offset:offset + 4] = (1024).to_bytes(4, "little")
    archive.write_bytes(bytes(raw))
    with zipfile.ZipFile(archive) as zf, pytest.raises(Refused):
        photos.read(zf, info)


@pytest.mark.parametrize("name", ["lying_size", "bad_crc", "corrupt_deflate"])
def test_damaged_entries_refuse_the_archive_naming_the_entry(base, tmp_path, data, name):
    "Issue 31: these answered {'error': null}; now one message names the entry and what is wrong."
    archive, message = bad_zips(tmp_path, photos_of(data / "pets" / "images", "Bengal"))[name]
    with pytest.raises(Refused, match=message):
        teacher.teach(archive, base)


def test_a_repeated_name_counts_once_and_entries_are_read_by_their_own_record(tmp_path, data):
    "Issue 31: a name sent twice counted as two photos (the held-out estimate went from 75% to 100%)."
    real = [p.read_bytes() for p in photos_of(data / "pets" / "images", "Bengal")[:5]]
    archive = tmp_path / "twice.zip"
    with warnings.catch_warnings(), zipfile.ZipFile(archive, "w") as zf:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, and writes it
        for name, photo in (("a/1.jpg", real[0]), ("a/1.jpg", real[1]), ("a/2.jpg", real[2]),
                            ("b/1.jpg", real[3]), ("b/2.jpg", real[4])):
            zf.writestr(name, photo)
    album = photos.open_album(archive)
    assert [len(album.photos[label]) for label in album.labels] == [2, 2]
    assert album.skipped == {"the same name twice in the .zip (read once)": 1}
    with zipfile.ZipFile(archive) as zf:
        assert photos.read(zf, album.photos["a"][0]) == real[0]  # by name, zipfile gives the last one: real[1]


def test_skipped_files_are_counted(tmp_path, data):
    real = photos_of(data / "pets" / "images", "Bengal")[:4]
    archive = entries_zip(tmp_path / "mixed.zip", {
        "a/1.jpg": real[0].read_bytes(), "a/2.jpg": real[1].read_bytes(), "a/notes.txt": b"hello",
        "b/1.jpg": real[2].read_bytes(), "b/2.jpg": real[3].read_bytes(), "loose.jpg": real[0].read_bytes(),
        "__MACOSX/a/._1.jpg": b"junk", "b/huge.png": huge_png()})
    album = photos.open_album(archive)
    assert album.labels == ["a", "b"] and len(album.photos["b"]) == 3
    assert album.skipped == {"not a photo (by its file name)": 1, "not inside a label folder": 1}


@pytest.fixture(scope="module")
def base(data):
    from shared.tasks.pets.serve import Predictor
    if not (Path(BASE) / "model.onnx").is_file():
        pytest.skip(f"{BASE} has no model.onnx")
    return Predictor.load(BASE)


def test_taught_artifact_is_the_taught_head_and_serves(base, tmp_path, data):
    "Three labels, 4 photos each: the artifact's model.onnx answers what classify() answers, and it loads as pets."
    from shared.tasks.pets.serve import Predictor
    images = data / "pets" / "images"
    archive = labelled_zip(tmp_path / "three.zip", {b: photos_of(images, b)[:4] for b in ("Bengal", "pug", "beagle")})
    told = []
    taught = teacher.teach(archive, base, lambda fraction, phrase: told.append((fraction, phrase)))
    assert taught.labels == ["Bengal", "beagle", "pug"] and taught.counts == {"Bengal": 4, "beagle": 4, "pug": 4}
    # the progress a visitor watches, in either language: 12 photos' features, the fit, the measurement
    assert told[0][1].text("en") == "Features of 12 of 12 photos" and told[-1][0] == 1.0
    assert all(re.search(r"[\uac00-\ud7a3]", phrase.text("ko")) for _, phrase in told)
    assert taught.confusion.sum() == 12 and 0 <= taught.accuracy <= 1 and taught.folds == 4
    folder = model.write(taught, BASE, tmp_path / "taught", "three.zip")
    served = Predictor.load(model.zip_folder(folder, tmp_path / "t.zip") and folder)
    assert served.labels == taught.labels and served.species == []
    photo = served.open(photos_of(images, "pug")[6])
    answer, species = served.predict([photo])[0]
    expected = teacher.classify(taught, base, photo)
    # the served head is stored like the base model's (float16 weights): the same answer to ~1e-3
    assert species == {} and max(abs(answer[k] - expected[k]) for k in answer) < 5e-3
    with zipfile.ZipFile(tmp_path / "t.zip") as zf:
        assert sorted(zf.namelist()) == sorted(f"taught/{f}" for f in ("model.safetensors", "model.onnx",
                                                                        "config.json", "README.md"))


def test_label_names_with_pipes_and_line_breaks_keep_the_report_table_whole():
    from shared.tasks.pets.teach import report
    labels = ["cats|dogs", "black\nbears", "a\\b"]
    taught = teacher.Taught(labels, np.zeros((3, 4)), np.zeros(3), {label: 2 for label in labels}, {}, 2, 0.5,
                            np.eye(3, dtype=np.int64) * 2, {"total": 1.0})
    rows = [line for line in report.text(taught).splitlines() if line.startswith("| ") and "photos" not in line]
    assert len(rows) == 3 and all(row.replace("\\|", "").count("|") == 4 for row in rows)
    assert rows[0].startswith("| cats\\|dogs |") and rows[1].startswith("| black bears |")
