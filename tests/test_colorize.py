"""The colorize task: colour space, colour bins and loss, metrics, data, training through the real CLI, round trip."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from conftest import load_image
from shared.serving import artifact
from shared.training import checkpoint
from shared.serving.images import open_image
from shared.tasks.colorize import colour, data as d, evaluate as e, train as c
from shared.tasks.colorize.serve import Predictor
from shared.training.cli import parse

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO / "spaces/colorize/model"


# ---------------------------------------------------------------- colour space
@pytest.mark.parametrize("kind", [np.asarray, torch.tensor])
def test_lab_matches_the_cie_reference_values(kind):
    "One conversion for serving (numpy) and training (torch): both give the CIE reference values."
    rgb = kind(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [0, 0, 0]], dtype=np.float32).T[:, :, None])
    lab = np.asarray(colour.rgb_to_lab(rgb))[..., 0].T
    expected = np.array([[53.24, 80.09, 67.20], [87.73, -86.18, 83.18], [32.30, 79.19, -107.86],
                         [100, 0, 0], [0, 0, 0]])
    assert np.allclose(lab, expected, atol=0.05)


def test_numpy_and_torch_conversions_agree():
    rgb = np.random.default_rng(1).random((2, 3, 16, 24)).astype(np.float32)
    lab = colour.rgb_to_lab(rgb)
    assert np.abs(lab - colour.rgb_to_lab(torch.from_numpy(rgb)).numpy()).max() < 1e-3
    assert np.abs(colour.lab_to_rgb(lab) - colour.lab_to_rgb(torch.from_numpy(lab)).numpy()).max() < 1e-5


def test_lab_round_trip_is_exact_to_8_bits():
    rgb = np.random.default_rng(0).random((2, 3, 32, 48)).astype(np.float32)
    assert np.abs(colour.lab_to_rgb(colour.rgb_to_lab(rgb)) - rgb).max() < 1 / 1000


def test_grey_keeps_lightness_and_drops_colour():
    img = Image.fromarray((np.random.default_rng(0).random((20, 30, 3)) * 255).astype(np.uint8))
    g = np.asarray(colour.grey(img)).astype(int)
    assert (np.ptp(g, axis=2) <= 1).all()  # R = G = B
    lab_in = colour.rgb_to_lab(colour.image_to_array(img))
    lab_out = colour.rgb_to_lab(colour.image_to_array(colour.grey(img)))
    assert np.abs(lab_in[0] - lab_out[0]).max() < 0.5


# ---------------------------------------------------------------- bins, loss, decoding
def test_bins_cover_the_srgb_gamut():
    centres, lut = c.ab_bins(10)
    assert 150 < len(centres) < 330 and lut.shape == (23, 23) and int(lut.max()) == len(centres) - 1
    # every sRGB colour (a 32x32x32 grid over the whole cube) lies within 1.5 bin widths of some bin centre, and
    # all but the most saturated corners within one (a random photo's colours missed by up to 11 in 1 run of 5)
    x = torch.linspace(0, 1, 32)
    rgb = torch.stack(torch.meshgrid(x, x, x, indexing="ij")).reshape(3, 32, -1)
    distance = torch.cdist(colour.rgb_to_lab(rgb)[1:].reshape(2, -1).T, centres).min(1).values
    assert distance.max() < 15 and (distance < 10).float().mean() > 0.99


def test_soft_encoding_has_the_true_colour_as_its_mean():
    centres, lut = c.ab_bins(10)
    ab = colour.rgb_to_lab(torch.rand(1, 3, 16, 16) * 0.8 + 0.1)[:, 1:]
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


def test_the_temperature_is_the_most_accurate_colourful_enough_one():
    row = lambda t, gain, colour: {"temperature": t, "psnr_gain": gain, "closer_than_grey": 0.5,
                                   "colourfulness_ratio": colour}
    table = [row(0.15, 0.0, 0.75), row(0.3, 0.2, 0.71), row(0.6, 0.4, 0.65), row(1.0, 0.1, 0.6)]
    assert c.pick_temperature(table, 0.7)["temperature"] == 0.3    # the most accurate of those colourful enough
    assert c.pick_temperature(table, 0.6)["temperature"] == 0.6
    # none colourful enough: not the far less accurate 1.0 for 0.01 more colour, the best of the most colourful
    table = [row(0.15, 0.02, 0.477), row(0.3, 0.14, 0.463), row(0.6, 0.06, 0.44), row(1.0, -0.44, 0.48)]
    assert c.pick_temperature(table, 0.7)["temperature"] == 0.3
    table = [row(0.15, 0.07, 0.527), row(0.3, 0.25, 0.48)]
    assert c.pick_temperature(table, 0.7)["temperature"] == 0.15


def test_the_rule_clears_every_bar_by_the_widest_margin():
    """`bar_margins`: each bar's margin in standard errors (a share's from the bar itself, a ratio's by the delta
    method); `pick_rule` takes the setting whose smallest margin is the largest, not the most accurate one."""
    rng = np.random.default_rng(0)
    n = 100
    truth = rng.uniform(20, 60, n)
    grey = [(25.0, np.nan, 0.0, t) for t in truth]
    gain = np.where(np.arange(n) < 70, 1.0, -1.0) + 0.5  # 70% closer than grey, mean +0.9 dB
    ours = [(25.0 + g, np.nan, 0.7 * t, t) for g, t in zip(gain, truth)]
    bars = {"scenes": {"psnr_gain": 0.5, "closer_than_grey": 0.6, "colourfulness_ratio": 0.6}}
    m = e.bar_margins({0.0: grey, 1.0: ours}, ["scenes"] * n, bars)
    assert m["scenes_closer_than_grey"] == pytest.approx((0.7 - 0.6) / np.sqrt(0.6 * 0.4 / n))
    assert m["scenes_psnr_gain"] == pytest.approx(0.4 / (gain.std(ddof=1) / np.sqrt(n)))
    assert m["scenes_colourfulness_ratio"] > 100  # 0.7 of the truth's in every photo: no doubt it clears 0.6
    assert e.bar_margins({0.0: grey, 1.0: ours}, ["pets"] * n, bars) == {}  # kinds absent from the photos: no bar
    row = lambda gain, margin: {"temperature": 0.3, "sigma0": 35.0, "gain": 1.0, "psnr_gain": gain, "margin": margin}
    assert c.pick_rule([row(2.0, 0.1), row(0.8, 1.5), row(0.9, -0.3)]) == row(0.8, 1.5)
    assert c.pick_rule([row(0.7, 1.5), row(0.8, 1.5)]) == row(0.8, 1.5)
    assert c.pick_rule([row(0.9, None), row(0.1, -2.0)]) == row(0.1, -2.0)


def test_the_spread_is_the_colour_distributions_standard_deviation():
    "One likely colour: spread 0; two colours 40 apart, equally likely: spread 20 (Lab units)."
    centres = torch.tensor([[0.0, 0.0], [40.0, 0.0], [0.0, 40.0]])
    sure = torch.tensor([20.0, 0.0, 0.0]).view(1, 3, 1, 1)
    torn = torch.log(torch.tensor([0.5, 0.5, 1e-9])).view(1, 3, 1, 1)
    assert c.colour_spread(sure, centres).item() < 0.01
    assert abs(c.colour_spread(torn, centres).item() - 20) < 1e-3


def test_the_strength_falls_from_the_gain_to_grey_as_the_model_grows_unsure():
    from shared.tasks.colorize.serve import strength_map
    spread = np.array([0.0, 5.0, 20.0, 40.0, 80.0], dtype=np.float32)
    s = strength_map(spread, sigma0=20.0, gain=1.5)
    assert s[0] == 1.5 and abs(s[2] - 0.75) < 1e-6 and s[-1] < 0.01
    assert np.all(np.diff(s) < 0) and s.dtype == np.float32


def test_the_rule_is_the_most_accurate_colourful_enough_one_on_tuning_photos_of_every_kind(data):
    """`rule_table` measures every temperature and confidence rule in the kind of photo where it does worst (the
    scenes here as well as the pets), through the serving network; `pick_temperature` takes from it."""
    config = json.loads((DEFAULT / "config.json").read_text())
    predictor = Predictor.load(DEFAULT)
    cfg = c.Config(folders="pets/images,scenes/images")
    df, _, _ = d.scan(cfg, len(range(-110, 111, cfg.grid)))
    few = d.per_group(df.path[df.split == "tune"], 4)
    assert {d.group_of(p) for p in few} == {"pets", "scenes"}
    table = e.rule_table(predictor, few, temperatures=(0.3,), sigmas=(0.0, 20.0), gains=(1.0, 2.0))
    assert [(r["temperature"], r["sigma0"], r["gain"]) for r in table] == [(0.3, 0.0, 1.0), (0.3, 20.0, 1.0),
                                                                          (0.3, 20.0, 2.0)]
    plain, dull, vivid = table
    assert dull["colourfulness_ratio"] < plain["colourfulness_ratio"] and dull["colourfulness_ratio"] < vivid["colourfulness_ratio"]
    assert c.pick_temperature(table, 0.0) == max(table, key=lambda r: r["psnr_gain"])
    assert config["temperature"] in e.RULE_TEMPERATURES


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
    assert e.psnr(img, img) > 90 and abs(e.ssim(img, img) - 1) < 1e-9
    grey = np.repeat(img[..., :1], 3, 2)
    assert e.colourfulness(grey) == 0 and e.colourfulness(img) > 30
    noisy = np.clip(img.astype(int) + rng.integers(-20, 21, img.shape), 0, 255).astype(np.uint8)
    assert 20 < e.psnr(noisy, img) < 40 and e.ssim(noisy, img) < 0.99


def test_intervals_cover_the_estimate_and_narrow_with_more_photos():
    "95% intervals of the per-kind numbers: around the estimate, narrower on more photos, the same every run."
    rng = np.random.default_rng(1)
    def intervals(n):
        gain = rng.normal(0.5, 2.0, n)
        truth = rng.uniform(20, 60, n)
        return gain, e.confidence_intervals(gain, 0.7 * truth + rng.normal(0, 5, n), truth)
    gain, few = intervals(60)
    _, many = intervals(2000)
    lo, hi = few["psnr_gain"]
    assert lo < gain.mean() < hi and lo < 0.5 < hi
    lo, hi = few["closer_than_grey"]
    assert 0 <= lo < (gain > 0).mean() < hi <= 1
    assert many["colourfulness_ratio"][0] < 0.7 < many["colourfulness_ratio"][1]
    width = lambda ci: ci[1] - ci[0]
    assert all(width(many[k]) < width(few[k]) / 3 for k in few)
    assert e.confidence_intervals(gain, gain + 1, gain + 2) == e.confidence_intervals(gain, gain + 1, gain + 2)


# ---------------------------------------------------------------- data
SMALL = "pets/images,pets-extra/images,coco_tiny/images"  # the folders without Kaggle's 12,000 (a faster scan)


def test_scan_skips_greyscale_photos_and_splits_by_name(data):
    _, cfg, _ = parse(["colorize", "--out", "x", "--folders", SMALL])
    centres, lut = c.ab_bins(cfg.grid)
    df, counts, skipped = d.scan(cfg, lut.shape[0])
    assert 900 < len(df) and 0 < len(skipped) < 20
    share = df.split.value_counts(normalize=True)
    assert 0.1 < share["test"] < 0.2 and 0.02 < share["tune"] < 0.08 and share["train"] > 0.7
    assert all(d.split_of(Path(p), cfg) == s for p, s in zip(df.path, df.split))
    assert all(d.is_valid(Path(p), cfg) == (s == "test") for p, s in zip(df.path, df.split))
    assert {d.group_of(p) for p in df.path} == {"pets", "coco"}
    assert counts.sum() > 0


def test_every_kind_has_at_least_50_held_out_photos_and_near_duplicates_stay_together(data):
    """The default folders: at least 50 held-out photos of pets, scenes and COCO (the card's numbers rest on them),
    tuning photos of every kind apart from them, and the GCompris photos of one subject (the Eiffel Tower in
    three activities) on one side of the split."""
    cfg = c.Config()
    files = d.photo_files(cfg)
    splits = {}
    for p in files:
        splits.setdefault((d.group_of(p), d.split_of(p, cfg)), []).append(p)
    for kind in ("pets", "scenes", "coco", "cats_vs_dogs"):
        assert len(splits[(kind, "test")]) >= 50 and len(splits[(kind, "tune")]) >= 20, kind
    scenes = [p for p in files if d.group_of(p) == "scenes"]
    eiffel = [p for p in scenes if "iffel" in p.name]
    assert len(eiffel) == 3 and len({d.split_key(p) for p in eiffel}) == 1
    by_key = {}
    for p in scenes:
        by_key.setdefault(d.split_key(p), set()).add(d.split_of(p, cfg))
    assert all(len(s) == 1 for s in by_key.values())
    assert sum(len(v) > 1 for v in ({p for p in scenes if d.split_key(p) == k} for k in by_key)) >= 10


def test_crops_at_several_scales_are_extra_views_of_the_scenes(data):
    "`--crops scenes=3`: three crops of each scene photo (smaller and smaller squares, at places fixed by name)."
    scene = str(data / "scenes/images/scratch__Nature_grand-canyon.jpg")
    items = d.crop_items([scene, str(data / "pets/images/Abyssinian_101.jpg")], "scenes=3")
    assert items == [f"{scene}#0", f"{scene}#1", f"{scene}#2"]
    boxes = [d.crop_box(i, 512, 384) for i in items]
    assert [b[2] - b[0] for b in boxes] == [round(s * 384) for s in d.CROP_SCALES]
    assert all(0 <= b[0] and b[2] <= 512 and 0 <= b[1] and b[3] <= 384 for b in boxes)
    views = [d.square_view(i, 64) for i in [scene, *items]]
    assert all(v.shape == (3, 64, 64) for v in views)
    assert min(np.abs(a - b).mean() for i, a in enumerate(views) for b in views[i + 1:]) > 0.01
    with pytest.raises(ValueError):
        d.crop_items([scene], "streets=2")


def test_the_held_out_photos_are_never_trained_on_nor_tuned_on(data):
    "A tiny learner's training and fastai-validation (tuning) photos exclude every held-out photo, by name."
    _, cfg, _ = parse(["colorize", "--preset", "tiny", "--out", "x"])
    learn = c.learner(cfg)
    fit_df = learn.colour["fit_df"]
    held_out = set(learn.colour["valid_paths"])
    assert held_out and not held_out & set(fit_df.path)
    assert fit_df.is_valid.any() and (~fit_df.is_valid).any()
    assert all(d.split_of(Path(p), cfg) == ("tune" if v else "train") for p, v in zip(fit_df.path, fit_df.is_valid))


def test_oversampling_repeats_the_training_photos_of_a_kind_only():
    "`--oversample coco=3`: each training COCO photo three times an epoch; tuning photos and other kinds once."
    paths = ["/d/coco_tiny/images/a.jpg", "/d/pets/images/b.jpg", "/d/cats-vs-dogs/images/c.jpg", "/d/scenes/images/e.jpg"]
    assert d.repeats(paths, "").tolist() == [1, 1, 1, 1]
    assert d.repeats(paths, "coco=3, pets=2,scenes=5").tolist() == [3, 2, 1, 5]
    for bad in ("streets=2", "coco=0", "coco"):
        with pytest.raises(ValueError):
            d.repeats(paths, bad)


def test_oversampled_kinds_fill_more_of_a_training_epoch(data):
    "fastai's dataloaders (the unfrozen stage) repeat the oversampled kind's training photos, never tuning ones."
    _, cfg, _ = parse(["colorize", "--preset", "tiny", "--out", "x", "--folders", SMALL, "--oversample", "coco=4"])
    df = c.learner(cfg).colour["fit_df"]
    dls = c.dataloaders(cfg, df)
    train = [str(p) for p in dls.train.items.path]
    scenes = lambda paths: sum(d.group_of(p) == "coco" for p in paths)
    assert len(train) == (~df.is_valid).sum() + 3 * scenes(df.path[~df.is_valid])
    assert scenes(train) == 4 * scenes(df.path[~df.is_valid]) > 0
    assert len(dls.valid.items) == df.is_valid.sum()


SCENE_EXAMPLES = {"street-fireproof-building.jpg": "scratch__Outdoors_building-fireproof.jpg",
                  "monument-reims-cathedral.jpg": "gcompris__explore_monuments_resource_france_reimsCathedral.jpg",
                  "landscape-grand-canyon.jpg": "scratch__Nature_grand-canyon.jpg"}


def test_examples_are_grey_held_out_photos_of_every_kind(data):
    """The Space's examples were never trained on nor tuned on (held-out pets, and held-out scenes: a street, a
    monument, a landscape, each the grey of its source photo), they are black-and-white, and NOTICE names them."""
    _, cfg, _ = parse(["colorize", "--out", "x"])
    examples = sorted((REPO / "spaces/colorize/examples").glob("*.jpg"))
    notice = (REPO / "spaces/colorize/examples/NOTICE.md").read_text()
    assert set(SCENE_EXAMPLES) < {p.name for p in examples} and len(examples) >= 6
    for p in examples:
        source = data / "scenes/images" / SCENE_EXAMPLES[p.name] if p.name in SCENE_EXAMPLES else p
        assert d.is_valid(source, cfg), p.name
        img = load_image(p).convert("RGB")
        assert e.colourfulness(np.asarray(img)) < 1
        if p.name in SCENE_EXAMPLES:
            assert p.name in notice and SCENE_EXAMPLES[p.name].split("__")[0] in notice.lower().replace(" ", "")
            truth = open_image(source)
            truth.thumbnail(img.size)
            assert truth.size == img.size
            assert np.abs(colour.rgb_to_lab(colour.image_to_array(truth))[0]
                          - colour.rgb_to_lab(colour.image_to_array(img))[0]).mean() < 2


# ---------------------------------------------------------------- training and artifact
@pytest.fixture(scope="module")
def tiny_colorize(tmp_path_factory, data):
    "A colorize model trained for seconds by the real training CLI (tiny preset)."
    from shared.training import cli as train
    out = tmp_path_factory.mktemp("colorize-tiny")
    train.main(["colorize", "--preset", "tiny", "--out", str(out)])
    return out


def test_training_cli_writes_a_working_artifact(tiny_colorize, data):
    config = json.loads((tiny_colorize / "config.json").read_text())
    assert config["task"] == "colorize" and len(config["ab_centres"]) == config["n_out"]
    assert sorted(p.name for p in tiny_colorize.iterdir()) == sorted(artifact.FILES)
    card = (tiny_colorize / "README.md").read_text()
    assert "python -m shared.training colorize --preset tiny" in card and "Zhang" in card and "PSNR" in card
    predictor = Predictor.load(tiny_colorize)
    photo = open_image(data / "pets" / "images" / "Abyssinian_101.jpg")
    out = predictor.colorize(photo)
    assert out.size == photo.size and out.mode == "RGB"
    # the output keeps the input's lightness exactly: only colour is added
    lab_out, lab_in = (colour.rgb_to_lab(colour.image_to_array(i)) for i in (out, photo))
    assert np.abs(lab_out[0] - lab_in[0]).mean() < 1
    assert e.colourfulness(np.asarray(predictor.colorize(photo, strength=0))) < 1


def test_the_cards_metrics_are_the_served_models(tiny_colorize, data):
    """The card's numbers are the saved artifact's, measured by its serving Predictor on the held-out photos of its
    own folders (`python -m shared.training.evaluate colorize MODEL`): re-measuring gives them again."""
    config = json.loads((tiny_colorize / "config.json").read_text())
    again = e.evaluate(Predictor.load(tiny_colorize))
    stored = {k: v for k, v in config["metrics"].items() if k != "train_seconds"}
    assert again == stored and again["n_valid_photos"] >= 4
    assert again["temperature"] == config["temperature"]  # the one export chose, as served


def test_artifact_round_trip_gives_the_learners_predictions(data, tmp_path):
    "Export, save with model.onnx, load: the served network gives the fastai learner's outputs on the same input."
    from shared.training.export import servable
    _, cfg, _ = parse(["colorize", "--preset", "tiny", "--out", str(tmp_path)])
    learn = c.learner(cfg)
    learn.fit(1, 1e-3)
    state, config = c.artifact_of(learn, cfg)
    checkpoint.save(tmp_path, state, config, "card", onnx=servable("colorize", state, config))
    predictor = Predictor.load(tmp_path)
    learn.model.load_state_dict({k: v.float() for k, v in state.items()})  # the artifact stores float16
    x = learn.dls.valid.one_batch()[0].as_subclass(torch.Tensor)
    with torch.inference_mode():
        expected = c.decode_ab(learn.model.eval()(x), learn.loss_func.centres, predictor.temperature).numpy()
        spread = c.colour_spread(learn.model(x), learn.loss_func.centres).numpy()
    got = predictor.model.run(l=np.asarray(x.cpu(), dtype=np.float32),
                              temperature=np.array(predictor.temperature, dtype=np.float32))
    assert np.abs(expected - got["ab"]).max() < 1e-3 and np.abs(spread - got["spread"]).max() < 1e-2


@pytest.fixture(scope="module")
def default_predictor():
    return Predictor.load(DEFAULT)


def test_working_size_keeps_the_aspect_ratio(default_predictor):
    p = default_predictor
    assert p.size == 160
    assert p.working_size(500, 375) == (224, 160)
    assert p.working_size(375, 500) == (160, 224)
    assert p.working_size(1, 1) == (160, 160)
    assert p.working_size(10000, 10) == (480, 160)  # the long side is capped


def test_the_colour_comes_at_a_quarter_of_the_working_size(default_predictor):
    photo = Image.new("RGB", (500, 375), (120, 120, 120))
    assert default_predictor.predict_ab(photo).shape == (1, 2, 40, 56)


def test_the_served_colour_is_the_networks_scaled_by_its_confidence(default_predictor, data):
    "The default model serves with a confidence rule chosen on tuning photos: colour times strength_map(spread)."
    from shared.tasks.colorize.serve import strength_map
    p = default_predictor
    assert p.confidence and p.confidence["sigma0"] > 0 and p.confidence["gain"] > 0
    photo = open_image(data / "scenes/images/scratch__Nature_grand-canyon.jpg")
    ab, spread = p.predict_raw(photo)
    assert spread.shape == (1, 1, *ab.shape[2:]) and spread.min() >= 0
    assert np.allclose(p.predict_ab(photo), ab * strength_map(spread, **p.confidence), atol=1e-4)


def test_mirror_averaging_answers_a_mirrored_photo_with_mirrored_colours(default_predictor, data):
    """With config.json's "mirror" the served colour is the mean of the photo's and its mirror image's: so a mirrored
    photo gets exactly the mirrored colours (the network alone does not: it sees left and right differently)."""
    photo = open_image(data / "scenes/images/scratch__Nature_grand-canyon.jpg")
    mirrored = photo.transpose(Image.FLIP_LEFT_RIGHT)
    assert default_predictor.mirror  # the default model serves with it
    plain = Predictor({**default_predictor.config, "mirror": False}, Path(DEFAULT) / "model.onnx")
    assert not np.allclose(plain.predict_ab(mirrored), plain.predict_ab(photo)[..., ::-1], atol=1e-3)
    both = Predictor({**default_predictor.config, "mirror": True}, Path(DEFAULT) / "model.onnx")
    assert np.allclose(both.predict_ab(mirrored), both.predict_ab(photo)[..., ::-1], atol=1e-4)
    ab, spread = both.predict_raw(photo)
    assert ab.shape == plain.predict_raw(photo)[0].shape and spread.shape == (1, 1, *ab.shape[2:])


def test_large_photos_get_a_clear_message(default_predictor):
    with pytest.raises(ValueError, match="megapixels"):
        default_predictor.colorize(Image.new("RGB", (7000, 7000)))


def test_the_committed_default_model_is_small_and_documented():
    assert sorted(p.name for p in DEFAULT.iterdir()) == sorted(artifact.FILES)
    assert max(p.stat().st_size for p in DEFAULT.iterdir()) < 15_000_000
    card = (DEFAULT / "README.md").read_text()
    assert "python -m shared.training.evaluate colorize" in card


def test_the_default_model_meets_the_issues_bar_on_held_out_pets(data, capsys):
    """The issue's bar, re-measured through the serving path by `python -m shared.training.evaluate colorize MODEL` on all
    the held-out Oxford pet photos (never trained on, never tuned on), turned grey by the model. Most of them (and
    most of the gain) are pets-extra's three breeds; the 37-breed pets/images alone is about even with grey."""
    from shared.training.evaluate import main
    m = main(["colorize", str(DEFAULT), "--data", "pets/images,pets-extra/images"])
    assert json.loads(capsys.readouterr().out)["pets_psnr_gain"] == m["pets_psnr_gain"]  # what the command prints
    assert m["pets_photos"] >= 100
    assert m["pets_psnr_gain"] >= 0.5            # closer to the truth than the grey input, by half a dB
    assert m["pets_closer_than_grey"] >= 0.65    # for most photos, not on average only
    assert m["pets_colourfulness_ratio"] >= 0.6  # and not by being dull: 60% of the truth's colourfulness


