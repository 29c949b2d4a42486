"""The history told in the Space: a timeline, and the eight parts of the PDP framework, each pointing at the
experiment that plays it. Text is short; the pictures carry it."""
from __future__ import annotations

import textwrap
from functools import lru_cache

from shared.history import plots

TIMELINE = [  # year, who/what, one line, the tab that replays it
    (1943, "McCulloch & Pitts", "a neuron as a threshold unit: logic from weighted sums", "Threshold neuron"),
    (1958, "Rosenblatt's perceptron", "the Mark I learns its own weights from mistakes (1957/58)", "Perceptron"),
    (1969, "Minsky & Papert, Perceptrons", "one layer cannot learn XOR; many layers could, but how to train them?",
     "Perceptron"),
    (1986, "Parallel Distributed Processing", "Rumelhart, McClelland & the PDP group: the framework, and backprop "
     "trains hidden layers", "Two layers"),
    (1989, "Universal approximation", "one hidden layer can approximate any function (Cybenko; Hornik et al.), "
     "if it is big enough", "Approximation"),
    (2012, "Deep learning", "more layers, GPUs, lots of data: AlexNet wins ImageNet, and chapter 1 begins",
     "Approximation"),
]

PDP = [  # part, what it is, where to see it in the experiments
    ("A set of processing units", "the neurons",
     "the one unit of *Threshold neuron*; the hidden-units slider of *Two layers*"),
    ("A state of activation", "each unit's value for the current input",
     "the *sum* and *output* columns of the truth table; each thin line in *Approximation* is one unit's activation"),
    ("An output function for each unit", "what a unit sends on",
     "the threshold (fire 1 when the sum reaches θ); the sigmoid that turns the last unit into a probability"),
    ("A pattern of connectivity among units", "who talks to whom, with which weight",
     "the weights w1, w2; fully connected layers; *Approximation* spends the same weights on 1 or more layers"),
    ("A propagation rule", "how activity flows along the connections",
     "the weighted sum w·x + b (the *sum* column), i.e. a matrix multiply in `nn.Linear`"),
    ("An activation rule", "how a unit combines its inputs into its state",
     "the step of the perceptron; tanh or ReLU in *Two layers* and the bent lines of *Approximation*"),
    ("A learning rule", "how experience changes the connections",
     "Rosenblatt's rule in *Perceptron* (mistakes per epoch); gradient descent in *Two layers* (the loss curve)"),
    ("An environment", "the world the system learns from",
     "the datasets: AND / OR / XOR, the points you click, circles, spirals, the function you type"),
]


def pdp_markdown() -> str:
    rows = "\n".join(f"| {i} | **{part}** ({what}) | {where} |" for i, (part, what, where) in enumerate(PDP, 1))
    return ("The PDP books (Rumelhart, McClelland et al., 1986) list eight things a neural network needs. "
            "Every one of them is in the experiments above:\n\n| | part | where to see it |\n|---|---|---|\n" + rows)


def timeline_markdown() -> str:
    return "\n".join(f"- **{year} · {who}**: {what} (*{tab}* tab)" for year, who, what, tab in TIMELINE)


@lru_cache(maxsize=2)
def timeline_image(lang: str = "en"):
    "Eighty years on one line (events evenly spaced, not to scale; the gap is the AI winter), words in `lang`."
    lang = lang if lang == "en" or plots.korean() else "en"  # no Hangul font: English
    say = plots.say(lang)
    if lang == "ko":  # the six dates as the words module tells them in Korean
        from shared.words.history import TIMELINE_KO as events
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
