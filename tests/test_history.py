"""The history Space's experiments: the facts it teaches, proved on the code and through a live server."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from shared.tasks.history import approx, data, experiments as ex, mlp, neuron, perceptron, plots

APP = Path(__file__).resolve().parent.parent / "spaces" / "history" / "app.py"


# --- unit: the threshold neuron --------------------------------------------------------------------------------

def test_neuron_solutions_compute_their_gates():
    for gate, (w1, w2, t) in neuron.SOLUTIONS.items():
        assert gate in neuron.computes(w1, w2, t)
        assert tuple(neuron.fire(data.INPUTS, w1, w2, t)) == data.GATES[gate]


def test_no_threshold_neuron_setting_gives_xor():
    "Exhaustive over a fine grid: 14 of the 16 two-input functions appear, XOR and XNOR never."
    settings = neuron.grid(-4, 4, 0.125)
    assert len(settings) == 65 ** 3
    found = neuron.search(settings)
    missing = {t for t, v in found.items() if v["count"] == 0}
    assert missing == {data.GATES["xor"], data.GATES["xnor"]}
    for table, v in found.items():  # every example really computes its function
        if v["count"]:
            assert tuple(neuron.fire(data.INPUTS, *v["example"])) == table


def test_random_real_settings_never_give_xor():
    "Not only grid points: a million random real-valued settings, none computes XOR."
    settings = np.random.default_rng(0).uniform(-10, 10, (1_000_000, 3))
    assert neuron.search(settings)[data.GATES["xor"]]["count"] == 0


# --- unit: perceptron, two layers, approximation ---------------------------------------------------------------

@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
def test_perceptron_converges_on_separable_gates(gate):
    run = perceptron.train(*data.gate(gate), epochs=100)
    assert run.converged and run.mistakes[-1] == 0 and run.accuracy() == 1.0


@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_perceptron_never_converges_on_xor(seed):
    run = perceptron.train(*data.gate("xor"), epochs=1000, seed=seed)
    assert not run.converged
    assert min(run.mistakes) >= 1  # every epoch, however long it trains
    assert run.accuracy() <= 0.75  # no line gets more than 3 of the 4 right


def test_two_layers_is_deterministic():
    a = mlp.classifier(*data.dataset("circles"), hidden=8, steps=50, seed=3)
    b = mlp.classifier(*data.dataset("circles"), hidden=8, steps=50, seed=3)
    assert a.losses == b.losses


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("loss", ["bce_with_logits", "mse"])
def test_backward_pass_matches_numerical_gradients(activation, loss):
    """The written-out backward pass against central differences (f(θ+h) - f(θ-h)) / 2h of the loss, on a tiny
    float64 net of three layers: every weight and bias."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 2))
    y = (rng.random((7, 1)) > 0.5).astype(np.float64) if loss == "bce_with_logits" else rng.normal(size=(7, 1))
    net = mlp.network([2, 4, 3, 1], activation, seed=5, dtype=np.float64)
    net.theta += rng.normal(0, 0.3, net.n_params)  # away from the symmetric start; relu kinks stay unlikely
    loss_fn = getattr(mlp, loss)
    outs = net.forward(x)
    net.backward(outs, loss_fn(outs[-1], y)[1])
    analytic = net.grad.copy()
    numeric = np.empty_like(analytic)
    for i in range(net.n_params):
        keep = net.theta[i]
        net.theta[i] = keep + 1e-6
        up = loss_fn(net(x), y)[0]
        net.theta[i] = keep - 1e-6
        down = loss_fn(net(x), y)[0]
        net.theta[i] = keep
        numeric[i] = (up - down) / 2e-6
    assert np.abs(analytic).max() > 1e-3  # a real gradient, not zeros
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-7), np.abs(analytic - numeric).max()