def test_the_default_model_meets_the_issues_bar_on_held_out_scenes(data):
    """The varied scenes (monuments, streets, landscapes, plants, animals, objects; near-duplicates on one side of
    the split), never trained on nor tuned on: the issue's bar, re-measured through the serving path. Their
    streets and buildings (by file name, too few for a claim) come out closer than grey as well."""
    m = e.evaluate(Predictor.load(DEFAULT), data="scenes/images")
    assert m["scenes_photos"] >= 50
    assert m["scenes_psnr_gain"] >= 0.5 and m["scenes_closer_than_grey"] >= 0.6
    assert m["scenes_colourfulness_ratio"] >= 0.6
    assert m["streets_photos"] >= 10 and m["streets_psnr_gain"] > 0


def test_the_default_model_colours_held_out_coco_photos(data):
    """Street and indoor scenes of COCO (128 px, the fewest in training, oversampled), re-measured through the
    serving path: the bars issue 33 sets for street scenes (closer to the truth than grey on average, at least 0.6
    of the truth's colourfulness), and more than half of the photos closer than grey."""
    m = e.evaluate(Predictor.load(DEFAULT), data="coco_tiny/images")
    assert m["coco_photos"] >= 50
    assert m["coco_psnr_gain"] > 0 and m["coco_closer_than_grey"] > 0.5 and m["coco_colourfulness_ratio"] >= 0.6


