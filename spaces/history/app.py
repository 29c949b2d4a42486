"""From a threshold neuron to deep learning: chapter 1's history as five small live experiments."""
import math

import gradio as gr

from shared.serving import ui
from shared.serving.errors import Refused
from shared.tasks.history import approx, data, experiments as ex, story
from shared.tasks.history.words import T

TIMELINE, PDP = story.timeline_image(), story.pdp_image()  # drawn once at start (Korean ones on first demand)
REPLAY_FRAMES = 12  # pictures per replay: each costs CPU (BENCHMARKS: history), so a replay stays a few seconds


def predict(dataset: str = "xor", hidden: int = 4, steps: int = 300, lr: float = 0.1, seed: int = 0,
            activation: str = "tanh", request: gr.Request = None):
    """Train a two-layer neural network (2 inputs -> hidden units -> 1 output) with gradient descent written out in numpy.

    Args:
        dataset: one of and, or, xor, nand, nor, circles, spirals.
        hidden: number of hidden units (1 to 64); XOR needs at least 2.
        steps: full-batch gradient descent steps (Adam), 10 to 1000.
        lr: learning rate (0.005 to 0.5).
        seed: seed of the initial weights, a whole number >= 0 (same seed, same result).
        activation: tanh, relu or sigmoid for the hidden layer.

    Returns:
        the training accuracy (0 to 1), a picture of the decision regions and the loss curve, a summary.
    """
    acc, image, words, _ = ex.two_layers(dataset, hidden, steps, lr, seed, activation, ui.lang(request))
    return acc, image, words


def neuron(w1: float, w2: float, threshold: float, target: str, request: gr.Request = None):
    """A McCulloch-Pitts threshold neuron: fires 1 when w1*x1 + w2*x2 >= threshold.

    Args:
        w1: weight of input x1. w2: weight of input x2. threshold: the firing threshold (each -3 to 3).
        target: the gate to compare with: and, or, not x1, nand, nor, xor, xnor.

    Returns:
        the truth table (x1, x2, sum, output, target, ok), a picture, a verdict.
    """
    return ex.neuron(w1, w2, threshold, target, ui.lang(request))


def neuron_set(target: str, request: gr.Request = None):
    "Sliders set to a known solution for the target gate, and the result."
    w1, w2, threshold = ex.neuron_solution(target)
    return w1, w2, threshold, target, *neuron(w1, w2, threshold, target, request)


def neuron_search(request: gr.Request = None):
    """Try every threshold-neuron setting on a grid and report which of the 16 two-input truth tables appear.

    Returns:
        the number of settings computing each function (XOR and XNOR: 0), a picture, a summary.
    """
    return ex.neuron_search(lang=ui.lang(request))


def perceptron(dataset: str = "and", lr: float = 1.0, epochs: int = 30, points=None, step=None,
               request: gr.Request = None):
    """Train Rosenblatt's perceptron on a logic gate or on your own points, and say whether it converged.

    Args:
        dataset: and, or, xor, nand, nor, or "my points" (then `points` are rows x1, x2, label 0/1).
        lr: learning rate of the perceptron rule (0.1 to 2). epochs: the most passes over the data (1 to 100).
        points: rows [x1, x2, label] used when dataset is "my points".
        step: draw the decision line after this many updates (empty: after the last).

    Returns:
        facts (converged, epochs, updates, mistakes per epoch, accuracy, weights), a picture, a summary.
    """
    return ex.perceptron(dataset, lr, epochs, step, points, ui.lang(request))


def perceptron_replay(dataset, lr, epochs, points, request: gr.Request = None):
    "The training replayed as REPLAY_FRAMES pictures (one replay at a time: the queue holds the others)."
    for step, image in ex.perceptron_frames(dataset, lr, epochs, points, frames=REPLAY_FRAMES, lang=ui.lang(request)):
        yield image, step


def add_point(points, label, evt: gr.SelectData):
    "A click on the perceptron picture adds a point of the chosen class there."
    from shared.tasks.history.plots import DPI, PERCEPTRON_SIZE, click_to_point
    index = getattr(evt, "index", None)
    if not (isinstance(index, (list, tuple)) and len(index) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in index)):
        raise Refused(T, "h_click_inside")
    where = click_to_point(*index, (PERCEPTRON_SIZE[0] * DPI, PERCEPTRON_SIZE[1] * DPI))
    if where is None:
        raise Refused(T, "h_click_inside")
    rows = points.values.tolist() if hasattr(points, "values") else list(points or [])
    rows = [r for r in rows if r and any(v not in (None, "") for v in r)]
    return rows + [[round(where[0], 2), round(where[1], 2), int(label)]], ex.MY_POINTS


