"""McCulloch and Pitts' threshold neuron (1943): it fires (1) when the weighted sum of its inputs reaches
the threshold, else stays silent (0). Settings for AND, OR, NOT; and why no setting computes XOR."""
from __future__ import annotations

import itertools

import numpy as np

from shared.tasks.history.data import GATES, INPUTS

# One setting (w1, w2, threshold) per gate a single threshold neuron can compute.
SOLUTIONS: dict[str, tuple[float, float, float]] = {
    "and": (1.0, 1.0, 2.0),
    "or": (1.0, 1.0, 1.0),
    "not x1": (-1.0, 0.0, 0.0),
    "nand": (-1.0, -1.0, -1.0),
    "nor": (-1.0, -1.0, 0.0),
}
XOR_PROOF = (
    "XOR needs (0,1)→1 so w2 ≥ θ, and (1,0)→1 so w1 ≥ θ; (0,0)→0 needs 0 < θ. Adding the first two: "
    "w1 + w2 ≥ 2θ > θ, so (1,1) fires too, but XOR wants 0 there. No weights and threshold escape this."
)


def fire(x: np.ndarray, w1: float, w2: float, threshold: float) -> np.ndarray:
    "The neuron's output for each row (x1, x2) of x: 1 when w1·x1 + w2·x2 ≥ threshold."
    x = np.asarray(x, dtype=np.float64)
    return (x @ np.array([w1, w2], dtype=np.float64) >= threshold).astype(np.int64)


def truth_table(w1: float, w2: float, threshold: float) -> list[dict]:
    "One row per input pair: inputs, weighted sum, output."
    out = fire(INPUTS, w1, w2, threshold)
    return [{"x1": int(a), "x2": int(b), "sum": float(w1 * a + w2 * b), "output": int(o)}
            for (a, b), o in zip(INPUTS, out)]


def computes(w1: float, w2: float, threshold: float) -> list[str]:
    "The names of the gates (see data.GATES) this setting computes."
    out = tuple(int(o) for o in fire(INPUTS, w1, w2, threshold))
    return [name for name, table in GATES.items() if table == out]


def grid(lo: float = -3.0, hi: float = 3.0, step: float = 0.25) -> np.ndarray:
    "Every setting (w1, w2, threshold) on a regular grid, shape (k, 3)."
    values = np.arange(lo, hi + step / 2, step)
    return np.stack(np.meshgrid(values, values, values, indexing="ij"), -1).reshape(-1, 3)


def search(settings: np.ndarray | None = None) -> dict[tuple[int, ...], dict]:
    """Try every setting; for each of the 16 Boolean functions of two inputs, how many settings compute it and
    one example. Functions no setting reaches have count 0 (XOR and XNOR)."""
    settings = grid() if settings is None else np.asarray(settings, dtype=np.float64)
    fired = (INPUTS.astype(np.float64) @ settings[:, :2].T >= settings[:, 2]).astype(np.int64).T  # (k, 4)
    codes = fired @ np.array([8, 4, 2, 1])
    found = {}
    for table in itertools.product((0, 1), repeat=4):
        hits = np.flatnonzero(codes == int(np.array(table) @ np.array([8, 4, 2, 1])))
        found[table] = {"count": int(len(hits)),
                        "example": tuple(float(v) for v in settings[hits[0]]) if len(hits) else None}
    return found
