"""One benchmark per module: `run(args) -> list[dict]`, run as `python -m shared.ops.benchmarks.NAME` (shared.ops.bench)."""
