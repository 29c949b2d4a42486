"""Small multi-layer networks in PyTorch, trained by full-batch gradient descent: the two-layer network that
solves XOR, and the nets of the approximation experiment. Seeded: same settings, same network, same result."""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}
OPTIMIZERS = ("adam", "sgd")
MAX_UNITS = 256
MAX_STEPS = 5000


@contextmanager
def one_thread():
    """Run tiny networks on one thread: for tensors this small, handing work between threads costs more than the
    maths (3-6x slower on 2 busy cores). Restores the caller's thread count afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def network(sizes: list[int], activation: str = "tanh", seed: int = 0) -> nn.Sequential:
    """Linear layers of the given sizes (inputs, hidden..., outputs) with `activation` between them. Weights
    and biases start uniform in ±1/√fan_in (PyTorch's default scale), drawn from a private seeded generator."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    layers: list[nn.Module] = []
    gen = torch.Generator().manual_seed(int(seed))
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(n_in, n_out)
        bound = 1 / math.sqrt(n_in)
        with torch.no_grad():
            linear.weight.copy_((torch.rand(linear.weight.shape, generator=gen) * 2 - 1) * bound)
            linear.bias.copy_((torch.rand(linear.bias.shape, generator=gen) * 2 - 1) * bound)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


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


class Optimizer:
    """Full-batch gradient descent, written out: Adam exactly as `torch.optim.Adam` computes it (betas 0.9 and
    0.999, eps 1e-8), or plain SGD with momentum 0.9. Same numbers as torch.optim, without its bookkeeping,
    which costs more than the maths for networks this small (about 2x faster per step here)."""

    def __init__(self, params, lr: float, kind: str = "adam", betas=(0.9, 0.999), eps: float = 1e-8,
                 momentum: float = 0.9):
        self.params = list(params)
        self.lr, self.kind, (self.b1, self.b2), self.eps, self.momentum = lr, kind, betas, eps, momentum
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params] if kind == "adam" else []
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        grads = [p.grad for p in self.params]
        if self.kind == "sgd":  # m = momentum·m + g;  p -= lr·m
            torch._foreach_mul_(self.m, self.momentum)
            torch._foreach_add_(self.m, grads)
            torch._foreach_add_(self.params, self.m, alpha=-self.lr)
        else:  # m, v: running means of g and g²;  p -= lr/(1-b1^t) · m / (sqrt(v/(1-b2^t)) + eps)
            torch._foreach_lerp_(self.m, grads, 1 - self.b1)
            torch._foreach_mul_(self.v, self.b2)
            torch._foreach_addcmul_(self.v, grads, grads, value=1 - self.b2)
            denom = torch._foreach_sqrt(self.v)
            torch._foreach_div_(denom, math.sqrt(1 - self.b2 ** self.t))
            torch._foreach_add_(denom, self.eps)
            torch._foreach_addcdiv_(self.params, self.m, denom, value=-self.lr / (1 - self.b1 ** self.t))
        for p in self.params:
            p.grad = None


def fit(model, x: torch.Tensor, y: torch.Tensor, loss_fn, steps: int, lr: float,
        optimizer: str = "adam") -> list:
    """Full-batch gradient descent (Adam, or SGD with momentum 0.9) for `steps` steps; the loss of each step.
    `model` may be a list of networks: they then train side by side on the same data, one backward pass and one
    optimizer step for all (the same numbers as one by one, about half the per-step overhead), and the result
    is a list of loss curves, one per network."""
    models = list(model) if isinstance(model, (list, tuple)) else [model]
    opt = Optimizer([p for m in models for p in m.parameters()], lr, optimizer)
    curves = [[] for _ in models]
    for _ in range(int(steps)):
        losses = [loss_fn(m(x), y) for m in models]
        (losses[0] if len(losses) == 1 else torch.stack(losses).sum()).backward()
        opt.step()
        for curve, value in zip(curves, torch.stack([v.detach() for v in losses]).tolist()):
            curve.append(value)
    return curves if isinstance(model, (list, tuple)) else curves[0]


@dataclass
class Classifier:
    "A trained two-layer classifier, its data and its learning curve."
    model: nn.Sequential
    x: np.ndarray
    y: np.ndarray
    mean: np.ndarray            # inputs are standardised ((x - mean) / std) before the network sees them
    std: np.ndarray
    losses: list[float] = field(default_factory=list)

    def inputs(self, x: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(((np.asarray(x, dtype=np.float32) - self.mean) / self.std).astype(np.float32))

    @torch.no_grad()
    def proba(self, x: np.ndarray) -> np.ndarray:
        "P(class 1) for each row of x."
        return torch.sigmoid(self.model(self.inputs(x))).squeeze(1).numpy()

    def accuracy(self, x: np.ndarray | None = None, y: np.ndarray | None = None) -> float:
        x, y = (self.x, self.y) if x is None else (x, y)
        return float(((self.proba(x) > 0.5).astype(np.int64) == y).mean())


def classifier(x: np.ndarray, y: np.ndarray, hidden: int = 4, steps: int = 300, lr: float = 0.1,
               activation: str = "tanh", seed: int = 0, optimizer: str = "adam") -> Classifier:
    """Train inputs → `hidden` units → 1 output (sigmoid, cross-entropy loss) on 2-D points with 0/1 labels.

    With 2 hidden units XOR is solvable, but gradient descent from some seeds gets stuck with one point wrong
    (a local minimum); with 4 or more units it almost never does."""
    check(hidden, steps, lr, optimizer)
    mean, std = x.mean(0), x.std(0) + 1e-6
    clf = Classifier(network([x.shape[1], int(hidden), 1], activation, seed), x, y, mean, std)
    yt = torch.as_tensor(y, dtype=torch.float32).unsqueeze(1)
    clf.losses = fit(clf.model, clf.inputs(x), yt, nn.functional.binary_cross_entropy_with_logits, steps, lr, optimizer)
    return clf
