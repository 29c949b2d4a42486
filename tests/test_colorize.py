"""The colorize task: colour space, colour bins and loss, metrics, data, training through the real CLI, round trip."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from shared import artifact
from shared.images import open_image
from shared.tasks import colorize as c
from shared.train import parse

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- colour space
def test_lab_matches_the_cie_reference_values():
    rgb = torch.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [0, 0, 0]], dtype=torch.float32).T[:, :, None]
    lab = c.rgb_to_lab(rgb)[..., 0].T
    expected = torch.tensor([[53.24, 80.09, 67.20], [87.73, -86.18, 83.18], [32.30, 79.19, -107.86],
                             [100, 0, 0], [0, 0, 0]])
    assert torch.allclose(lab, expected, atol=0.05)


def test_lab_round_trip_is_exact_to_8_bits():
    rgb = torch.rand(2, 3, 32, 48)
    assert (c.lab_to_rgb(c.rgb_to_lab(rgb)) - rgb).abs().max() < 1 / 1000


def test_grey_keeps_lightness_and_drops_colour():
    img = Image.fromarray((np.random.default_rng(0).random((20, 30, 3)) * 255).astype(np.uint8))
    g = np.asarray(c.grey(img)).astype(int)
    assert (np.ptp(g, axis=2) <= 1).all()  # R = G = B
    lab_in, lab_out = c.rgb_to_lab(c.image_to_tensor(img)), c.rgb_to_lab(c.image_to_tensor(c.grey(img)))
    assert (lab_in[0] - lab_out[0]).abs().max() < 0.5


# ---------------------------------------------------------------- bins, loss, decoding
def test_bins_cover_the_srgb_gamut():
    centres, lut = c.ab_bins(10)
    assert 150 < len(centres) < 330 and lut.shape == (23, 23) and int(lut.max()) == len(centres) - 1
    # every sRGB colour (a 32x32x32 grid over the whole cube) lies within 1.5 bin widths of some bin centre, and
    # all but the most saturated corners within one (a random photo's colours missed by up to 11 in 1 run of 5)
    x = torch.linspace(0, 1, 32)
    rgb = torch.stack(torch.meshgrid(x, x, x, indexing="ij")).reshape(3, 32, -1)
    distance = torch.cdist(c.rgb_to_lab(rgb)[1:].reshape(2, -1).T, centres).min(1).values
    assert distance.max() < 15 and (distance < 10).float().mean() > 0.99


def test_soft_encoding_has_the_true_colour_as_its_mean():
    centres, lut = c.ab_bins(10)
    ab = c.rgb_to_lab(torch.rand(1, 3, 16, 16) * 0.8 + 0.1)[:, 1:]
    idx, w = c.soft_encode(ab, lut, 10)
    assert torch.allclose(w.sum(1), torch.ones(1, 16, 16))
    mean = (w[:, :, None] * centres[idx].permute(0, 1, 4, 2, 3)).sum(1)
    err = (mean - ab).abs()
    assert err.median() < 1e-3 and err.max() < 10  # exact inside the gamut; gamut-edge bins move it < one bin


def test_annealed_mean_goes_from_mean_to_mode():
    centres = torch.tensor([[0.0, 0.0], [50.0, 0.0]])
    logits = torch.log(torch.tensor([0.6, 0.4])).view(1, 2, 1, 1)
    assert abs(c.decode_ab(logits, centres, 1.0)[0, 0].item() - 20) < 1e-4  # the mean
    assert c.decode_ab(logits, centres, 0.05)[0, 0].item() < 1  # nearly the mode


def test_rebalancing_favours_rare_colours_with_unit_expectation():
    prior = torch.tensor([0.7, 0.2, 0.09, 0.01])
    w = c.rebalance_weights(prior, 0.5)
    assert torch.all(w[1:] > w[:-1]) and abs((prior * w).sum().item() - 1) < 1e-6
    assert torch.allclose(c.rebalance_weights(prior, 1.0), torch.ones(4))  # lambda 1: no rebalancing


def test_loss_prefers_the_true_colour():
    centres, lut = c.ab_bins(10)
    loss = c.ColorLoss(centres, lut, torch.ones(len(centres)), 10, 0.38)
    ab = torch.full((1, 2, 4, 4), 30.0)
    right = torch.zeros(1, len(centres), 4, 4)
    right[:, torch.cdist(torch.tensor([[30.0, 30.0]]), centres).argmin()] = 8
    wrong = torch.zeros(1, len(centres), 4, 4)
    wrong[:, torch.cdist(torch.tensor([[-30.0, -30.0]]), centres).argmin()] = 8
    assert loss(right, ab) < loss(torch.zeros_like(right), ab) < loss(wrong, ab)


# ---------------------------------------------------------------- metrics
def test_metrics_on_known_images():
    rng = np.random.default_rng(0)
    img = (rng.random((32, 32, 3)) * 255).astype(np.uint8)
    assert c.psnr(img, img) > 90 and abs(c.ssim(img, img) - 1) < 1e-9
    grey = np.repeat(img[..., :1], 3, 2)
    assert c.colourfulness(grey) == 0 and c.colourfulness(img) > 30
    noisy = np.clip(img.astype(int) + rng.integers(-20, 21, img.shape), 0, 255).astype(np.uint8)
    assert 20 < c.psnr(noisy, img) < 40 and c.ssim(noisy, img) < 0.99


# ---------------------------------------------------------------- data
def test_scan_skips_greyscale_photos_and_splits_by_name(data):
    _, cfg, _ = parse(["colorize", "--out", "x"])
    centres, lut = c.ab_bins(cfg.grid)
    df, counts, skipped = c.scan(cfg, lut)
    assert 900 < len(df) and 0 < len(skipped) < 20
    assert not df.path.str.contains("cats-vs-dogs").any()
    assert 0.05 < df.is_valid.mean() < 0.15
    assert all(c.is_valid(Path(p), cfg) == v for p, v in zip(df.path, df.is_valid))
    assert counts.sum() > 0


def test_examples_are_grey_validation_photos(data):
    "The Space's examples were never trained on (they are validation photos), and they are black-and-white."
    _, cfg, _ = parse(["colorize", "--out", "x"])
    examples = sorted((REPO / "spaces/colorize/examples").glob("*.jpg"))
    assert len(examples) >= 3
    for p in examples:
        assert c.is_valid(p, cfg)
        assert c.colourfulness(np.asarray(Image.open(p).convert("RGB"))) < 1


# ---------------------------------------------------------------- training and artifact
@pytest.fixture(scope="module")
def tiny_colorize(tmp_path_factory, data):
    "A colorize model trained for seconds by the real training CLI (tiny preset)."
    from shared import train
    out = tmp_path_factory.mktemp("colorize-tiny")
    train.main(["colorize", "--preset", "tiny", "--out", str(out)])
    return out


def test_training_cli_writes_a_working_artifact(tiny_colorize, data):
    config = json.loads((tiny_colorize / "config.json").read_text())
    assert config["task"] == "colorize" and len(config["ab_centres"]) == config["n_out"]
    m = config["metrics"]
    assert m["n_valid_photos"] > 0 and m["psnr"] > 10 and m["grey_psnr"] > 10 and m["colourfulness_truth"] > 0
    card = (tiny_colorize / "README.md").read_text()
    assert "python -m shared.train colorize --preset tiny" in card and "Zhang" in card and "PSNR" in card
    predictor = c.Predictor.load(tiny_colorize)
    photo = open_image(data / "pets" / "images" / "Abyssinian_101.jpg")
    out = predictor.colorize(photo)
    assert out.size == photo.size and out.mode == "RGB"
    # the output keeps the input's lightness exactly: only colour is added
    assert (c.rgb_to_lab(c.image_to_tensor(out))[0] - c.rgb_to_lab(c.image_to_tensor(photo))[0]).abs().mean() < 1
    assert c.colourfulness(np.asarray(predictor.colorize(photo, strength=0))) < 1


def test_artifact_round_trip_gives_the_learners_predictions(data, tmp_path):
    "Export, save, load: the lean Predictor's network gives the fastai learner's outputs on the same input."
    _, cfg, _ = parse(["colorize", "--preset", "tiny", "--out", str(tmp_path)])
    learn = c.learner(cfg)
    learn.fit(1, 1e-3)
    state, config = c.export(learn, cfg)
    artifact.save(tmp_path, state, config, "card")
    predictor = c.Predictor.load(tmp_path)
    learn.model.load_state_dict({k: v.float() for k, v in state.items()})  # the artifact stores float16
    x = learn.dls.valid.one_batch()[0]
    with torch.inference_mode():
        expected = learn.loss_func.activation(learn.model.eval()(x))
        got = c.decode_ab(predictor.model(torch.as_tensor(x)), predictor.centres, predictor.temperature)
    assert torch.allclose(expected, got, atol=1e-4)


def test_working_size_keeps_the_aspect_ratio():
    p = c.Predictor.__new__(c.Predictor)
    p.size = 96
    assert p.working_size(500, 375) == (128, 96)
    assert p.working_size(375, 500) == (96, 128)
    assert p.working_size(1, 1) == (96, 96)
    assert p.working_size(10000, 10) == (288, 96)  # the long side is capped


def test_large_photos_get_a_clear_message():
    p = c.Predictor.__new__(c.Predictor)
    with pytest.raises(ValueError, match="megapixels"):
        p.colorize(Image.new("RGB", (7000, 7000)))


def test_the_committed_default_model_is_small_and_documented():
    folder = REPO / "spaces/colorize/model"
    assert all((folder / f).is_file() for f in artifact.FILES)
    assert (folder / artifact.WEIGHTS).stat().st_size < 15_000_000
    metrics = json.loads((folder / "config.json").read_text())["metrics"]
    card = (folder / "README.md").read_text()
    assert str(metrics["psnr"]) in card and "python -m shared.tasks.colorize --evaluate" in card


def test_the_default_model_beats_the_grey_input_and_keeps_the_colour():
    "The issue's bar, on the validation photos (numbers from the model card, made by the training CLI)."
    m = json.loads((REPO / "spaces/colorize/model/config.json").read_text())["metrics"]
    assert m["n_valid_photos"] >= 100
    assert m["psnr"] > m["grey_psnr"]           # closer to the truth than the grey input
    assert m["colourfulness_ratio"] >= 0.6      # and at least 60% of the true colourfulness


def test_evaluation_cli_reproduces_the_card(data):
    "python -m shared.tasks.colorize --evaluate MODEL recomputes the card's numbers (here on a few photos)."
    folder = REPO / "spaces/colorize/model"
    got = c.main(["--evaluate", str(folder), "--limit", "5"])
    assert got["n_valid_photos"] == 5 and got["psnr"] > 10 and 0 < got["colourfulness_ratio"]
