"""The pets task end to end: data, training smoke through the real CLI, preprocessing parity, verdicts."""
import json
import shutil
from pathlib import Path

import pytest
import torch

from shared.images import open_image
from shared.tasks import pets
from shared.train import parse

REPO = Path(__file__).resolve().parent.parent


def test_labels_come_from_oxford_file_names():
    assert pets.breed_of("Abyssinian_101.jpg") == "Abyssinian"
    assert pets.breed_of("/x/american_pit_bull_terrier_12.jpg") == "american_pit_bull_terrier"
    assert pets.is_cat_breed("Abyssinian") and not pets.is_cat_breed("american_bulldog")


def test_items_hold_every_breed_and_both_species(data):
    _, cfg, _ = parse(["pets", "--out", "x"])
    df, breeds = pets.items(cfg)
    assert len(breeds) == 37 and sum(map(pets.is_cat_breed, breeds)) == 12
    valid = df[df.is_valid]
    assert set(valid.label) >= set(breeds) | {"cat", "dog"}             # every breed is validated
    assert not set(valid.path) & set(df[~df.is_valid].path)               # no photo in both splits
    assert (df[~df.is_valid].label.isin(["cat", "dog"])).sum() >= 10_000  # the 12,000 Kaggle photos, less valid
    counts = df[~df.is_valid & ~df.label.isin(["cat", "dog"])].label.value_counts()
    assert counts.min() >= cfg.per_breed and counts.max() <= 2 * cfg.per_breed  # rare breeds repeated, common capped
    oxford = {str(p) for p in pets.oxford_files(cfg)}
    assert oxford <= set(df.path)  # every Oxford photo is used: past its breed's cap, it still teaches cat-or-dog
    spare = df[df.path.isin(oxford) & df.label.isin(["cat", "dog"])]
    assert len(spare) > 300 and all(pets.is_cat_breed(pets.breed_of(p)) == (label == "cat")
                                    for p, label in zip(spare.path, spare.label))
    _, old_cfg, _ = parse(["pets", "--out", "x", "--spare-as-species", "false"])
    assert not old_cfg.spare_as_species and len(pets.items(old_cfg)[0]) == len(df) - len(spare)


def test_examples_are_validation_photos(data):
    "The Space's example photos were never trained on, so the demo shows honest predictions."
    _, cfg, _ = parse(["pets", "--out", "x"])
    df, _ = pets.items(cfg)
    valid_names = {Path(p).name for p in df[df.is_valid].path}
    examples = sorted(p.name for p in (REPO / "spaces/pets/examples").glob("*.jpg"))
    assert examples and set(examples) <= valid_names


def test_training_cli_writes_a_working_artifact(tiny_pets, data):
    predictor = pets.Predictor.load(tiny_pets)
    photo = open_image(data / "pets" / "images" / "Abyssinian_101.jpg")
    breeds, species = predictor.predict([photo])[0]
    assert list(breeds) == predictor.breeds and abs(sum(breeds.values()) - 1) < 1e-4
    assert set(species) == {"cat", "dog"} and abs(sum(species.values()) - 1) < 1e-4
    metrics = json.loads((tiny_pets / "config.json").read_text())["metrics"]
    assert 0 <= metrics["cat_dog_accuracy"] <= 1 and metrics["n_valid_photos"] > 0


def test_serving_preprocessing_matches_fastai(data, tmp_path):
    "The lean path's tensors equal fastai's validation pipeline (test_dl) on the same photos."
    _, cfg, _ = parse(["pets", "--preset", "tiny", "--size", "64", "--out", str(tmp_path)])
    learn = pets.learner(cfg)
    state, config = pets.export(learn, cfg)
    predictor = pets.Predictor(config, state)
    files = sorted((data / "pets" / "images").glob("*.jpg"))[::60]
    fastai_x = learn.dls.test_dl(files).one_batch()[0]
    lean_x = predictor.preprocess([open_image(f) for f in files])
    assert torch.allclose(fastai_x, lean_x, atol=1e-5)


def test_gradcam_is_a_normalised_map(tiny_pets, data):
    predictor = pets.Predictor.load(tiny_pets)
    cam = predictor.gradcam(open_image(data / "pets" / "images" / "pug_145.jpg"))
    assert cam.ndim == 2 and cam.min() >= 0 and cam.max() <= 1.0 + 1e-6