@pytest.mark.parametrize("kind", ["adam", "sgd"])
def test_training_matches_torch_autograd_and_optim(kind):
    """The same float64 network trained 50 steps by the numpy code and by PyTorch (autograd, torch.optim): the
    same weights. torch is only the reference here; the Space never imports it."""
    torch = pytest.importorskip("torch")
    x = np.linspace(-3, 3, 50)[:, None]
    y = np.sin(2 * x)
    ours = mlp.network([1, 6, 6, 1], "tanh", 0, dtype=np.float64)
    layers = []
    for w, b in zip(ours.weights, ours.biases):
        linear = torch.nn.Linear(*w.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T.copy()))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        layers += [linear, torch.nn.Tanh()]
    theirs = torch.nn.Sequential(*layers[:-1])
    lr = 0.02 if kind == "adam" else 0.01
    losses = mlp.fit(ours, x, y, mlp.mse, 50, lr, kind)
    opt = (torch.optim.Adam(theirs.parameters(), lr=lr) if kind == "adam"
           else torch.optim.SGD(theirs.parameters(), lr=lr, momentum=0.9))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    torch_losses = []
    for _ in range(50):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(theirs(xt), yt)
        loss.backward()
        opt.step()
        torch_losses.append(loss.item())
    assert np.allclose(losses, torch_losses, rtol=1e-9, atol=1e-12)
    assert losses[-1] < 0.8 * losses[0]  # it learned something
    for w, b, linear in zip(ours.weights, ours.biases, theirs[::2]):
        assert np.allclose(w.T, linear.weight.detach().numpy(), atol=1e-10)
        assert np.allclose(b, linear.bias.detach().numpy(), atol=1e-10)


def test_side_by_side_training_is_the_same_as_one_by_one():
    x = np.linspace(-3, 3, 40)[:, None]
    y = np.abs(x)
    shapes = [[1, 5, 1], [1, 3, 3, 1]]
    together = [mlp.network(s, "relu", 2) for s in shapes]
    curves = mlp.fit(together, x, y, mlp.mse, 30, 0.05)
    for s, net, curve in zip(shapes, together, curves):
        alone = mlp.network(s, "relu", 2)
        assert mlp.fit(alone, x, y, mlp.mse, 30, 0.05) == curve
        assert np.array_equal(alone.theta, net.theta)


def test_two_units_solve_xor_from_some_seeds_and_get_stuck_from_others():
    "Two hidden units can solve XOR; gradient descent from some starting weights settles in a poor spot."
    results = {seed: mlp.classifier(*data.gate("xor"), hidden=2, steps=300, seed=seed).accuracy() for seed in range(6)}
    assert 1.0 in results.values() and min(results.values()) < 1.0, results


def test_one_hidden_unit_cannot_solve_xor():
    "A single hidden unit still cuts the plane with one line: at most 3 of 4 right, whatever the seed."
    for seed in range(5):
        assert mlp.classifier(*data.gate("xor"), hidden=1, steps=300, seed=seed).accuracy() <= 0.75


def test_expression_is_safe_and_clear():
    f = approx.expression("sin(2*x) + x/3")
    x = np.linspace(-3, 3, 7)
    assert np.allclose(f(x), np.sin(2 * x) + x / 3)
    assert np.allclose(approx.expression("wave")(x), np.sin(2 * x))
    assert np.allclose(approx.expression("where(x > 0, 1, 0)")(x), (x > 0).astype(float))
    assert np.allclose(approx.expression("x^2")(x), x ** 2)
    for bad in ["__import__('os').system('true')", "x.__class__", "open('/etc/passwd')", "lambda: 1", "[x]",
                "", "sin(", "y + 1", "9**9**9**9", "1/x", "log(x)", "x" * 300, "sin(x, x, x, x)"]:
        with pytest.raises(ValueError):
            approx.expression(bad)(x if bad not in ("1/x",) else np.linspace(-3, 3, 7))


def test_deep_width_matches_weights():
    for units in (4, 8, 32, 100):
        shallow = 3 * units + 1
        depth = 3
        width = approx.deep_width(shallow, depth)
        deep = mlp.network([1, *[width] * depth, 1]).n_params
        assert width >= 2
        assert all(abs(deep - shallow) <= abs(mlp.network([1, *[w] * depth, 1]).n_params - shallow)
                   for w in range(2, width + 3))


