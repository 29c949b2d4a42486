"""Each experiment of the history Space end to end: settings in, numbers + picture + a few words out.

The Space, the benchmark and the notebook call these; bad settings are Refused (a ValueError) with a clear message in
English or Korean (shared.serving.errors).
"""
from __future__ import annotations

import math

import numpy as np

from shared.serving.errors import Phrase, Refused
from shared.tasks.history import approx, data, mlp, neuron as neuron_mod, perceptron as perceptron_mod, plots
from shared.tasks.history.words import T

MY_POINTS = "my points"
PERCEPTRON_DATASETS = ("and", "or", "xor", "nand", "nor", MY_POINTS)
NEURON_TARGETS = ("and", "or", "not x1", "nand", "nor", "xor", "xnor")
EXAMPLE_POINTS = [[0.0, 0.2, 0], [0.3, 0.6, 0], [0.1, 1.1, 0], [0.9, 0.1, 1], [1.2, 0.7, 1], [0.8, 1.3, 1]]


def _named(name: str):
    "A setting's name in the message's language (w1, w2 and threshold are the same in both)."
    key = "name_" + name.replace(" ", "_")
    return Phrase(T, key) if key in T.by_lang["en"] else name


def _number(value, name: str, lo: float, hi: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise Refused(T, "h_number", name=_named(name)) from None
    if not (math.isfinite(value) and lo <= value <= hi):
        raise Refused(T, "h_between", name=_named(name), lo=f"{lo:g}", hi=f"{hi:g}")
    return value


def _whole(value, name: str, lo: int, hi: int) -> int:
    value = _number(value, name, lo, hi)
    if not value.is_integer():
        raise Refused(T, "h_whole", name=_named(name))
    return int(value)


def _choice(value, name: str, choices) -> str:
    value = str(value).strip().lower()
    if value not in choices:
        raise Refused(T, "h_unknown", name=_named(name), value=repr(value), choices=", ".join(choices))
    return value


# --- 1. the threshold neuron -----------------------------------------------------------------------------------

def _say(lang: str):
    return lambda key, **values: T.text(key, lang, **values)


def neuron(w1: float = 1.0, w2: float = 1.0, threshold: float = 2.0, target: str = "and", lang: str = "en"):
    """One McCulloch-Pitts neuron: (truth-table rows, picture, words in `lang`). Rows: x1, x2, sum, output, target,
    ok."""
    w1, w2 = _number(w1, "w1", -10, 10), _number(w2, "w2", -10, 10)
    threshold = _number(threshold, "threshold", -10, 10)
    target = _choice(target, "target", NEURON_TARGETS)
    table = data.GATES[target]
    rows = [[r["x1"], r["x2"], r["sum"], r["output"], t, "✓" if r["output"] == t else "✗"]
            for r, t in zip(neuron_mod.truth_table(w1, w2, threshold), table)]
    names = neuron_mod.computes(w1, w2, threshold)
    wrong = sum(r[5] == "✗" for r in rows)
    say, gate = _say(lang), target.upper()
    if wrong == 0:
        words = say("n_ok", gate=gate)
    elif target in ("xor", "xnor"):
        words = say("n_xor", wrong=wrong, gate=gate, proof=say("xor_proof"))
    else:
        words = say("n_wrong", wrong=wrong, gate=gate)
    if names and target not in names:
        words += say("n_also", names=" / ".join(n.upper() for n in names))
    return rows, plots.neuron(w1, w2, threshold, table, target.upper(), lang), words


def neuron_solution(target: str) -> tuple[float, float, float]:
    "A setting (w1, w2, threshold) that computes the target gate (Refused for XOR / XNOR: there is none)."
    target = _choice(target, "target", NEURON_TARGETS)
    if target not in neuron_mod.SOLUTIONS:
        raise Refused(T, "h_no_setting", gate=target.upper(), proof=Phrase(T, "xor_proof"))
    return neuron_mod.SOLUTIONS[target]


def neuron_search(lo: float = -3.0, hi: float = 3.0, step: float = 0.25, lang: str = "en"):
    "Every (w1, w2, threshold) on a grid: (counts per function name, picture, words in `lang`)."
    settings = neuron_mod.grid(lo, hi, step)
    found = neuron_mod.search(settings)
    counts = {plots.FUNCTION_NAMES[t]: v["count"] for t, v in found.items()}
    missing = [plots.FUNCTION_NAMES[t] for t, v in found.items() if v["count"] == 0]
    say = _say(lang)
    words = say("search_result", n=f"{len(settings):,}", lo=f"{lo:g}", hi=f"{hi:g}", step=f"{step:g}",
                found=16 - len(missing), missing=say("or").join(missing), proof=say("xor_proof"))
    return counts, plots.gates(found, len(settings), lang), words


# --- 2. the perceptron -----------------------------------------------------------------------------------------

def perceptron_points(dataset: str, points=None) -> tuple[np.ndarray, np.ndarray]:
    "The perceptron's training points: a gate's truth table, or the visitor's rows [x1, x2, label]."
    dataset = _choice(dataset, "dataset", PERCEPTRON_DATASETS)
    if dataset != MY_POINTS:
        return data.gate(dataset)
    rows = points.values.tolist() if hasattr(points, "values") else list(points or [])
    rows = [r for r in rows if r is not None and any(v not in (None, "") for v in r)]
    if not rows:
        raise Refused(T, "h_add_points")
    if len(rows) > 200:
        raise Refused(T, "h_most_points", most=200)
    try:
        arr = np.array([[float(v) for v in r[:3]] for r in rows])
    except (TypeError, ValueError):
        raise Refused(T, "h_three_numbers") from None
    if arr.shape[1] != 3 or not np.all(np.isfinite(arr)):
        raise Refused(T, "h_three_numbers")
    lo, hi = plots.PERCEPTRON_LIMITS
    if np.any(arr[:, :2] < lo) or np.any(arr[:, :2] > hi):
        raise Refused(T, "h_keep_inside", lo=f"{lo:g}", hi=f"{hi:g}")
    if not set(np.unique(arr[:, 2])) <= {0.0, 1.0}:
        raise Refused(T, "h_labels")
    return arr[:, :2].astype(np.float32), arr[:, 2].astype(np.int64)


def perceptron(dataset: str = "and", lr: float = 1.0, epochs: int = 30, step: int | None = None, points=None,
               lang: str = "en"):
    """Rosenblatt's rule on a gate or the visitor's points: (facts dict, picture at `step` updates, words in
    `lang`)."""
    x, y = perceptron_points(dataset, points)
    run = perceptron_mod.train(x, y, lr=_number(lr, "learning rate", 1e-4, 100),
                               epochs=_whole(epochs, "epochs", 1, 500))
    if step is not None and step != "":
        step = _whole(step, "step", 0, 10**9)
    facts = {"converged": run.converged, "epochs": run.epochs, "updates": run.updates, "mistakes": run.mistakes,
             "accuracy": run.accuracy(), "weights": [round(float(v), 4) for v in run.weights]}
    w1, w2, b = run.weights
    say = _say(lang)
    if run.converged:
        words = say("p_converged", epochs=run.epochs, updates=run.updates, line=f"{w1:g}·x1 + {w2:g}·x2 + {b:g}")
    else:
        words = say("p_never", epochs=run.epochs, updates=run.updates, mistakes=run.mistakes[-1]) + \
            (say("p_minsky") if dataset == "xor" else "")
    return facts, plots.perceptron(run, step, lang), words


def perceptron_frames(dataset: str = "and", lr: float = 1.0, epochs: int = 30, points=None, frames: int = 30,
                      lang: str = "en"):
    "(step, picture) pairs replaying the training, at most `frames` of them (for an animation)."
    x, y = perceptron_points(dataset, points)
    run = perceptron_mod.train(x, y, lr=_number(lr, "learning rate", 1e-4, 100),
                               epochs=_whole(epochs, "epochs", 1, 500))
    steps = np.unique(np.linspace(0, run.updates, min(frames, run.updates + 1)).round().astype(int))
    for step in steps:
        yield int(step), plots.perceptron(run, int(step), lang)


# --- 3. two layers ---------------------------------------------------------------------------------------------

def two_layers(dataset: str = "xor", hidden: int = 4, steps: int = 300, lr: float = 0.1, seed: int = 0,
               activation: str = "tanh", lang: str = "en"):
    """Train inputs → hidden units → output with gradient descent: (accuracy, picture, words, details)."""
    dataset = _choice(dataset, "dataset", data.DATASETS)
    hidden = _whole(hidden, "hidden units", 1, mlp.MAX_UNITS)
    steps = _whole(steps, "steps", 1, mlp.MAX_STEPS)
    lr = _number(lr, "learning rate", 1e-5, 10)
    seed = _whole(seed, "seed", 0, 2**31 - 1)
    activation = _choice(activation, "activation", tuple(mlp.ACTIVATIONS))
    x, y = data.dataset(dataset, seed=0)
    with mlp.one_thread():
        clf = mlp.classifier(x, y, hidden=hidden, steps=steps, lr=lr, activation=activation, seed=seed)
        return _two_layers_report(dataset, hidden, steps, x, clf, lang)


def _two_layers_report(dataset, hidden, steps, x, clf, lang: str = "en"):
    acc = clf.accuracy()
    details = {"accuracy": acc, "final_loss": clf.losses[-1], "weights": clf.model.n_params}
    valid = None
    if dataset in data.SHAPES:
        valid = data.dataset(dataset, seed=1)  # fresh points from the same shape: does it generalise?
        details["valid_accuracy"] = clf.accuracy(*valid)
    say = _say(lang)
    pic = plots.say(lang)
    title = pic("pic_two_layers" if hidden > 1 else "pic_two_layers_one", hidden=hidden, acc=f"{acc:.0%}",
                dataset=pic(f"ds_{dataset}") if dataset in data.SHAPES else dataset)
    words = say("t_right", acc=f"{acc:.0%}", n=len(x), steps=steps)
    if valid is not None:
        words += say("t_valid", valid=f"{details['valid_accuracy']:.0%}", n=len(valid[0]))
    words += say("t_weights", weights=details["weights"])
    if dataset == "xor":
        words += say("t_one" if hidden == 1 else "t_stuck" if acc < 1 else "t_solved")
    return acc, plots.classifier(clf, title, valid, lang), words, details


# --- 4. approximation ------------------------------------------------------------------------------------------

def approximation(function: str = "wave", units: int = 8, depth: int = 3, steps: int = 500, lr: float = 0.04,
                  seed: int = 0, activation: str = "tanh", lang: str = "en"):
    """One hidden layer of `units` units vs `depth` layers with as many weights: (facts, picture, words)."""
    units = _whole(units, "hidden units", 1, mlp.MAX_UNITS)
    depth = _whole(depth, "depth", 2, 6)
    steps = _whole(steps, "steps", 1, mlp.MAX_STEPS)
    lr = _number(lr, "learning rate", 1e-5, 10)
    seed = _whole(seed, "seed", 0, 2**31 - 1)
    activation = _choice(activation, "activation", tuple(mlp.ACTIVATIONS))
    with mlp.one_thread():
        cmp = approx.compare(str(function), units, depth, steps, lr, activation, seed)
        image = plots.approximation(cmp, lang)
    facts = {"function": cmp.function, "shallow_error": cmp.shallow_error, "deep_error": cmp.deep_error,
             "shallow_weights": cmp.shallow.params, "deep_weights": cmp.deep.params, "depth": cmp.depth,
             "width": cmp.width}
    say = _say(lang)
    words = say("a_words", units=units, sw=cmp.shallow.params, se=f"{cmp.shallow_error:.3f}", depth=depth,
                width=cmp.width, dw=cmp.deep.params, de=f"{cmp.deep_error:.3f}",
                better=say("deeper" if cmp.deep_error < cmp.shallow_error else "shallow"))
    return facts, image, words


def approximation_sweep(function: str = "wave", units=(1, 2, 4, 8, 16, 32), steps: int = 1000, lr: float = 0.02,
                        seed: int = 0, activation: str = "tanh") -> list[dict]:
    "The error of one hidden layer for each number of units (the notebook and benchmark draw the trend)."
    f = approx.expression(str(function))
    with mlp.one_thread():
        fits = approx.fit_many(f, [[int(n)] for n in units], steps, lr, activation, seed)
        return [{"units": int(n), "error": approx.rmse(f, fitted)} for n, fitted in zip(units, fits)]
