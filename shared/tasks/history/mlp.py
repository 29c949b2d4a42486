"""Small multi-layer networks in plain numpy, trained by full-batch gradient descent written out: the forward
pass, the backward pass (the chain rule, layer by layer), the loss and its gradient, and the optimizer (Adam or
SGD with momentum). These are the two-layer network that solves XOR and the nets of the approximation experiment.
Seeded: same settings, same network, same result.

A network's weights and biases live in one flat vector (`Network.theta`), each layer's matrix and bias a view
into it, so the optimizer updates every parameter of one or several networks with a few vector operations.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

OPTIMIZERS = ("adam", "sgd")
MAX_UNITS = 256
MAX_STEPS = 5000


# --- activations: the function, and its derivative written in terms of the function's output a -------------

def _relu(z):
    return np.maximum(z, 0, out=z)


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow for large |z|


def _tanh(z):
    return np.tanh(z, out=z)  # in place: z is not needed after


ACTIVATIONS = {  # name -> (f(z), f'(z) as a function of a = f(z)); f may overwrite z
    "tanh": (_tanh, lambda a: 1 - a * a),
    "relu": (_relu, lambda a: (a > 0).astype(a.dtype)),
    "sigmoid": (_sigmoid, lambda a: a * (1 - a)),
}


# --- losses: (mean loss, its gradient with respect to the network's output z) ------------------------------

def bce_with_logits(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Binary cross-entropy of P(1) = sigmoid(z) against 0/1 labels y, averaged: -y·log σ(z) - (1-y)·log(1-σ(z)),
    computed stably as max(z, 0) - z·y + log(1 + exp(-|z|)). Its gradient is (σ(z) - y) / n."""
    loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(loss.mean()), (_sigmoid(z) - y) / z.size


