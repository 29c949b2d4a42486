"""Model cards and Space READMEs the Hub understands: assembled by huggingface_hub (ModelCardData, EvalResult),
checked offline by its own card classes and the Hub's rules (shared.training.card_check) and, where the Hub is reachable,
by `RepoCard.validate` itself; the committed cards are what the card code writes from each config.json."""
import os

import pytest

from conftest import REPO
from shared.training import card
from shared.training import card_check
from shared.ops import deploy

MODELS = sorted([*(REPO / "spaces").glob("*/model"), REPO / "spaces" / "sentiment" / "model" / "baseline"])
ONLINE = os.environ.get("HF_HUB_OFFLINE", "0") in ("0", "") and os.environ.get("CHAPTER_ONE_HUB_ONLINE") == "1"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundles")
    assert deploy.main(["--dry-run", "--out", str(out)]) == 0
    assert deploy.main(["--dry-run", "--separate", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("folder", MODELS, ids=lambda p: str(p.relative_to(REPO / "spaces")))
def test_every_model_card_passes_the_hubs_rules_and_is_what_the_card_code_writes(folder):
    text = (folder / "README.md").read_text()
    assert card_check.problems(text, "model", folder) == []
    assert text == card.regenerate(folder), f"stale card: python -m shared.training.card {folder.relative_to(REPO)}"


def test_model_cards_file_each_result_under_its_own_dataset_and_split():
    from huggingface_hub import ModelCard
    pets = ModelCard.load(REPO / "spaces" / "pets" / "model" / "README.md").data
    assert pets.library_name == "onnx" and pets.datasets == ["timm/oxford-iiit-pet", "microsoft/cats_vs_dogs"]
    where = {r.metric_type: (r.dataset_type, r.dataset_split) for r in pets.eval_results}
    assert where["breed_top1_accuracy"] == ("timm/oxford-iiit-pet", "validation")
    assert where["cat_dog_accuracy_kaggle"] == ("microsoft/cats_vs_dogs", "validation")
    assert "cat_dog_accuracy" not in where  # over both datasets: in the card's table only
    sentiment = ModelCard.load(REPO / "spaces" / "sentiment" / "model" / "README.md").data
    assert {(r.dataset_type, r.dataset_split) for r in sentiment.eval_results} == {("stanfordnlp/imdb", "test")}


def test_the_movielens_model_names_its_terms_and_carries_them():
    from huggingface_hub import ModelCard
    folder = REPO / "spaces" / "recommend" / "model"
    data = ModelCard.load(folder / "README.md").data
    assert data.license == "other" and data.license_name == "movielens-research-terms"
    assert (folder / data.license_link).read_text().count("GroupLens") > 0


@pytest.mark.parametrize("bad, problem", [
    ("library_name: fastai\nlicense: apache-2.0\n", "model.pkl"),
    ("library_name: onnx\nlicense: other\n", "license_name"),
    ("library_name: onnx\nlicense: apache-2.0\ndatasets:\n- movielens\n", "no owner"),
    ("library_name: onnx\nlicense: apache-2.0\nmodel-index: 3\n", "front matter"),
])
def test_a_card_the_hub_would_refuse_is_caught(bad, problem, tmp_path):
    assert any(problem in p for p in card_check.problems(f"---\n{bad}---\n\n# A model\n", "model", tmp_path))


def test_every_bundle_readme_and_the_model_cards_it_carries_pass(bundles):
    readmes = sorted(bundles.glob("*/README.md"))
    assert len(readmes) == len(deploy.gallery.space_names()) + 1
    for path in readmes:
        assert card_check.problems(path.read_text(), "space", path.parent) == [], path
    for path in bundles.rglob("model/README.md"):
        assert card_check.problems(path.read_text(), "model", path.parent) == [], path


@pytest.mark.skipif(not ONLINE, reason="the Hub's own validation (RepoCard.validate) needs the internet: "
                                       "CHAPTER_ONE_HUB_ONLINE=1 HF_HUB_OFFLINE=0")
def test_the_hub_itself_validates_every_card_and_bundle_readme(bundles):
    for folder in MODELS:
        card_check.validate_online((folder / "README.md").read_text(), "model")
    for path in bundles.glob("*/README.md"):
        card_check.validate_online(path.read_text(), "space")
