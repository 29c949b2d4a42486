"""Universal approximation, tried: fit a 1-D function with one hidden layer of N units (more units, closer
fit), then with a deeper network that has (about) the same number of weights, and compare.

Functions are safe expressions in x (numpy functions by name, no attributes, no imports), e.g. "sin(2*x)".
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass

import numpy as np

from shared.tasks.history import mlp
from shared.tasks.history.data import PRESETS

DOMAIN = (-3.0, 3.0)
FUNCTIONS = {name: getattr(np, name) for name in (
    "sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh", "cosh", "arctan", "sign", "floor",
    "ceil", "round", "maximum", "minimum", "where", "clip")}
# arguments each takes at most: a ufunc's inputs (`sin(x, x)`'s second one is numpy's `out=`), round's 2 (its third is `out`)
ARITY = {name: f.nin if isinstance(f, np.ufunc) else {"round": 2}.get(name, 3) for name, f in FUNCTIONS.items()}
CONSTANTS = {"pi": math.pi, "e": math.e}
MAX_EXPRESSION = 200
_BINOPS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide,
           ast.Pow: np.power, ast.Mod: np.mod}
_CMPOPS = {ast.Gt: np.greater, ast.GtE: np.greater_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
           ast.Eq: np.equal, ast.NotEq: np.not_equal}


def expression(text: str):
    """A function of a numpy array x from a formula such as "sin(2*x) + x/3", or Refused (a ValueError). Only
    numbers, x, pi, e, + - * / ** %, comparisons and the numpy functions in FUNCTIONS are allowed."""
    from shared.serving.errors import Refused
    from shared.tasks.history.words import T
    text = PRESETS.get(str(text).strip(), str(text).strip())
    if not text:
        raise Refused(T, "h_type_function")
    if len(text) > MAX_EXPRESSION:
        raise Refused(T, "h_too_long", most=MAX_EXPRESSION)
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError:
        raise Refused(T, "h_not_formula", text=repr(text)) from None

    def ev(node, x):
        if isinstance(node, ast.Expression):
            return ev(node.body, x)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return np.float64(node.value)  # floats: 9**9**9 overflows to inf instead of running for ever
        if isinstance(node, ast.Name):
            if node.id == "x":
                return x.copy()  # never the caller's grid itself: no function may write into it
            if node.id in CONSTANTS:
                return np.float64(CONSTANTS[node.id])
            raise Refused(T, "h_unknown_name", name=repr(node.id))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left, x), ev(node.right, x))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = ev(node.operand, x)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMPOPS:
            return _CMPOPS[type(node.ops[0])](ev(node.left, x), ev(node.comparators[0], x)).astype(np.float64)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
                and not node.keywords and 1 <= len(node.args) <= ARITY.get(node.func.id, 3)):
            return FUNCTIONS[node.func.id](*(ev(a, x) for a in node.args))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
            n = ARITY.get(node.func.id, 3)
            given = len(node.args) + len(node.keywords)
            if n == 1:
                raise Refused(T, "h_one_argument", f=node.func.id, n=given)
            raise Refused(T, "h_arguments", f=node.func.id, most=n, n=given)
        raise Refused(T, "h_not_allowed", expr=repr(ast.unparse(node)), ops="+ - * / **",
                      functions=", ".join(FUNCTIONS))

    def f(x):
        with np.errstate(all="ignore"):
            try:
                y = np.broadcast_to(np.asarray(ev(tree, x), dtype=np.float64), np.shape(x)).copy()
            except Refused:
                raise
            except Exception as e:  # wrong number of arguments and the like
                raise Refused(T, "h_cannot_compute", text=repr(text), why=str(e)[:200]) from None
        if not np.all(np.isfinite(y)):
            raise Refused(T, "h_not_finite", text=repr(text), lo=f"{DOMAIN[0]:g}", hi=f"{DOMAIN[1]:g}")
        return y

    f.text = text
    return f


def deep_width(params: int, depth: int) -> int:
    "The width (2 or more) of `depth` equal hidden layers (1 input, 1 output) with weights closest to `params`."
    def count(w):
        return 2 * w + (depth - 1) * (w * w + w) + w + 1
    return min(range(2, max(params, 2) + 1), key=lambda w: (abs(count(w) - params), w))


@dataclass
class Fit:
    "A trained 1-D network: the model works on scaled inputs/outputs; `__call__` takes and gives real units."
    model: mlp.Network
    x_scale: float
    y_mean: float
    y_std: float
    losses: list[float]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.model(np.asarray(x, dtype=np.float64)[:, None] / self.x_scale)[:, 0] * self.y_std + self.y_mean

    def units(self, x: np.ndarray) -> np.ndarray | None:
        """For a one-hidden-layer net: each hidden unit's contribution to the output, shape (units, len(x)),
        in real units (the output is their sum plus a constant). None for deeper nets."""
        if len(self.model.hidden) != 1:
            return None
        _, h, _ = self.model.forward(np.asarray(x, dtype=np.float64)[:, None] / self.x_scale)
        return (h * self.model.weights[1][:, 0]).T * self.y_std

    @property
    def params(self) -> int:
        return self.model.n_params


def fit(f, hidden: list[int], steps: int = 1000, lr: float = 0.02, activation: str = "tanh", seed: int = 0,
        n: int = 200) -> Fit:
    """Train 1 → hidden... → 1 on n evenly spaced points of f over DOMAIN (mean squared error, Adam). The targets
    are standardised; x is used as is ([-3, 3] puts tanh units' default weights in a useful range)."""
    return fit_many(f, [hidden], steps, lr, activation, seed, n)[0]


def fit_many(f, hiddens: list[list[int]], steps: int = 1000, lr: float = 0.02, activation: str = "tanh",
             seed: int = 0, n: int = 200) -> list[Fit]:
    "`fit` for several shapes at once: trained side by side (mlp.fit with a list), the same result as one by one."
    x = np.linspace(*DOMAIN, n)
    y = f(x)
    y_mean, y_std = float(y.mean()), float(y.std()) or 1.0
    x_scale = 1.0
    models = [mlp.network([1, *hidden, 1], activation, seed) for hidden in hiddens]  # each seeded on its own
    curves = mlp.fit(models, x[:, None] / x_scale, (y[:, None] - y_mean) / y_std, mlp.mse, steps, lr)
    return [Fit(m, x_scale, y_mean, y_std, [v * y_std ** 2 for v in c]) for m, c in zip(models, curves)]


def rmse(f, fitted: Fit, n: int = 1000) -> float:
    "Root mean squared error between f and the network on a dense grid of the domain (between training points too)."
    x = np.linspace(*DOMAIN, n)
    return float(np.sqrt(np.mean((f(x) - fitted(x)) ** 2)))


@dataclass
class Comparison:
    function: str
    shallow: Fit
    deep: Fit
    shallow_error: float
    deep_error: float
    depth: int
    width: int

    domain = DOMAIN

    def target(self, x):
        "The function fitted, at x."
        return expression(self.function)(x)


def compare(function: str = "wave", units: int = 8, depth: int = 3, steps: int = 1000, lr: float = 0.02,
            activation: str = "tanh", seed: int = 0) -> Comparison:
    """Fit `function` (a PRESETS name or a formula) with one hidden layer of `units` units, and with `depth`
    hidden layers of equal width holding about as many weights; the error of each."""
    mlp.check(units, steps, lr)
    if not (float(depth).is_integer() and 2 <= int(depth) <= 6):
        raise ValueError("depth must be a whole number from 2 to 6")
    units, depth = int(units), int(depth)
    f = expression(function)
    width = deep_width(mlp.network([1, units, 1]).n_params, depth)
    shallow, deep = fit_many(f, [[units], [width] * depth], steps, lr, activation, seed)
    return Comparison(f.text, shallow, deep, rmse(f, shallow), rmse(f, deep), depth, width)
