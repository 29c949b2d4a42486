"""The sentiment Space's default model in one command: its passes, in order, each one run of the training CLI.

    python -m shared.tasks.sentiment.lineage --out spaces/sentiment/model              # = make train-sentiment (hours)
    python -m shared.tasks.sentiment.lineage --lineage tiny --out /tmp/sentiment      # the same passes, tiny (tests)

The n-gram baseline first; then the transformer, each pass `--init-from` the one before and combined with that
baseline (`--baseline-model`); the last pass writes `--out`, carrying the baseline in baseline/. Earlier passes go
to `--work` (one folder each, kept: a pass can be rerun by hand from its card's command). The last card lists the
transformer's commands in order; the baseline's card its own.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from shared.training import cli

# each lineage: (pass name, preset, extra flags) in order; the first pass trains the n-gram baseline
LINEAGES = {
    "default": [("ngram", "cpu", []), ("minilm-1", "minilm", []), ("minilm-2", "minilm-more", []),
                ("minilm-3", "minilm-third", [])],
    "tiny": [("ngram", "tiny", []), ("minilm-1", "minilm-tiny", []), ("minilm-2", "minilm-tiny", ["--lr", "5e-5"])],
}


def commands(lineage: str, out, work) -> list[list[str]]:
    "The training CLI's argv of every pass: the n-gram one, then each transformer pass from the one before."
    work, passes, argvs = Path(work), LINEAGES[lineage], []
    baseline = work / passes[0][0]
    for i, (name, preset, extra) in enumerate(passes):
        folder = Path(out) if i == len(passes) - 1 else work / name
        argv = ["sentiment", "--preset", preset, *extra, "--out", str(folder)]
        if i:
            argv += ["--baseline-model", str(baseline)]
        if i > 1:
            argv += ["--init-from", str(work / passes[i - 1][0])]
        argvs.append(argv)
    return argvs


def main(argv=None) -> Path:
    p = argparse.ArgumentParser(prog="python -m shared.tasks.sentiment.lineage", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lineage", default="default", choices=sorted(LINEAGES))
    p.add_argument("--out", required=True, help="the final model's folder (transformer + baseline/)")
    p.add_argument("--work", help="the earlier passes' folders (default: models/sentiment-<lineage>-passes)")
    args = p.parse_args(argv)
    work = args.work or f"models/sentiment-{args.lineage}-passes"
    folder = None
    for step in commands(args.lineage, args.out, work):
        print("pass: python -m shared.training " + " ".join(step), flush=True)
        folder = cli.main(step)
    return folder


if __name__ == "__main__":
    main()
