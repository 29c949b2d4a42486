"""Rosenblatt's perceptron (1957/58): a threshold neuron that learns its weights from mistakes.

For each example, predict 1 when w·x + b > 0; if wrong, nudge the weights toward the right answer:
    w ← w + lr·(target − prediction)·x,   b ← b + lr·(target − prediction).
If a straight line separates the two classes, this stops making mistakes after a finite number of updates
(the perceptron convergence theorem). On XOR no line exists, so it never stops (Minsky and Papert, 1969).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Run:
    "What happened while training: every weight setting the rule went through and the mistakes of each epoch."
    x: np.ndarray
    y: np.ndarray
    history: np.ndarray                 # (updates + 1, 3): w1, w2, b after each update (row 0: the start)
    mistakes: list[int] = field(default_factory=list)  # per epoch
    converged: bool = False

    @property
    def weights(self) -> np.ndarray:
        return self.history[-1]

    @property
    def epochs(self) -> int:
        return len(self.mistakes)

    @property
    def updates(self) -> int:
        return len(self.history) - 1

    def predict(self, x: np.ndarray, step: int | None = None) -> np.ndarray:
        w1, w2, b = self.history[-1 if step is None else step]
        return (np.asarray(x, dtype=np.float64) @ np.array([w1, w2]) + b > 0).astype(np.int64)

    def accuracy(self, step: int | None = None) -> float:
        return float((self.predict(self.x, step) == self.y).mean())


def train(x, y, lr: float = 1.0, epochs: int = 50, seed: int | None = None) -> Run:
    """Rosenblatt's rule over the examples, epoch after epoch, until an epoch without mistakes (converged) or
    `epochs` epochs. Starts from zero weights; `seed` shuffles the order of each epoch (None: as given)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) != len(y) or len(x) == 0:
        raise ValueError("the perceptron needs points (x1, x2) with one 0/1 label each")
    if not set(np.unique(y)) <= {0, 1}:
        raise ValueError("labels must be 0 or 1")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError("the learning rate must be a positive number")
    if not 1 <= int(epochs) <= 10_000:
        raise ValueError("epochs must be between 1 and 10000")
    rng = np.random.default_rng(seed) if seed is not None else None
    w, b = np.zeros(2), 0.0
    history, mistakes = [(0.0, 0.0, 0.0)], []
    for _ in range(int(epochs)):
        order = rng.permutation(len(x)) if rng is not None else range(len(x))
        wrong = 0
        for i in order:
            error = y[i] - int(x[i] @ w + b > 0)
            if error:
                wrong += 1
                w = w + lr * error * x[i]
                b = b + lr * error
                history.append((w[0], w[1], b))
        mistakes.append(wrong)
        if wrong == 0:
            return Run(x, y, np.array(history), mistakes, converged=True)
    return Run(x, y, np.array(history), mistakes, converged=False)
