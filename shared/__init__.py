"""Chapter One Spaces: the shared package.

Data flows one way: data -> fastai learner -> pickle-free artifact (weights + ONNX) -> serving Predictor ->
Gradio app. Each application area is a task package in `shared.tasks` with the same shape: a training side
(fastai, torch) and a serving side (ONNX Runtime, numpy) that a Space imports alone.
"""

__version__ = "0.1.0"