def test_the_comparison_grid_shows_held_out_photos_we_may_ship(default_predictor, data):
    "The card's and README's grid: held-out Oxford, scene and COCO photos (never Kaggle's), grey | ours | truth."
    from shared.tasks.colorize import grid
    paths = grid.pick(default_predictor.config)
    assert [d.group_of(p) for p in paths] == ["pets"] * 3 + ["scenes"] * 2 + ["coco"]
    assert all(d.is_valid(Path(p), d.Config()) for p in paths)
    assert all(Path(p).name.startswith(grid.SHOWABLE_SCENES) for p in paths[3:5])
    img = grid.comparison(default_predictor, paths[:2], side=64)
    assert img.size == (3 * 64 + 8, 24 + 2 * 68)
    cells = np.asarray(img)[24:24 + 64]
    grey_cell, ours, truth = (cells[:, i * 68:i * 68 + 64].astype(int) for i in range(3))
    assert np.ptp(grey_cell, axis=2).max() <= 1 and e.colourfulness(ours.astype(np.uint8)) > 1


def test_the_card_says_which_kinds_of_photo_were_oversampled():
    from shared.tasks.colorize.card import card
    metrics = {"temperature": 0.3, "sweep": []}
    assert "Oversampled: `coco=4`" in card(c.Config(oversample="coco=4"), metrics, "cmd")
    assert "Oversampled" not in card(c.Config(), metrics, "cmd")