@pytest.mark.parametrize("species,breeds,expect", [
    ({"cat": 0.55, "dog": 0.45}, {"Bengal": 0.3, "pug": 0.1}, "Not sure"),
    ({"cat": 0.95, "dog": 0.05}, {"Bengal": 0.6, "pug": 0.1}, "most likely a **Bengal**"),
    ({"cat": 0.95, "dog": 0.05}, {"Bengal": 0.1, "pug": 0.09}, "The breed is a guess"),
    ({"cat": 0.95, "dog": 0.05}, {"pug": 0.6, "Bengal": 0.1}, "The breed is a guess"),  # breed disagrees
])
def test_verdict_is_honest(species, breeds, expect):
    assert expect in pets.verdict(breeds, species)


def test_presized_cache_gives_fastai_the_same_tensors(data, tmp_path):
    "The cpu preset's decode-once cache changes speed, not pixels."
    _, cfg, _ = parse(["pets", "--preset", "tiny", "--size", "48", "--out", str(tmp_path)])
    df, breeds = pets.items(cfg)
    df = df[df.is_valid][:8].reset_index(drop=True).assign(is_valid=[True, False] * 4)
    cached = pets.presized(df, cfg.size, tmp_path)
    direct = pets.dataloaders(cfg, df, breeds).valid.one_batch()[0]
    via_cache = pets.dataloaders(cfg, cached, breeds).valid.one_batch()[0]
    assert torch.allclose(direct, via_cache, atol=1e-6)


@pytest.mark.slow
def test_default_model_performs_as_its_card_says(data):
    "The committed model, re-measured through the serving path on its held-out photos, matches its model card."
    from shared import artifact
    config, state, _ = artifact.load(REPO / "spaces/pets/model", task="pets")
    df, _ = pets.items(pets.Config(**config["train_config"]))
    measured = pets.evaluate_predictor(pets.Predictor(config, state), df[df.is_valid])
    card = (REPO / "spaces/pets/model/README.md").read_text()
    for key in ("cat_dog_accuracy", "breed_top1_accuracy"):
        assert measured[key] == pytest.approx(config["metrics"][key], abs=0.002)
        assert f"| {config['metrics'][key]} |" in card
    assert measured["cat_dog_accuracy"] > 0.7  # well above chance (0.5) on 1,267 photos it never saw


def test_a_learner_trains_on_their_own_folder_and_serves_it(data, tmp_path):
    """The README's retraining guide: a folder with one subfolder per label -> `shared.train pets --folder` ->
    an artifact with those labels alone -> the pets Space serves it (PETS_MODEL) through a real server."""
    from gradio_client import Client, handle_file

    from conftest import serve
    from shared.train import main
    photos = tmp_path / "my-photos"
    oxford = sorted((data / "pets" / "images").glob("*.jpg"))
    for label, pick in (("kitty", lambda p: p.name[0].isupper()), ("doggo", lambda p: p.name[0].islower())):
        (photos / label).mkdir(parents=True)
        for p in [p for p in oxford if pick(p)][:12]:
            shutil.copy(p, photos / label / p.name)
    (photos / "notes.txt").write_text("not a label folder")
    out = main(["pets", "--preset", "tiny", "--folder", str(photos), "--out", str(tmp_path / "model")])
    config = json.loads((out / "config.json").read_text())
    assert config["breeds"] == ["doggo", "kitty"] and config["species"] == [] and config["n_out"] == 2
    assert 0 <= config["metrics"]["accuracy"] <= 1 and "your own photos" in (out / "README.md").read_text()
    labels, species = pets.Predictor.load(out).predict([open_image(oxford[0])])[0]
    assert set(labels) == {"doggo", "kitty"} and abs(sum(labels.values()) - 1) < 1e-4 and species == {}
    with serve(REPO / "spaces" / "pets" / "app.py", env={"PETS_MODEL": str(out)}) as url:
        label, species, verdict = Client(url, verbose=False).predict(handle_file(str(oxford[0])), api_name="/predict")
    assert label["label"] in ("doggo", "kitty") and not species and verdict


def test_an_unusable_folder_gets_a_clear_message(tmp_path):
    from PIL import Image
    (tmp_path / "only-one-label").mkdir()
    for i in range(3):
        Image.new("RGB", (8, 8)).save(tmp_path / "only-one-label" / f"{i}.png")
    with pytest.raises(ValueError, match="at least two subfolders"):
        pets.items(pets.Config(folder=str(tmp_path)))
    with pytest.raises(ValueError, match="at least two subfolders"):
        pets.items(pets.Config(folder=str(tmp_path / "no-such-folder")))
