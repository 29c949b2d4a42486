"""The history told in the Space: a timeline, and the eight parts of the PDP framework, each pointing at the
experiment that plays it. Text is short; the pictures carry it."""
from __future__ import annotations

import textwrap
from functools import lru_cache

from shared.tasks.history import plots
from shared.tasks.history.timeline import TIMELINE, TIMELINE_KO


@lru_cache(maxsize=2)
def timeline_image(lang: str = "en"):
    "Eighty years on one line (events evenly spaced, not to scale; the gap is the AI winter), words in `lang`."
    lang = lang if lang == "en" or plots.korean() else "en"  # no Hangul font: English
    say = plots.say(lang)
    if lang == "ko":  # the six dates as timeline.py tells them in Korean
        events = TIMELINE_KO
    else:
        events = [(f"{year}  {who}", what, tab) for year, who, what, tab in TIMELINE]
    fig = plots.new_figure(12, 3.8)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.axis("off")
    n = len(TIMELINE)
    ax.set(xlim=(-0.65, n - 0.35), ylim=(-1.3, 1.3))
    ax.plot([-0.5, n - 0.5], [0, 0], color=plots.GREY, lw=2, zorder=1)
    winter = (2 + 3) / 2  # between 1969 and 1986
    ax.text(winter, -0.08, say("pic_winter"), ha="center", va="top", fontsize=9, color="#6b7280", style="italic")
    colors = [plots.BLUE, plots.ORANGE, plots.RED, plots.GREEN, "#7c3aed", plots.INK]
    wrap = 32 if lang == "en" else 19  # a Hangul syllable is about twice as wide as a Latin letter
    for k, ((head, what, tab), color) in enumerate(zip(events, colors)):
        up = 1 if k % 2 == 0 else -1
        ax.scatter([k], [0], s=180, c=color, zorder=3, edgecolors="white", linewidths=2)
        ax.plot([k, k], [0, 0.25 * up], color=color, lw=1.5, zorder=2)
        text = "\n".join(textwrap.wrap(what, wrap)) + f"\n→ {tab}"
        if up > 0:
            ax.text(k, 1.22, head, ha="center", va="top", fontsize=10.5, color=color, weight="bold")
            ax.text(k, 1.0, text, ha="center", va="top", fontsize=8.5, color="#374151", linespacing=1.3)
        else:
            ax.text(k, -0.36, head, ha="center", va="top", fontsize=10.5, color=color, weight="bold")
            ax.text(k, -0.58, text, ha="center", va="top", fontsize=8.5, color="#374151", linespacing=1.3)
    return plots.to_image(fig)


@lru_cache(maxsize=2)
def pdp_image(lang: str = "en"):
    "A small network with the eight PDP parts pinned on it, words in `lang`."
    say = plots.say(lang)
    fig = plots.new_figure(10, 4.8)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.axis("off")
    ax.set(xlim=(-0.2, 4.4), ylim=(-0.45, 3.3))
    layers = {0: [1.0, 2.0], 1: [0.5, 1.5, 2.5], 2: [1.5]}
    xs = {0: 0.6, 1: 1.9, 2: 3.2}
    for (a, b) in ((0, 1), (1, 2)):
        for ya in layers[a]:
            for yb in layers[b]:
                ax.plot([xs[a], xs[b]], [ya, yb], color=plots.GREY, lw=1.4, zorder=1)
    colors = {0: "#93c5fd", 1: plots.ORANGE, 2: plots.BLUE}
    for layer, ys in layers.items():
        for y in ys:
            ax.scatter([xs[layer]], [y], s=1100, c=colors[layer], edgecolors="white", linewidths=2, zorder=3)
    ax.text(xs[0] - 0.45, 1.5, say("pic_inputs"), ha="center", fontsize=10, color=plots.INK)
    ax.text(xs[1] + 0.0, 0.5, "tanh", ha="center", va="center", fontsize=8, color="white", zorder=4)
    ax.text(xs[2], 1.5, "σ", ha="center", va="center", fontsize=13, color="white", zorder=4)
    ax.text(3.75, 1.5, say("pic_p1"), va="center", fontsize=10, color=plots.INK)
    notes = [  # (number, where the pin goes, where the label sits, label)
        (1, (xs[1], 2.5), (2.1, 3.12), say("pic_pdp1")),
        (2, (xs[1], 1.5), (0.75, 2.9), say("pic_pdp2")),
        (3, (xs[2], 1.5), (3.55, 0.95), say("pic_pdp3")),
        (4, (1.25, 1.25), (0.95, 0.1), say("pic_pdp4")),
        (5, (2.55, 1.0), (2.7, 0.25), say("pic_pdp5")),
        (6, (xs[1], 0.5), (2.35, -0.3), say("pic_pdp6")),
        (7, (2.55, 2.0), (3.05, 2.45), say("pic_pdp7")),
        (8, (xs[0], 1.0), (-0.1, -0.3), say("pic_pdp8")),
    ]
    for n, (px, py), (lx, ly), label in notes:
        ax.annotate(f"{n}  {label}", xy=(px, py), xytext=(lx, ly), fontsize=10, color=plots.INK,
                    arrowprops=dict(arrowstyle="-", color="#6b7280", lw=1, shrinkB=4),
                    bbox=dict(boxstyle="round,pad=0.3", fc="#f9fafb", ec="#d1d5db"), zorder=5)
    return plots.to_image(fig)
