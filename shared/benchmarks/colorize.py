"""Colorize latency on CPU: the lean serving path for 256, 512 and 2048 px photos (goal: <= 1 s at 512 px).

    python -m shared.bench colorize [--quick]

Rows: the whole `Predictor.colorize` (network at working resolution + full-resolution Lab recombination),
the network alone (ONNX Runtime), and the lossless PNG encoding the Space adds (Gradio's, PIL's default level).
ONNX Runtime runs on the Space's threads a request (`runtime.serving_threads()`: 1 on 2 cores).
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image

from shared.bench import summary, timings

SIDES = (256, 512, 2048)


def photo(side: int) -> Image.Image:
    "An example photo of the Space, scaled (up or down) to side x side."
    folder = Path(__file__).resolve().parents[2] / "spaces" / "colorize" / "examples"
    path = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".png"))[0]
    return Image.open(path).convert("RGB").resize((side, side), Image.BICUBIC)


def run(args) -> list[dict]:
    from shared import runtime
    from shared.tasks.colorize.serve import Predictor
    model = os.environ.get("COLORIZE_MODEL") or str(Path(__file__).resolve().parents[2] / "spaces" / "colorize" / "model")
    predictor = Predictor.load(model)
    n, warm = (3, 1) if args.quick else (20, 3)
    rows = []
    for side in SIDES:
        img = photo(side)
        reps = max(3, n // 4) if side >= 2048 else n
        small = img.resize(predictor.working_size(*img.size), Image.BILINEAR)
        rows.append({"what": "colorize (whole serving path)", "input": f"{side}x{side}",
                     **summary(timings(lambda: predictor.colorize(img), reps, warm))})
        rows.append({"what": "network alone", "input": f"{side}x{side} -> {small.width}x{small.height}",
                     **summary(timings(lambda: predictor.predict_ab(small), reps, warm))})
        out = predictor.colorize(img)
        rows.append({"what": "PNG encoding (Gradio)", "input": f"{side}x{side}",
                     **summary(timings(lambda: out.save(io.BytesIO(), "png"), reps, warm))})
    for r in rows:
        r["threads"] = runtime.serving_threads()  # as the Space runs it: its cores shared by two requests
    return rows