def test_click_maps_to_the_point_drawn_there():
    w, h = int(plots.PERCEPTRON_SIZE[0] * plots.DPI), int(plots.PERCEPTRON_SIZE[1] * plots.DPI)
    left, bottom, aw, ah = plots.PERCEPTRON_AXES
    lo, hi = plots.PERCEPTRON_LIMITS
    # the pixel of data point (1, 0) by the inverse formula, and the corner pixels
    px = (left + aw * (1 - lo) / (hi - lo)) * w
    py = (1 - bottom - ah * (0 - lo) / (hi - lo)) * h
    assert np.allclose(plots.click_to_point(px, py, (w, h)), (1, 0), atol=1e-9)
    assert plots.click_to_point(5, 5, (w, h)) is None
    assert plots.perceptron(perceptron.train(*data.gate("and"))).size == (w, h)


# --- the live Space, through gradio_client ---------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("gate", ["and", "or"])
def test_live_perceptron_separates_and_or(client, gate):
    facts, image, words = client.predict(gate, 1.0, 30, api_name="/perceptron")
    assert facts["converged"] is True and facts["accuracy"] == 1.0 and facts["mistakes"][-1] == 0
    assert Path(image).stat().st_size > 10_000 and "Converged" in words


@pytest.mark.slow
def test_live_perceptron_fails_on_xor(client):
    facts, image, words = client.predict("xor", 1.0, 100, api_name="/perceptron")
    assert facts["converged"] is False and facts["epochs"] == 100
    assert min(facts["mistakes"]) >= 1 and facts["accuracy"] <= 0.75
    assert "Never converged" in words


@pytest.mark.slow
def test_live_perceptron_on_my_points(client):
    points = {"headers": ["x1", "x2", "label"], "data": ex.EXAMPLE_POINTS}
    facts, _, _ = client.predict(ex.MY_POINTS, 1.0, 30, points, api_name="/perceptron")
    assert facts["converged"] is True


@pytest.mark.slow
@pytest.mark.parametrize("hidden,seed", [(2, 0), (3, 0), (4, 0), (8, 0), (16, 0)])
def test_live_hidden_layer_solves_xor(client, hidden, seed):
    acc, image, words = client.predict("xor", hidden, 300, 0.1, seed, "tanh", api_name="/predict")
    assert acc == 1.0, words
    assert Path(image).stat().st_size > 10_000


@pytest.mark.slow
def test_live_one_hidden_unit_fails_xor(client):
    acc, _, words = client.predict("xor", 1, 300, 0.1, 0, "tanh", api_name="/predict")
    assert acc <= 0.75 and "not enough" in words


@pytest.mark.slow
def test_live_more_hidden_units_reduce_approximation_error(client):
    errors = []
    for units in (2, 4, 16):
        facts, image, _ = client.predict("sin(2*x)", units, 3, 1000, 0, "tanh", api_name="/approximate")
        errors.append(facts["shallow_error"])
        assert facts["shallow_weights"] == 3 * units + 1
        if units >= 8:  # tiny nets cannot be matched closely with layers of width 2 or more
            assert abs(facts["deep_weights"] - facts["shallow_weights"]) <= 0.25 * facts["shallow_weights"]
    assert errors[0] > errors[1] > errors[2], errors
    assert errors[2] < 0.5 * errors[0]


@pytest.mark.slow
def test_live_neuron_and_search(client):
    rows, _, verdict = client.predict(1, 1, 2, "and", api_name="/neuron")
    assert [r[3] for r in rows["data"]] == [0, 0, 0, 1] and "computes **AND**" in verdict
    counts, _, words = client.predict(api_name="/neuron_search")
    assert counts["XOR"] == 0 and counts["XNOR"] == 0 and counts["AND"] > 0 and "14 of the 16" in words


