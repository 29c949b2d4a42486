"""The pictures of the history experiments, drawn with matplotlib (no pyplot: thread-safe) into PIL images, their
words in English or Korean (`lang`; shared/tasks/history/words.py, the `pic_*` keys). Hangul is set in NanumGothic
(shared.serving.fonts); without it the pictures keep their English words (`korean()`)."""
from __future__ import annotations

import dataclasses
import io
from functools import lru_cache

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

BLUE, ORANGE, INK, GREY, RED, GREEN = "#2563eb", "#f97316", "#1f2937", "#9ca3af", "#dc2626", "#16a34a"
REGIONS = LinearSegmentedColormap.from_list("regions", ["#bfdbfe", "#f8fafc", "#fed7aa"])
SHADE = LinearSegmentedColormap.from_list("shade", ["#dbeafe", "#ffedd5"])
DPI = 100


@lru_cache(maxsize=1)
def korean() -> bool:
    """Whether Hangul can be drawn: NanumGothic (shared.serving.fonts) added to matplotlib's fonts, behind DejaVu Sans (Latin,
    digits and symbols as before; matplotlib falls back glyph by glyph)."""
    from matplotlib import font_manager, rcParams

    from shared.serving.fonts import hangul_fonts
    paths = hangul_fonts()
    if not paths:
        return False
    for path in paths:
        font_manager.fontManager.addfont(path)
    fonts = font_manager.fontManager.ttflist  # the bold's OS/2 table says 600; matplotlib's "bold" asks for 700
    fonts[:] = [dataclasses.replace(f, weight=700) if f.fname.endswith("NanumGothicBold.ttf") else f for f in fonts]
    rcParams["font.family"] = ["DejaVu Sans", "NanumGothic"]
    return True


def say(lang: str):
    "The pictures' words in `lang` (English where Hangul cannot be drawn): say(key, **values)."
    from shared.tasks.history.words import T
    lang = lang if lang == "en" or korean() else "en"
    return lambda key, **values: T.text(key, lang, **values)


# The perceptron picture has a fixed layout so that a click on it maps back to a point (see click_to_point).
PERCEPTRON_SIZE = (10.0, 4.5)              # inches at DPI: 1000 x 450 pixels
PERCEPTRON_AXES = (0.08, 0.1, 0.36, 0.8)   # left, bottom, width, height in figure fractions: a square
PERCEPTRON_LIMITS = (-0.5, 1.5)            # both axes


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def to_image(fig: Figure) -> Image.Image:
    "The figure as an RGB PIL image (fixed layout: no tight bounding box, so pixel positions are predictable)."
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _style(ax, title: str = ""):
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(GREY)
    ax.spines["bottom"].set_color(GREY)
    ax.tick_params(colors="#4b5563", labelsize=9)
    if title:
        ax.set_title(title, fontsize=11, color=INK, loc="left")


def _points(ax, x, y, size=60):
    y = np.asarray(y)
    for label, color in ((0, BLUE), (1, ORANGE)):
        sel = y == label
        ax.scatter(x[sel, 0], x[sel, 1], s=size, c=color, edgecolors="white", linewidths=1.2, zorder=3,
                   label=f"class {label}")


def _line(ax, w1, w2, b, limits, **kwargs):
    "Draw w1·x1 + w2·x2 + b = 0 within the limits (nothing when the weights are zero)."
    lo, hi = limits
    if abs(w2) > 1e-12:
        xs = np.array([lo, hi])
        ax.plot(xs, -(w1 * xs + b) / w2, **kwargs)
    elif abs(w1) > 1e-12:
        ax.plot([-b / w1] * 2, [lo, hi], **kwargs)