def test_the_card_says_how_the_rule_was_chosen():
    from shared.tasks.colorize.card import card
    metrics = {"temperature": 0.3, "sweep": []}
    assert "widest margin" in card(c.Config(rule_choice="margins"), metrics, "cmd")
    assert "at least 63% of the truth's colourfulness" in card(c.Config(), metrics, "cmd")
    with pytest.raises(ValueError, match="rule_choice"):
        c.choose_temperature(None, [], c.Config(rule_choice="widest"))


def test_photos_made_grey_by_other_tools_are_measured_against_their_own_grey(default_predictor, data):
    """`grey='luma'` sends the photo as most tools make it grey (Rec. 601 luma, not CIE L): the baseline is that
    grey photo itself, and the colour is put on its lightness (what a visitor's grey upload gets)."""
    photos = [data / "scenes/images/scratch__Nature_grand-canyon.jpg", data / "pets/images/Abyssinian_12.jpg"]
    lab = e.evaluate_predictor(default_predictor, photos, strengths=(1.0,))
    luma = e.evaluate_predictor(default_predictor, photos, strengths=(1.0,), grey="luma")
    truths = [e.truth_photo(p) for p in photos]
    own_grey = np.mean([e.psnr(np.asarray(img.convert("L").convert("RGB")), t) for img, t in truths])
    assert luma["grey_psnr"] == pytest.approx(own_grey, abs=0.005)
    assert luma["grey_psnr"] != lab["grey_psnr"]  # another grey: CIE L is not luma
    assert luma["psnr"] != lab["psnr"] and luma["colourfulness"] > 0
