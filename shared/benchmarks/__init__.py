"""One benchmark module per task: `run(args) -> list[dict]`, driven by `python -m shared.bench TASK`."""