def _shade(ax, w1, w2, b, limits, alpha=1.0):
    "Shade where w1·x1 + w2·x2 + b > 0 (orange, fires) and where not (blue): one image, cheap to draw."
    g = np.linspace(*limits, 200)
    fires = (w1 * g[None, :] + w2 * g[:, None] + b > 0).astype(float)
    ax.imshow(fires, extent=(*limits, *limits), origin="lower", cmap=SHADE, vmin=0, vmax=1, alpha=alpha,
              interpolation="nearest", aspect="auto", zorder=0)


def neuron(w1: float, w2: float, threshold: float, target: tuple[int, ...] | None,
           target_name: str = "", lang: str = "en") -> Image.Image:
    "The unit square: where the neuron fires, its line, and the four inputs (a red ring: output ≠ target)."
    from shared.tasks.history.data import INPUTS
    from shared.tasks.history.neuron import fire
    limits = (-0.5, 1.5)
    fig = new_figure(4.6, 4.6)
    ax = fig.add_axes((0.14, 0.12, 0.8, 0.76))
    _shade(ax, w1, w2, -threshold, limits)
    _line(ax, w1, w2, -threshold, limits, color=INK, lw=2)
    out = fire(INPUTS, w1, w2, threshold)
    for (a, b), o, t in zip(INPUTS, out, target if target is not None else out):
        ax.scatter([a], [b], s=700, c=ORANGE if o else BLUE, edgecolors=RED if o != t else "white",
                   linewidths=4 if o != t else 1.5, zorder=3)
        ax.text(a, b, str(o), ha="center", va="center", color="white", fontsize=15, weight="bold", zorder=4)
    ax.set(xlim=limits, ylim=limits, xticks=[0, 1], yticks=[0, 1], xlabel="x1", ylabel="x2", aspect="equal")
    wrong = int((out != np.asarray(target)).sum()) if target is not None else 0
    words = say(lang)
    verdict = ("" if target is None else f"  ✓ {target_name}" if wrong == 0
               else "  ✗ " + words("pic_wrong_for", wrong=wrong, target=target_name))
    _style(ax, words("pic_fires", w1=f"{w1:g}", w2=f"{w2:g}", t=f"{threshold:g}") + verdict)
    return to_image(fig)


FUNCTION_NAMES = {
    (0, 0, 0, 0): "false", (0, 0, 0, 1): "AND", (0, 0, 1, 0): "x1 AND NOT x2", (0, 0, 1, 1): "x1",
    (0, 1, 0, 0): "NOT x1 AND x2", (0, 1, 0, 1): "x2", (0, 1, 1, 0): "XOR", (0, 1, 1, 1): "OR",
    (1, 0, 0, 0): "NOR", (1, 0, 0, 1): "XNOR", (1, 0, 1, 0): "NOT x2", (1, 0, 1, 1): "x1 OR NOT x2",
    (1, 1, 0, 0): "NOT x1", (1, 1, 0, 1): "NOT x1 OR x2", (1, 1, 1, 0): "NAND", (1, 1, 1, 1): "true",
}


