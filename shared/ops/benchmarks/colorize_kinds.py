"""Colorize models side by side, per kind of held-out photo, with 95% intervals: the BENCHMARKS table.

    python -m shared.ops.benchmarks.colorize_kinds spaces/colorize/model retrained=/tmp/other [--json results.json]
    python -m shared.ops.benchmarks.colorize_kinds spaces/colorize/model --grey luma   # grey photos as tools make them

Each model is measured through the serving path (`shared.training.evaluate`, as a Space loads it) on the held-out
photos of its own folders; a cell is PSNR gain over the grey input / share of photos closer than grey /
colourfulness over the truth's, each with its 95% interval (`evaluate.confidence_intervals`), and the count.
With --json, also the full metrics of each model.
"""
from __future__ import annotations

import argparse
import json

from shared.tasks.colorize.evaluate import GREYS

KINDS = ("pets", "scenes", "streets", "coco", "cats_vs_dogs")
NAMES = {"pets": "pets", "scenes": "scenes", "streets": "streets and buildings among the scenes",
         "coco": "COCO", "cats_vs_dogs": "Kaggle cats and dogs"}


def cell(m: dict, kind: str) -> str:
    "'+0.67 dB [-0.03, 1.35] / 61.0% [50.2, 70.8] / 0.61 [0.55, 0.69]' for one kind of one model."
    if f"{kind}_photos" not in m:
        return "-"
    ci = lambda k: m.get(f"{kind}_{k}_ci95")
    gain, closer, colour = ci("psnr_gain"), ci("closer_than_grey"), ci("colourfulness_ratio")
    text = (f"{m[kind + '_psnr_gain']:+.2f} dB [{gain[0]:+.2f}, {gain[1]:+.2f}] / "
            f"{m[kind + '_closer_than_grey']:.1%} [{closer[0]:.1%}, {closer[1]:.1%}] / "
            f"{m[kind + '_colourfulness_ratio']:.2f} [{colour[0]:.2f}, {colour[1]:.2f}]")
    return text


def table(results: dict[str, dict]) -> str:
    "A markdown table: a row per kind of photo (with its count), a column per model."
    head = "| held-out photos | " + " | ".join(f"`{name}`" for name in results) + " |"
    rows = [head, "|---|" + "---|" * len(results)]
    for kind in KINDS:
        counts = {m.get(f"{kind}_photos") for m in results.values()} - {None}
        if not counts:
            continue
        n = "/".join(str(c) for c in sorted(counts))
        rows.append(f"| {NAMES[kind]} ({n}) | " + " | ".join(cell(m, kind) for m in results.values()) + " |")
    return "\n".join(rows)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m shared.ops.benchmarks.colorize_kinds", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="+", help="model folders, each optionally named: NAME=FOLDER (the last = splits)")
    p.add_argument("--json", help="also write every model's metrics here")
    p.add_argument("--grey", default="lab", choices=tuple(GREYS),
                   help="how the photos are turned grey: 'lab' (the model reads L; the card's numbers) or 'luma' (a "
                        "grey photo as most tools make it, Rec. 601, sent as a visitor sends it)")
    args = p.parse_args(argv)
    from shared.training.evaluate import evaluate
    named = dict(m.rsplit("=", 1) if "=" in m else (m, m) for m in args.models)
    results = {name: evaluate("colorize", folder, grey=args.grey) for name, folder in named.items()}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(table(results))
    return results


if __name__ == "__main__":
    main()