def mse(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    "Mean squared error, and its gradient 2·(z - y) / n."
    diff = z - y
    return float((diff * diff).mean()), diff * (2 / z.size)


# --- the network ---------------------------------------------------------------------------------------------

class Network:
    """Linear layers of the given sizes (inputs, hidden..., outputs) with `activation` between them:
    h = f(h_prev @ W + b) for the hidden layers, and a linear output z = h @ W + b."""

    def __init__(self, sizes: list[int], activation: str, theta: np.ndarray):
        self.sizes, self.activation = [int(s) for s in sizes], activation
        self.f, self.df = ACTIVATIONS[activation]
        self.bind(theta, np.zeros_like(theta))

    def bind(self, theta: np.ndarray, grad: np.ndarray):
        "Use `theta` (and `grad`, same length) as this network's parameters: each W and b a view into them."
        self.theta, self.grad = theta, grad
        self.weights, self.biases, self.weight_grads, self.bias_grads = [], [], [], []
        at = 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            for vec, ws, bs in ((theta, self.weights, self.biases), (grad, self.weight_grads, self.bias_grads)):
                ws.append(vec[at:at + n_in * n_out].reshape(n_in, n_out))
                bs.append(vec[at + n_in * n_out:at + n_in * n_out + n_out])
            at += n_in * n_out + n_out

    @property
    def n_params(self) -> int:
        return len(self.theta)

    @property
    def hidden(self) -> list[int]:
        return self.sizes[1:-1]

    def forward(self, x: np.ndarray) -> list[np.ndarray]:
        "Every layer's output for inputs x (n, sizes[0]): [x, h1, ..., z]; the last is the network's output."
        outs = [x]
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = outs[-1] @ w
            z += b
            outs.append(z if i == last else self.f(z))
        return outs

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(np.asarray(x, dtype=self.theta.dtype))[-1]

    def backward(self, outs: list[np.ndarray], dz: np.ndarray):
        """The chain rule from the output back: given dLoss/dz of the output, write dLoss/dW and dLoss/db of
        every layer into `grad`. For a layer z = h @ W + b: dW = hᵀ·dz, db = Σ dz, and dh = dz·Wᵀ, which
        becomes the previous layer's dz after multiplying by the activation's derivative f'(z) = df(h)."""
        for i in range(len(self.weights) - 1, -1, -1):
            h = outs[i]
            np.matmul(h.T, dz, out=self.weight_grads[i])
            dz.sum(axis=0, out=self.bias_grads[i])
            if i:
                dz = dz @ self.weights[i].T
                dz *= self.df(h)


def network(sizes: list[int], activation: str = "tanh", seed: int = 0, dtype=np.float32) -> Network:
    """A network of linear layers of the given sizes with `activation` between them. Weights and biases start
    uniform in ±1/√fan_in (PyTorch's default scale), drawn from a generator seeded with `seed`. float32 by
    default, as PyTorch: numpy's tanh is several times faster on it than on float64, and these nets need no more."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    rng = np.random.default_rng(int(seed))
    parts = [rng.uniform(-1, 1, n_in * n_out + n_out) / math.sqrt(n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return Network(sizes, activation, np.concatenate(parts).astype(dtype))


def check(hidden: int, steps: int, lr: float, optimizer: str = "adam"):
    "Clear messages for settings outside what the experiments allow."
    if not (isinstance(hidden, (int, np.integer)) or float(hidden).is_integer()) or not 1 <= int(hidden) <= MAX_UNITS:
        raise ValueError(f"hidden units must be a whole number from 1 to {MAX_UNITS}")
    if not (isinstance(steps, (int, np.integer)) or float(steps).is_integer()) or not 1 <= int(steps) <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 1 to {MAX_STEPS}")
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and 0 < lr <= 10):
        raise ValueError("the learning rate must be a number above 0 and at most 10")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")


@contextmanager
def one_thread():
    """Run tiny networks on one BLAS thread: for matrices this small, handing work between threads costs more
    than the maths on a busy machine. Restores the caller's thread count afterwards."""
    from threadpoolctl import threadpool_limits
    with threadpool_limits(1, user_api="blas"):
        yield


class Optimizer:
    """Full-batch gradient descent on a flat parameter vector, written out: Adam as `torch.optim.Adam` computes
    it (betas 0.9 and 0.999, eps 1e-8), or SGD with momentum 0.9 as `torch.optim.SGD` does."""

    def __init__(self, theta: np.ndarray, grad: np.ndarray, lr: float, kind: str = "adam", betas=(0.9, 0.999),
                 eps: float = 1e-8, momentum: float = 0.9):
        self.theta, self.grad = theta, grad
        self.lr, self.kind, (self.b1, self.b2), self.eps, self.momentum = lr, kind, betas, eps, momentum
        self.m = np.zeros_like(theta)
        self.v = np.zeros_like(theta) if kind == "adam" else None
        self.t = 0

    def step(self):
        "One update of theta in place from the gradient in grad."
        self.t += 1
        g, m = self.grad, self.m
        if self.kind == "sgd":  # m = momentum·m + g;  θ -= lr·m
            m *= self.momentum
            m += g
            self.theta -= self.lr * m
            return
        # m, v: running means of g and g²;  θ -= lr/(1-b1^t) · m / (sqrt(v/(1-b2^t)) + eps)
        m *= self.b1
        m += (1 - self.b1) * g
        self.v *= self.b2
        self.v += (1 - self.b2) * g * g
        denom = np.sqrt(self.v)
        denom *= 1 / math.sqrt(1 - self.b2 ** self.t)
        denom += self.eps
        self.theta -= (self.lr / (1 - self.b1 ** self.t)) * m / denom


def fit(model, x: np.ndarray, y: np.ndarray, loss_fn, steps: int, lr: float, optimizer: str = "adam") -> list:
    """Full-batch gradient descent (Adam, or SGD with momentum 0.9) for `steps` steps; the loss of each step.
    `loss_fn(z, y)` gives (loss, dLoss/dz), e.g. `bce_with_logits` or `mse`. `model` may be a list of networks:
    they then train side by side on the same data, their parameters one vector for a single optimizer step (the
    same numbers as one by one), and the result is a list of loss curves, one per network."""
    models = list(model) if isinstance(model, (list, tuple)) else [model]
    theta = np.concatenate([m.theta for m in models])
    grad = np.zeros_like(theta)
    at = 0
    for m in models:  # each network's parameters become a slice of the shared vector
        m.bind(theta[at:at + m.n_params], grad[at:at + m.n_params])
        at += m.n_params
    x, y = np.asarray(x, dtype=theta.dtype), np.asarray(y, dtype=theta.dtype)
    opt = Optimizer(theta, grad, lr, optimizer)
    curves = [[] for _ in models]
    for _ in range(int(steps)):
        for m, curve in zip(models, curves):
            outs = m.forward(x)
            loss, dz = loss_fn(outs[-1], y)
            m.backward(outs, dz)
            curve.append(loss)
        opt.step()
    return curves if isinstance(model, (list, tuple)) else curves[0]


@dataclass
class Classifier:
    "A trained two-layer classifier, its data and its learning curve."
    model: Network
    x: np.ndarray
    y: np.ndarray
    mean: np.ndarray            # inputs are standardised ((x - mean) / std) before the network sees them
    std: np.ndarray
    losses: list[float] = field(default_factory=list)

    def inputs(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.std

    def proba(self, x: np.ndarray) -> np.ndarray:
        "P(class 1) for each row of x."
        return _sigmoid(self.model(self.inputs(x))[:, 0])

    def accuracy(self, x: np.ndarray | None = None, y: np.ndarray | None = None) -> float:
        x, y = (self.x, self.y) if x is None else (x, y)
        return float(((self.proba(x) > 0.5).astype(np.int64) == y).mean())


def classifier(x: np.ndarray, y: np.ndarray, hidden: int = 4, steps: int = 300, lr: float = 0.1,
               activation: str = "tanh", seed: int = 0, optimizer: str = "adam") -> Classifier:
    """Train inputs → `hidden` units → 1 output (sigmoid, cross-entropy loss) on 2-D points with 0/1 labels.

    With 2 hidden units XOR is solvable, but gradient descent from some seeds gets stuck with a point or two wrong
    (a local minimum); with 4 or more units it almost never does."""
    check(hidden, steps, lr, optimizer)
    x64 = np.asarray(x, dtype=np.float64)
    mean, std = x64.mean(0), x64.std(0) + 1e-6
    clf = Classifier(network([x.shape[1], int(hidden), 1], activation, seed), x, y, mean, std)
    clf.losses = fit(clf.model, clf.inputs(x), np.asarray(y, dtype=np.float64)[:, None], bce_with_logits, steps,
                     lr, optimizer)
    return clf
