"""The toy datasets of the history experiments: logic gates, circles and spirals, as numpy arrays.

Every dataset is `(x, y)`: `x` float32 of shape (n, 2), `y` int64 of 0/1 labels. Same seed, same points.
"""
from __future__ import annotations

import numpy as np

# Boolean functions of two inputs, as the outputs for (0,0), (0,1), (1,0), (1,1).
GATES: dict[str, tuple[int, int, int, int]] = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "not x1": (1, 1, 0, 0),
    "xor": (0, 1, 1, 0),
    "xnor": (1, 0, 0, 1),
}
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
SHAPES = ("circles", "spirals")
DATASETS = ("and", "or", "xor", "nand", "nor", "circles", "spirals")


def gate(name: str, repeats: int = 1, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a logic gate as points: the four corners of the unit square, each `repeats` times,
    jittered by `noise` (0 gives exactly the truth table)."""
    if name not in GATES:
        raise ValueError(f"unknown gate {name!r}; choose one of {', '.join(GATES)}")
    x = np.repeat(INPUTS, repeats, axis=0)
    y = np.repeat(np.array(GATES[name], dtype=np.int64), repeats)
    if noise:
        x = x + np.random.default_rng(seed).normal(0, noise, x.shape).astype(np.float32)
    return x.astype(np.float32), y


def circles(n: int = 200, noise: float = 0.08, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    "A disc of one class inside a ring of the other: no straight line separates them."
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    radius = np.where(y == 1, rng.uniform(0.0, 0.45, n), rng.uniform(0.65, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1) + rng.normal(0, noise, (n, 2))
    return x.astype(np.float32), y.astype(np.int64)


def spirals(n: int = 200, noise: float = 0.04, turns: float = 1.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    "Two interleaved spiral arms: the classic hard case for a small network."
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    t = np.sqrt(rng.uniform(0.02, 1.0, n))  # more points on the outer, longer part of the arms
    angle = t * turns * 2 * np.pi + np.pi * y
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], 1) + rng.normal(0, noise, (n, 2))
    return x.astype(np.float32), y.astype(np.int64)


def dataset(name: str, n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points of a named dataset (see DATASETS). Gates are their exact truth table (four points); circles
    and spirals are `n` noisy points drawn with `seed`."""
    name = str(name).strip().lower()
    if name in GATES:
        return gate(name)
    if name == "circles":
        return circles(n, seed=seed)
    if name == "spirals":
        return spirals(n, seed=seed)
    raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")


# the approximation tab's preset functions
PRESETS = {  # name shown to the visitor -> expression
    "wave": "sin(2*x)",
    "bump": "exp(-2*x**2)",
    "v shape": "abs(x)",
    "step": "where(x > 0, 1, 0)",
    "wiggly": "sin(3*x) * exp(-x**2/4) + x/3",
    "parabola": "x**2/3",
}