@pytest.mark.slow
def test_live_bad_input_battery(client):
    from gradio_client.exceptions import AppError
    bad = [
        (("nope", 4, 300, 0.1, 0, "tanh"), "/predict"),
        (("xor", 0, 300, 0.1, 0, "tanh"), "/predict"),
        (("xor", 100000, 300, 0.1, 0, "tanh"), "/predict"),
        (("xor", 4, -5, 0.1, 0, "tanh"), "/predict"),
        (("xor", 4, 300, 1e9, 0, "tanh"), "/predict"),
        (("xor", "four", 300, 0.1, 0, "tanh"), "/predict"),
        (("xor", 4, 300, 0.1, 0, "softmax"), "/predict"),
        (("__import__('os').system('true')", 8, 3, 100, 0, "tanh"), "/approximate"),
        (("log(x)", 8, 3, 100, 0, "tanh"), "/approximate"),
        (("sin(x)", 8, 99, 100, 0, "tanh"), "/approximate"),
        ((ex.MY_POINTS, 1.0, 30, {"headers": ["x1", "x2", "label"], "data": []}), "/perceptron"),
        ((ex.MY_POINTS, 1.0, 30, {"headers": ["x1", "x2", "label"], "data": [[0, 0, 7]]}), "/perceptron"),
        ((ex.MY_POINTS, 1.0, 30, {"headers": ["x1", "x2", "label"], "data": [[9, 0, 1]]}), "/perceptron"),
        (("xor", -1.0, 30), "/perceptron"),
        ((1, 1, 2, "maybe"), "/neuron"),
    ]
    for args, api in bad:
        with pytest.raises(AppError):
            client.predict(*args, api_name=api)
            print("accepted:", api, args)
    acc, _, _ = client.predict("xor", 4, 300, 0.1, 0, "tanh", api_name="/predict")  # still serving
    assert acc == 1.0


@pytest.mark.slow
def test_browser_click_on_the_perceptron_picture_adds_that_point(server):
    "In a real browser: a click where (1.2, 1.2) is drawn adds the row 1.2, 1.2, 1 and retrains on my points."
    import os
    chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if not chromium.exists():
        pytest.skip(f"no Chromium at {chromium}")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(server)
        page.get_by_role("tab", name="1958 · Perceptron").click()
        page.wait_for_function("() => [...document.images].some(i => i.naturalWidth === 1000 && i.offsetParent)")
        images = page.locator("img:visible")
        picture = next(images.nth(i) for i in range(images.count())
                       if images.nth(i).evaluate("e => e.naturalWidth") == 1000)
        block = page.locator(".block").filter(has_text="my points").filter(has=page.locator("table")).last
        added = re.compile(r"(^|\n)1\.2\n1\.2\n1(\n|$)")  # the table's text: one cell per line
        assert not added.search(block.inner_text())
        box = picture.bounding_box()
        left, bottom, aw, ah = plots.PERCEPTRON_AXES
        lo, hi = plots.PERCEPTRON_LIMITS
        fx, fy = left + aw * (1.2 - lo) / (hi - lo), 1 - (bottom + ah * (1.2 - lo) / (hi - lo))
        picture.click(position={"x": fx * box["width"], "y": fy * box["height"]})
        for _ in range(240):
            if added.search(block.inner_text()):
                break
            page.wait_for_timeout(500)
        assert added.search(block.inner_text()), block.inner_text()
        assert page.get_by_role("radio", name="my points").is_checked()
        page.wait_for_function("() => document.body.innerText.includes('Converged after')")
        browser.close()


def test_no_formula_writes_into_the_shared_grid():
    "Issue 31: `sin(x, x)` is numpy's sin(x, out=x): it wrote into the x grid, and later answers were wrong."
    x = np.linspace(-3, 3, 11)
    before = x.copy()
    for text in ("sin(x, x)", "round(x, 0, x)", "maximum(x, 1, x)"):
        with pytest.raises(ValueError, match="takes"):
            approx.expression(text)(x)
    assert (x == before).all() and (approx.expression("sin(x) + x")(x) == np.sin(before) + before).all()
    first = ex.approximation("sin(2*x)", 4, 2, 100)[0]
    with pytest.raises(ValueError):
        ex.approximation("abs(x, x)", 4, 2, 100)
    assert ex.approximation("sin(2*x)", 4, 2, 100)[0] == first
