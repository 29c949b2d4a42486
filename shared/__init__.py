"""Chapter One Spaces: the shared package.

Data flows one way: data -> fastai learner -> pickle-free artifact (weights + ONNX) -> serving Predictor ->
Gradio app. Each application area is a task package in `shared.tasks` with the same shape: a training side
(fastai, torch) and a serving side (ONNX Runtime, numpy) that a Space imports alone.
"""

from pathlib import Path

__version__ = "0.1.0"
REPO = Path(__file__).resolve().parent.parent  # the checkout, or a bundle's root (shared/ copied beside app.py)
