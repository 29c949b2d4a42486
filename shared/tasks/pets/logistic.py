"""The pets heads' fit: multinomial logistic regression with balanced weights and an L2 penalty, in numpy.

One objective for the training side's heads (`heads.py`: breeds, cat/dog, neither) and the teach tab's taught
head (`teach/teacher.py`), as scikit-learn's LogisticRegression(C=c, class_weight="balanced"): minimise
sum_i w_i CE(x_i W^T + b, y_i) + ||W||^2 / (2c), with w_i = n / (g * count(group_i)) over the g non-empty groups
(the labels, unless `groups` says otherwise). Convex, so L-BFGS reaches the optimum.
"""
from __future__ import annotations

import numpy as np

from shared.serving.runtime import softmax


def balanced_weights(groups: np.ndarray) -> np.ndarray:
    "Each row's weight, every non-empty group weighing the same in total."
    counts = np.bincount(groups).astype(np.float64)
    return (len(groups) / ((counts > 0).sum() * np.maximum(counts, 1)))[groups]


def objective(theta: np.ndarray, x: np.ndarray, y: np.ndarray, sw: np.ndarray, k: int, c: float):
    "(loss, gradient) at theta = [W.ravel(), b]."
    d = x.shape[1]
    w, b = theta[:k * d].reshape(k, d), theta[k * d:]
    z = (x @ w.T.astype(x.dtype)).astype(np.float64) + b  # the big products in x's dtype (float32: 2-3x faster)
    z -= z.max(1, keepdims=True)
    lse = np.log(np.exp(z).sum(1))
    loss = float((sw * (lse - z[np.arange(len(y)), y])).sum() + (w * w).sum() / (2 * c))
    dz = np.exp(z - lse[:, None])
    dz[np.arange(len(y)), y] -= 1
    dz *= sw[:, None]
    return loss, np.concatenate([((dz.T.astype(x.dtype) @ x).astype(np.float64) + w / c).ravel(), dz.sum(0)])


def lbfgs(fun, theta: np.ndarray, steps: int = 300, memory: int = 10, tol: float = 1e-4) -> np.ndarray:
    "Minimise fun(theta) -> (loss, grad) by L-BFGS with a backtracking (Armijo) line search."
    f, g = fun(theta)
    s_hist, y_hist = [], []
    for _ in range(steps):
        if np.abs(g).max() < tol:
            break
        q, alphas = g.copy(), []
        for s, yv in reversed(list(zip(s_hist, y_hist))):
            a = s @ q / (yv @ s)
            alphas.append(a)
            q -= a * yv
        q *= (s_hist[-1] @ y_hist[-1] / (y_hist[-1] @ y_hist[-1])) if s_hist else 1 / max(np.abs(g).sum(), 1e-12)
        for (s, yv), a in zip(zip(s_hist, y_hist), reversed(alphas)):
            q += s * (a - yv @ q / (yv @ s))
        direction, step, slope = -q, 1.0, -(g @ q)
        if slope >= 0:  # not a descent direction (numerical trouble): restart from the gradient
            s_hist, y_hist, direction, slope = [], [], -g, -(g @ g)
        while True:
            new = theta + step * direction
            f_new, g_new = fun(new)
            if f_new <= f + 1e-4 * step * slope or step < 1e-10:
                break
            step /= 2
        s, yv = new - theta, g_new - g
        if s @ yv > 1e-12:
            s_hist, y_hist = (s_hist + [s])[-memory:], (y_hist + [yv])[-memory:]
        converged = abs(f - f_new) <= 1e-8 * max(1.0, abs(f))
        theta, f, g = new, f_new, g_new
        if converged:
            break
    return theta


def fit(x: np.ndarray, y: np.ndarray, k: int, c: float = 1.0, steps: int = 300,
        start: tuple[np.ndarray, np.ndarray] | None = None, groups=None) -> tuple[np.ndarray, np.ndarray]:
    """(W [k x d], b [k]) float32 for features x [n x d] and labels y in 0..k-1; `start`: a warm start; `groups`:
    ids from 0 whose rows weigh the same in total (default: the labels)."""
    x, y = np.asarray(x, np.float32), np.asarray(y, np.int64)
    d = x.shape[1]
    # Centred features, the same problem (x W^T + b = (x - m) W^T + (b + m W^T); the penalty is on W alone), far
    # better conditioned: pooled activations are all positive, with a large common mean.
    m = x.mean(0)
    xc = np.ascontiguousarray(x - m)
    if start is not None:
        w0, b0 = (np.asarray(a, np.float64) for a in start)
        theta = np.concatenate([w0.ravel(), b0 + w0 @ m])
    else:
        theta = np.zeros(k * d + k)
    sw = balanced_weights(y if groups is None else np.asarray(groups, np.int64))
    theta = lbfgs(lambda t: objective(t, xc, y, sw, k, c), theta, steps)
    w = theta[:k * d].reshape(k, d)
    return w.astype(np.float32), (theta[k * d:] - w @ m).astype(np.float32)


def probabilities(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    return softmax(np.asarray(x, np.float32) @ w.T + b)
