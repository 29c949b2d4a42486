"""Chapter One Spaces: the shared package.

Data flows one way: data -> fastai learner -> pickle-free artifact -> lean predictor -> Gradio app.
Each application area is a task module in `shared.tasks` with the same small interface.
"""

__version__ = "0.1.0"
