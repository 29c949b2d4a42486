"""The numbers READMEs quote, generated from the models' cards: never copied by hand.

    python -m shared.ops.readme           # rewrite every generated block of README.md and spaces/*/README.md
    python -m shared.ops.readme --check   # exit 1 when a block is not what the cards say (a test runs this)

A block is `<!-- generated:NAME -->` ... `<!-- /generated -->` in a README (indented as its marker); NAME is a
function of `BLOCKS`. The
numbers are each committed model's metrics from its config.json, the very numbers its card (README.md beside it,
written from them by `python -m shared.training.card`) shows; `tests/test_cards.py` checks that the cards agree with them.
"""
from __future__ import annotations

import json
import re
import sys

from shared import REPO
SPACES = REPO / "spaces"
FILES = [REPO / "README.md", *sorted(SPACES.glob("*/README.md"))]
BLOCK = re.compile(r"^([ \t]*)(<!-- generated:([\w-]+) -->\n)(.*?)^([ \t]*<!-- /generated -->)", re.S | re.M)


def metrics(space: str) -> dict:
    "The committed model's metrics (what its card shows)."
    return json.loads((SPACES / space / "model" / "config.json").read_text())["metrics"]


def duration(seconds: float | None) -> str:
    if not seconds:
        return "not recorded on the card"
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def sentiment_results() -> str:
    m = metrics("sentiment")
    return (f"On the card's {m['n_valid_reviews']:,} validation reviews (IMDB test reviews, never trained on; the "
            f"verdict's weights fitted on them, its accuracy cross-fitted): baseline {m['baseline_accuracy']:.4f}, "
            f"transformer {m['transformer_accuracy']:.4f}, verdict {m['accuracy']:.4f}.\n")


# Each kind of held-out photo the colorize card reports, in the order README names them.
COLORIZE_KINDS = {"pets": "held-out Oxford pet photos", "scenes": "varied scenes (monuments, streets, landscapes, "
                  "plants, animals, objects)", "streets": "of those, streets and buildings (a check, too few to claim)",
                  "coco": "small COCO photos", "cats_vs_dogs": "Kaggle cats and dogs"}


def colorize_results() -> str:
    m = metrics("colorize")
    parts = [f"{m[k + '_photos']} {what}: **{m[k + '_psnr_gain']:+.2f} dB**, {m[k + '_closer_than_grey']:.0%} closer "
             f"than grey, {m[k + '_colourfulness_ratio']:.0%} of the truth's colourfulness"
             for k, what in COLORIZE_KINDS.items() if f"{k}_photos" in m]
    return ("PSNR gain of the colour output over the grey input, the share of photos that come out closer to the "
            "truth than grey, and the share of the truth's colourfulness: " + "; ".join(parts) + ".\n")


def model_table() -> str:
    "Every committed model: its held-out numbers and its training time, from its card."
    p, s, c, r = (metrics(n) for n in ("pets", "sentiment", "colorize", "recommend"))
    k = next(key.split("@")[1] for key in r if key.startswith("visitor_recall@") and key.count("_") == 1)
    rows = [
        ("pets", f"breed top-1 {p['breed_top1']:.3f} ({p['cv_folds']}-fold cross-validation over {p['breed_photos']} "
                 f"Oxford photos), cat-or-dog {p['cat_dog_kaggle']:.3f} ({p['kaggle_photos']:,} Kaggle photos), "
                 f"'neither' for {p['neither_scenes']:.1%} of {p['scenes_photos']} scenes and "
                 f"{p['false_neither_kaggle']:.1%} of the Kaggle pets",
         p.get("train_seconds")),
        ("sentiment", f"verdict {s['accuracy']:.4f}, transformer {s['transformer_accuracy']:.4f}, n-gram baseline "
                      f"{s['baseline_accuracy']:.4f} ({s['n_valid_reviews']:,} validation reviews)",
         s.get("train_seconds")),
        ("colorize", f"{c['pets_psnr_gain']:+.2f} dB PSNR over the grey input on {c['pets_photos']} Oxford pets, "
                     f"{c['scenes_psnr_gain']:+.2f} dB on {c['scenes_photos']} varied scenes",
         c.get("train_seconds")),
        ("recommend", f"RMSE {r['rmse']:.4f} (bias-only {r['rmse_bias_only']:.4f}); new visitors' recall@{k} "
                      f"{r[f'visitor_recall@{k}']:.4f} ({r[f'visitor_recall@{k}_vs_popular']:.2f}x the most "
                      f"popular movies, {r['n_heldout_users']} held-out users)",
         r.get("train_seconds")),
    ]
    lines = ["| model (`spaces/<name>/model/`) | held out, through the serving path (its card) | training (fit only) |",
             "|---|---|---|"]
    lines += [f"| {name} | {text} | {duration(t)} |" for name, text, t in rows]
    return "\n".join(lines) + "\n"


BLOCKS = {"sentiment-results": sentiment_results, "colorize-results": colorize_results, "models": model_table}


def render(text: str) -> str:
    def fill(m):
        indent, name = m.group(1), m.group(3)
        if name not in BLOCKS:
            raise KeyError(f"no generator for block {name!r}; known: {', '.join(BLOCKS)}")
        body = "".join(indent + line for line in BLOCKS[name]().splitlines(keepends=True))
        return indent + m.group(2) + body + m.group(5)
    return BLOCK.sub(fill, text)


def main(argv=None) -> int:
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    stale = []
    for path in FILES:
        text = path.read_text()
        new = render(text)
        if new != text:
            stale.append(str(path.relative_to(REPO)))
            if not check:
                path.write_text(new)
    if stale:
        print(("stale (python -m shared.ops.readme): " if check else "wrote: ") + ", ".join(stale))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