def approximate(function: str = "sin(2*x)", units: int = 8, depth: int = 3, steps: int = 500, seed: int = 0,
                activation: str = "tanh", request: gr.Request = None):
    """Fit a function of x on [-3, 3] with one hidden layer of `units` units, and with a deeper network of
    `depth` hidden layers holding about as many weights; compare their errors.

    Args:
        function: a formula in x, e.g. sin(2*x), abs(x), where(x > 0, 1, 0), exp(-2*x**2).
        units: hidden units of the one-layer network (1 to 64). depth: hidden layers of the deep one (2 to 5).
        steps: gradient descent steps (Adam), 100 to 1000. seed: seed of the initial weights (>= 0).
        activation: tanh or relu.

    Returns:
        facts (errors and weight counts of both networks), a picture, a summary.
    """
    return ex.approximation(function, units, depth, steps, seed=seed, activation=activation, lang=ui.lang(request))


def pictures(request: gr.Request = None):
    "The timeline and the PDP picture in the visitor's language (an English page keeps the ones it has)."
    lang = ui.lang(request)
    return (gr.skip(), gr.skip()) if lang == "en" else (story.timeline_image(lang), story.pdp_image(lang))


def choices(names, words: dict[str, str]):
    "Radio/dropdown choices shown in the page's language ((label, value) pairs), the API keeping the values."
    return [(str(T(words[n])) if n in words else n, n) for n in names]