def gates(found: dict[tuple[int, ...], dict], tried: int, lang: str = "en") -> Image.Image:
    "All 16 functions of two inputs as 2×2 truth tables; green: some setting computes it, red: none does."
    words = say(lang)
    fig = new_figure(9.6, 5.4)
    fig.suptitle(words("pic_gates", tried=f"{tried:,}"), fontsize=12, color=INK, x=0.02, ha="left")
    for k, (table, info) in enumerate(sorted(found.items())):
        ax = fig.add_axes((0.02 + (k % 8) * 0.1225, 0.5 - (k // 8) * 0.44, 0.1, 0.3))
        cells = np.array(table).reshape(2, 2)  # rows x1 = 0, 1; columns x2 = 0, 1
        ax.imshow(cells, cmap=LinearSegmentedColormap.from_list("tt", [BLUE, ORANGE]), vmin=0, vmax=1)
        for (i, j), v in np.ndenumerate(cells):
            ax.text(j, i, str(v), ha="center", va="center", color="white", fontsize=12, weight="bold")
        ok = info["count"] > 0
        for spine in ax.spines.values():
            spine.set_color(GREEN if ok else RED)
            spine.set_linewidth(3 if ok else 5)
        ax.set_xticks([])
        ax.set_yticks([])
        name = FUNCTION_NAMES[table]
        ax.set_title(words(f"pic_{name}") if name in ("false", "true") else name, fontsize=9, color=INK)
        ax.set_xlabel(words("pic_settings", n=f"{info['count']:,}") if ok else words("pic_none"), fontsize=9,
                      color=GREEN if ok else RED, weight="normal" if ok else "bold")
    fig.text(0.02, 0.02, words("pic_tile"), fontsize=9, color="#4b5563")
    return to_image(fig)


def perceptron(run, step: int | None = None, lang: str = "en") -> Image.Image:
    """Left: the points, the line after `step` updates (default: the last) and the earlier lines fading in;
    right: mistakes per epoch (zero means converged)."""
    step = run.updates if step is None else max(0, min(int(step), run.updates))
    limits = PERCEPTRON_LIMITS
    fig = new_figure(*PERCEPTRON_SIZE)
    ax = fig.add_axes(PERCEPTRON_AXES)
    w1, w2, b = run.history[step]
    if abs(w1) + abs(w2) > 1e-12:
        _shade(ax, w1, w2, b, limits)
    for k in range(max(0, step - 12), step):  # the last dozen lines before this one
        _line(ax, *run.history[k], limits, color=INK, lw=1, alpha=0.08 + 0.5 * (k - step + 12) / 12 * 0.5)
    _line(ax, w1, w2, b, limits, color=INK, lw=2.5)
    _points(ax, run.x, run.y, size=140 if len(run.x) <= 8 else 60)
    ax.set(xlim=limits, ylim=limits, xlabel="x1", ylabel="x2", xticks=[-0.5, 0, 0.5, 1, 1.5],
           yticks=[-0.5, 0, 0.5, 1, 1.5])
    acc = run.accuracy(step)
    words = say(lang)
    _style(ax, words("pic_after", step=step, updates=run.updates, acc=f"{acc:.0%}"))
    ax2 = fig.add_axes((0.55, 0.14, 0.42, 0.72))
    epochs = np.arange(1, run.epochs + 1)
    ax2.bar(epochs, run.mistakes, color=[GREEN if m == 0 else RED for m in run.mistakes], width=0.8)
    done = [e for e, m in zip(epochs, run.mistakes) if m == 0]
    ax2.scatter(done, [0] * len(done), s=120, c=GREEN, marker="o", zorder=3, clip_on=False)
    ax2.set(xlabel=words("pic_epoch"), ylabel=words("pic_mistakes"), xlim=(0.3, max(run.epochs, 5) + 0.7))
    ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_ylim(0, max(max(run.mistakes), 1) * 1.15)
    verdict = (words("pic_converged", epochs=run.epochs) if run.converged
               else words("pic_never", mistakes=run.mistakes[-1], epochs=run.epochs))
    _style(ax2, verdict)
    return to_image(fig)


def click_to_point(px: float, py: float, image_size: tuple[int, int]) -> tuple[float, float] | None:
    "Pixel (px, py) of a perceptron picture of `image_size` (width, height) -> data (x1, x2), or None outside."
    width, height = image_size
    left, bottom, w, h = PERCEPTRON_AXES
    ax_x = (px / width - left) / w
    ax_y = (1 - py / height - bottom) / h
    if not (0 <= ax_x <= 1 and 0 <= ax_y <= 1):
        return None
    lo, hi = PERCEPTRON_LIMITS
    return lo + ax_x * (hi - lo), lo + ax_y * (hi - lo)


def classifier(clf, title: str, valid: tuple[np.ndarray, np.ndarray] | None = None, lang: str = "en") -> Image.Image:
    "Left: the network's decision regions (P(class 1)) with the points; right: the loss curve."
    x = clf.x
    lo, hi = x.min(0) - 0.5, x.max(0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 120), np.linspace(lo[1], hi[1], 120))
    p = clf.proba(np.stack([gx.ravel(), gy.ravel()], 1)).reshape(gx.shape)
    fig = new_figure(10, 4.5)
    ax = fig.add_axes((0.08, 0.1, 0.36, 0.8))
    ax.imshow(p, extent=(lo[0], hi[0], lo[1], hi[1]), origin="lower", cmap=REGIONS, vmin=0, vmax=1,
              interpolation="bilinear", aspect="auto", zorder=0)
    if p.min() < 0.5 < p.max():
        ax.contour(gx, gy, p, levels=[0.5], colors=INK, linewidths=2)
    _points(ax, x, clf.y, size=140 if len(x) <= 8 else 28)
    if valid is not None and len(valid[0]) != len(x):
        vx, vy = valid
        ax.scatter(vx[:, 0], vx[:, 1], s=14, c=[ORANGE if v else BLUE for v in vy], marker="x", linewidths=1,
                   alpha=0.6, zorder=2)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="x1", ylabel="x2", aspect="equal")
    _style(ax, title)
    ax2 = fig.add_axes((0.55, 0.14, 0.42, 0.72))
    ax2.plot(np.arange(1, len(clf.losses) + 1), clf.losses, color=ORANGE, lw=2)
    ax2.set_yscale("log")
    words = say(lang)
    ax2.set(xlabel=words("pic_gd_step"), ylabel=words("pic_loss_axis"))
    _style(ax2, words("pic_loss", first=f"{clf.losses[0]:.3f}", last=f"{clf.losses[-1]:.4f}"))
    return to_image(fig)


def approximation(cmp, lang: str = "en") -> Image.Image:
    "The function, the shallow fit with each hidden unit's contribution, the deep fit, both loss curves."
    x = np.linspace(*cmp.domain, 400)
    y = cmp.target(x)
    pad = 0.15 * (y.max() - y.min() or 1)
    ylim = (y.min() - pad, y.max() + pad)
    fig = new_figure(13, 4.2)
    words = say(lang)
    panels = [(cmp.shallow, cmp.shallow_error, words("pic_shallow", units=cmp.shallow.model.hidden[0]), ORANGE),
              (cmp.deep, cmp.deep_error, words("pic_deep", depth=cmp.depth, width=cmp.width), BLUE)]
    for i, (fit, err, name, color) in enumerate(panels):
        ax = fig.add_axes((0.05 + i * 0.32, 0.14, 0.27, 0.72))
        units = fit.units(x)
        if units is not None and len(units) <= 64:
            for u in units:  # each unit's bent line, lifted to sit around the curve's middle
                ax.plot(x, u + fit.y_mean, color=color, lw=0.8, alpha=0.25)
        ax.plot(x, y, color=INK, lw=3, alpha=0.35, label=words("pic_target"))
        ax.plot(x, fit(x), color=color, lw=2, label=words("pic_network"))
        ax.set(ylim=ylim, xlabel="x")
        _style(ax, name + "\n" + words("pic_weights_error", params=fit.params, error=f"{err:.3f}"))
        if i == 0:
            ax.legend(frameon=False, fontsize=9, loc="best")
    ax = fig.add_axes((0.71, 0.14, 0.27, 0.72))
    ax.plot(cmp.shallow.losses, color=ORANGE, lw=2, label=words("pic_one_layer"))
    ax.plot(cmp.deep.losses, color=BLUE, lw=2, label=words("pic_layers", depth=cmp.depth))
    ax.set_yscale("log")
    ax.set(xlabel=words("pic_gd_step"), ylabel=words("pic_mse"))
    ax.legend(frameon=False, fontsize=9)
    _style(ax, f"f(x) = {cmp.function}" if len(cmp.function) < 40 else words("pic_curves"))
    return to_image(fig)