with gr.Blocks(title=T("title")) as demo:
    gr.Markdown(T("intro"))
    timeline = gr.Image(TIMELINE, show_label=False, interactive=False, buttons=["download", "fullscreen"])
    with gr.Tab(T("tab_neuron")):
        gr.Markdown(T("neuron_about"))
        with gr.Row():
            with gr.Column():
                w1 = gr.Slider(-3, 3, 1, step=0.25, label=T("w1"))
                w2 = gr.Slider(-3, 3, 1, step=0.25, label=T("w2"))
                threshold = gr.Slider(-3, 3, 2, step=0.25, label=T("threshold"))
                target = gr.Dropdown(list(ex.NEURON_TARGETS), value="and", label=T("compare"))
                with gr.Row():
                    sets = {g: gr.Button(T(key), size="sm") for g, key in (("and", "set_and"), ("or", "set_or"),
                                                                            ("not x1", "set_not"))}
                search = gr.Button(T("search"), variant="secondary")
            with gr.Column():
                neuron_image = gr.Image(show_label=False, type="pil", format="png", buttons=["download", "fullscreen"])
                neuron_verdict = gr.Markdown()
                table = gr.Dataframe(headers=["x1", "x2", "sum", "output", "target", "ok"], interactive=False)
        search_image = gr.Image(show_label=False, type="pil", format="png", buttons=["download", "fullscreen"])
        search_words = gr.Markdown()
        search_counts = gr.JSON(visible=False)
        neuron_io = ([w1, w2, threshold, target], [table, neuron_image, neuron_verdict])
        gr.on([w1.input, w2.input, threshold.input, target.change, demo.load], neuron, *neuron_io, api_name="neuron")
        for gate, button in sets.items():
            button.click(neuron_set, gr.State(gate), [w1, w2, threshold, target, *neuron_io[1]],
                         api_visibility="private")
        search.click(neuron_search, None, [search_counts, search_image, search_words], api_name="neuron_search")

    with gr.Tab(T("tab_perceptron")):
        gr.Markdown(T("perceptron_about"))
        with gr.Row():
            with gr.Column(scale=1):
                p_data = choices(ex.PERCEPTRON_DATASETS, {ex.MY_POINTS: "my_points"})
                p_dataset = gr.Radio(p_data, value="and", label=T("data"))
                p_lr = gr.Slider(0.1, 2, 1, step=0.1, label=T("lr"))
                p_epochs = gr.Slider(1, 100, 30, step=1, label=T("epochs"))
                with gr.Row():
                    p_train = gr.Button(T("train_perceptron"), variant="primary")
                    p_replay = gr.Button(T("replay"))
                p_step = gr.Slider(0, 200, 0, step=1, label=T("step"))
                p_label = gr.Radio([(str(T("blue_0")), 0), (str(T("orange_1")), 1)], value=1, label=T("click_class"))
                p_points = gr.Dataframe(ex.EXAMPLE_POINTS, headers=["x1", "x2", "label"], datatype="number",
                                        column_count=3, type="array", label=T("points"), interactive=True)
            with gr.Column(scale=2):
                p_image = gr.Image(show_label=False, type="pil", format="png", buttons=["download", "fullscreen"])
                p_words = gr.Markdown()
                with gr.Accordion(T("facts"), open=False):
                    p_facts = gr.JSON(show_label=False)
        p_in = [p_dataset, p_lr, p_epochs, p_points]
        trained = gr.on([p_train.click, p_dataset.change, demo.load], perceptron, p_in, [p_facts, p_image, p_words],
                        api_name="perceptron")
        def step_slider(facts):
            return gr.Slider(maximum=max(facts["updates"], 1), value=facts["updates"])

        trained.then(step_slider, p_facts, p_step, api_visibility="private")
        p_step.release(perceptron, [*p_in, p_step], [p_facts, p_image, p_words], api_visibility="private")
        p_replay.click(perceptron_replay, p_in, [p_image, p_step], api_visibility="private", concurrency_limit=1,
                       concurrency_id="replay")
        p_image.select(add_point, [p_points, p_label], [p_points, p_dataset], api_visibility="private").then(
            perceptron, p_in, [p_facts, p_image, p_words], api_visibility="private").then(
            step_slider, p_facts, p_step, api_visibility="private")

    with gr.Tab(T("tab_layers")):
        gr.Markdown(T("layers_about"))
        with gr.Row():
            with gr.Column(scale=1):
                t_dataset = gr.Radio(choices(data.DATASETS, {d: f"ds_{d}" for d in data.SHAPES}), value="xor",
                                     label=T("data"))
                t_hidden = gr.Slider(1, 64, 4, step=1, label=T("hidden"))
                t_steps = gr.Slider(10, 1000, 300, step=10, label=T("steps"))
                t_lr = gr.Slider(0.005, 0.5, 0.1, step=0.005, label=T("lr"))
                t_activation = gr.Radio(["tanh", "relu", "sigmoid"], value="tanh", label=T("activation"))
                t_seed = gr.Number(0, precision=0, minimum=0, label=T("seed"))
                t_train = gr.Button(T("train_net"), variant="primary")
            with gr.Column(scale=2):
                t_image = gr.Image(elem_id="history-answer", show_label=False, type="pil", format="png",
                                   buttons=["download", "fullscreen"])
                t_acc = gr.Number(label=T("accuracy"))
                t_words = gr.Markdown()
        t_in = [t_dataset, t_hidden, t_steps, t_lr, t_seed, t_activation]
        examples = gr.Examples([["xor", 1, 300, 0.1, 0, "tanh"], ["xor", 2, 300, 0.1, 0, "tanh"],
                                ["xor", 2, 300, 0.1, 1, "tanh"], ["circles", 3, 300, 0.1, 0, "tanh"],
                                ["spirals", 4, 300, 0.1, 0, "tanh"], ["spirals", 32, 500, 0.05, 0, "relu"]],
                               t_in, label=T("try_these"))
        gr.on([t_train.click, t_dataset.change, demo.load], predict, t_in, [t_acc, t_image, t_words],
              api_name="predict")
        examples.load_input_event.then(predict, t_in, [t_acc, t_image, t_words], api_visibility="private")
        ui.bring_into_view(examples, t_image)

    with gr.Tab(T("tab_approx")):
        gr.Markdown(T("approx_about"))
        with gr.Row():
            with gr.Column(scale=1):
                a_function = ui.free_text(gr.Dropdown(
                    [(str(T(f"fn_{k.replace(' ', '_')}")), v) for k, v in approx.PRESETS.items()], value="sin(2*x)",
                    allow_custom_value=True,
                    label=T("function")), "a formula in x, e.g. sin(2*x), abs(x), exp(-2*x**2)")
                a_units = gr.Slider(1, 64, 8, step=1, label=T("units"))
                a_depth = gr.Slider(2, 5, 3, step=1, label=T("depth"))
                a_steps = gr.Slider(100, 1000, 500, step=100, label=T("steps"))
                a_activation = gr.Radio(["tanh", "relu"], value="tanh", label=T("activation"))
                a_seed = gr.Number(0, precision=0, minimum=0, label=T("seed"))
                a_fit = gr.Button(T("fit"), variant="primary")
            with gr.Column(scale=3):
                a_image = gr.Image(show_label=False, type="pil", format="png", buttons=["download", "fullscreen"])
                a_words = gr.Markdown()
                with gr.Accordion(T("facts"), open=False):
                    a_facts = gr.JSON(show_label=False)
        gr.on([a_fit.click, a_function.change, demo.load], approximate,
              [a_function, a_units, a_depth, a_steps, a_seed, a_activation], [a_facts, a_image, a_words],
              api_name="approximate")

    with gr.Tab(T("tab_pdp")):
        pdp = gr.Image(PDP, show_label=False, interactive=False, buttons=["download", "fullscreen"])
        gr.Markdown(T("pdp"))
        with gr.Accordion(T("six_dates"), open=False):
            gr.Markdown(T("timeline"))
    demo.load(pictures, None, [timeline, pdp], api_visibility="private")

if __name__ == "__main__":
    ui.launch(demo)
