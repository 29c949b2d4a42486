"""Issue 31's attacks, each in a fresh process through the serving code: the memory it takes (peak RSS over the call,
VmHWM reset first), the time, and what the visitor gets. Run on this tree and on an older one to compare:

    python -m shared.ops.benchmarks.attacks                          # this checkout
    git archive f00e59b shared spaces/recommend | tar -x -C /tmp/before
    python -m shared.ops.benchmarks.attacks --tree /tmp/before       # the code before issue 31, same models and files
    python -m shared.ops.benchmarks.attacks --url http://127.0.0.1:7860/ --pid PID   # against `make demo` over HTTP:
                                                                 # the server's peak RSS over each request

The files are made here (shared.ops.benchmarks.hostile: a few kB each, never their pixels). The HTTP-level bounds (queue,
request body) are tested against the real gallery in tests/test_attacks.py. This is a script, not a test.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

from PIL import Image

from shared.ops.bench import table
from shared.ops.benchmarks import hostile

from shared import REPO
PRELUDE = """
import json, sys, time
def vm(field):
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(field + ":")) / 1024
def measure(call):
    open("/proc/self/clear_refs", "w").write("5")  # the peak RSS starts again from here
    base, start, outcome, size = vm("VmRSS"), time.perf_counter(), "answered", 0
    try:
        out = call()
        size = len(json.dumps(out, default=str)) if out is not None else 0
    except Exception as e:
        outcome = f"{type(e).__name__}: {str(e)[:90]}"
    print(json.dumps({"rss_mb": round(vm("VmHWM") - base), "seconds": round(time.perf_counter() - start, 2),
                      "outcome": outcome, "answer_bytes": size}))
"""


def files(folder: Path) -> dict[str, Path]:
    "The hostile inputs, written once into `folder`."
    out = {}
    def write(name, data):
        out[name] = folder / name
        out[name].write_bytes(data)
    write("grey16.png", hostile.png(10950, 10950, depth=16, colour=0))
    write("liar.jpg", hostile.lying_jpeg(6000, 6000))
    out["big.jpg"] = folder / "big.jpg"  # a real 36 MP JPEG (a smooth gradient): the largest photo colorize takes
    Image.linear_gradient("L").resize((6000, 6000), Image.BILINEAR).convert("RGB").save(out["big.jpg"], quality=85)
    write("huge.ico", hostile.icon(hostile.png(9000, 9000, depth=8, colour=6)))
    rgba = hostile.png(7300, 5470, depth=8, colour=6)  # 40 megapixels of RGBA (39.9: under teach's cap)
    out["rgba.zip"] = folder / "rgba.zip"
    with zipfile.ZipFile(out["rgba.zip"], "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(16):
            zf.writestr(f"photos/{'ab'[i % 2]}/{i}.png", rgba)
    out["million.zip"] = folder / "million.zip"
    million_entries(out["million.zip"], 1_000_000)
    return out


def million_entries(path: Path, n: int) -> None:
    "A real zip of `n` empty stored entries (zip64 directory), written directly: ~90 MB in seconds."
    import struct
    central, offset = [], 0
    with open(path, "wb") as f:
        for i in range(n):
            name = f"a/{i}.txt".encode()
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name),
                                       0, 0, 0, 0, 0, offset) + name)
            offset += 30 + len(name)
        directory = b"".join(central)
        f.write(directory)
        end64 = offset + len(directory)
        f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(directory), offset))
        f.write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))


def attacks(f: dict[str, Path]) -> list[tuple[str, str, str]]:
    "(attack, setup code, the call measured) for each attack."
    pets = "from shared.tasks.pets.serve import Predictor\npets = Predictor.load('spaces/pets/model')"
    return [
        ("sentiment: 30-byte review 'great xxwrep 121212121 good film'",
         "from shared.tasks.sentiment import ui as show\nfrom shared.tasks.sentiment.serve import Predictor\n"
         "p = Predictor.load('spaces/sentiment/model')",
         "show.answer(p, 'great xxwrep 121212121 good film')"),
        ("pets: 233 KB 16-bit grey PNG, 10950x10950", "from shared.serving.images import open_image",
         f"open_image({str(f['grey16.png'])!r}, max_side=1040).size"),
        ("colorize: the same PNG", "from shared.serving.images import open_image",
         f"open_image({str(f['grey16.png'])!r}, max_pixels=36_000_000).size"),
        ("colorize: 632-byte JPEG claiming 6000x6000",
         "from shared.serving.images import open_image\nfrom shared.tasks.colorize.serve import Predictor\n"
         "c = Predictor.load('spaces/colorize/model')",
         f"c.colorize(open_image({str(f['liar.jpg'])!r})).size"),
        ("colorize: a real 36 MP JPEG (the largest request the Spaces take)",
         "from shared.serving.images import open_image\nfrom shared.tasks.colorize.serve import Predictor\n"
         "c = Predictor.load('spaces/colorize/model')",
         f"c.colorize(open_image({str(f['big.jpg'])!r})).size"),
        ("pets: .ico holding a 9000x9000 PNG frame", "from shared.serving.images import open_image",
         f"open_image({str(f['huge.ico'])!r}, max_side=1040).size"),
        ("teach: 16 RGBA PNGs of 40 MP (zip of a few kB each)", f"{pets}\nfrom shared.tasks.pets.teach import teacher",
         f"teacher.teach({str(f['rgba.zip'])!r}, pets).accuracy"),
        ("teach: a zip of 1,000,000 entries", "from shared.tasks.pets.teach import photos",
         f"photos.open_album({str(f['million.zip'])!r})"),
        ("recommend: 4,998 unknown movie ids, k=100",
         "import os, sys\nos.environ['RECOMMEND_MODEL'] = os.path.abspath('spaces/recommend/model')\n"
         "sys.argv = ['app']\nimport importlib.util\n"
         "spec = importlib.util.spec_from_file_location('app', os.path.join(sys.path[0], 'spaces/recommend/app.py'))\n"
         "app = importlib.util.module_from_spec(spec); spec.loader.exec_module(app)\n"
         "ratings = {str(10**7 + i): 4.0 for i in range(4998)}; ratings.update({'260': 5.0, '1196': 5.0})",
         "app.recommend(ratings, 100)"),
    ]


def run_one(tree: Path, setup: str, call: str) -> dict:
    code = f"import sys\nsys.path.insert(0, {str(tree)!r})\n{PRELUDE}\n{setup}\nmeasure(lambda: {call})\n"
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=600)
    lines = [line for line in r.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"outcome": f"process failed: {r.stderr.strip().splitlines()[-1:]}"}


def served(f: dict[str, Path]) -> list[tuple[str, str, list, bool]]:
    "(attack, endpoint, arguments, whether a file goes up) for the same attacks sent to the gallery over HTTP."
    return [
        ("sentiment: 30-byte review", "/sentiment_predict", ["great xxwrep 121212121 good film"], False),
        ("pets: 16-bit grey PNG 10950x10950", "/pets_predict", [f["grey16.png"]], True),
        ("colorize: the same PNG", "/colorize_predict", [f["grey16.png"]], True),
        ("colorize: 632-byte JPEG claiming 6000x6000", "/colorize_predict", [f["liar.jpg"]], True),
        ("colorize: a real 36 MP JPEG", "/colorize_predict", [f["big.jpg"]], True),
        ("pets: .ico with a 9000x9000 frame", "/pets_predict", [f["huge.ico"]], True),
        ("teach: 16 RGBA PNGs of 40 MP", "/pets_teach", [f["rgba.zip"]], True),
        ("teach: 1,000,000 entries", "/pets_teach", [f["million.zip"]], True),
        ("recommend: 4,998 unknown ids, k=100", "/recommend_recommend",
         [{**{str(10**7 + i): 4.0 for i in range(4998)}, "260": 5.0, "1196": 5.0}, 100], False),
    ]


def server_memory(pid: int) -> tuple[float, float]:
    "(VmRSS, VmHWM) of process `pid` in MB."
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def run_served(url: str, pid: int) -> list[dict]:
    "Each attack sent to a running gallery; the server process's peak RSS over it (its VmHWM reset first)."
    import time
    import httpx
    from gradio_client import Client, handle_file
    client, rows = Client(url, verbose=False), []
    with tempfile.TemporaryDirectory() as folder:
        f = files(Path(folder))
        attacks_ = served(f)
        body = json.dumps({"data": ["x" * 200 * 2**20]})
        for name, endpoint, args, upload in attacks_ + [("200 MB JSON body", None, [body], False)]:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            base, _ = server_memory(pid)
            start, outcome, size = time.perf_counter(), "answered", 0
            try:
                if endpoint is None:
                    r = httpx.post(f"{url}gradio_api/call/sentiment_predict", content=args[0],
                                   headers={"Content-Type": "application/json"}, timeout=120)
                    outcome = f"HTTP {r.status_code}: {r.text[:80]}"
                else:
                    out = client.predict(*[handle_file(str(a)) if upload and isinstance(a, Path) else a for a in args],
                                         api_name=endpoint)
                    size = len(json.dumps(out, default=str))
            except Exception as e:  # noqa: BLE001 - the refusal is the outcome to record
                outcome = f"{type(e).__name__}: {str(e)[:90]}"
            time.sleep(1)
            rows.append({"attack": name, "server_peak_rss_mb": round(server_memory(pid)[1] - base),
                         "seconds": round(time.perf_counter() - start - 1, 2), "outcome": outcome, "answer_bytes": size})
            print(rows[-1], flush=True)
    return rows


def run(args) -> list[dict]:
    if getattr(args, "url", None):
        return run_served(args.url.rstrip("/") + "/", args.pid)
    tree = Path(getattr(args, "tree", None) or REPO).resolve()
    with tempfile.TemporaryDirectory() as folder:
        f = files(Path(folder))
        rows = []
        for name, setup, call in attacks(f):
            rows.append({"attack": name, "tree": tree.name, **run_one(tree, textwrap.dedent(setup), call)})
            print(rows[-1], flush=True)
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m shared.ops.benchmarks.attacks", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tree", help="the checkout whose shared/ (and spaces/recommend/app.py) to measure")
    p.add_argument("--url", help="a running gallery (make demo) to send the attacks to over HTTP")
    p.add_argument("--pid", type=int, help="with --url: the gallery server's process id (its memory is read)")
    p.add_argument("--out", help="JSON file for the rows")
    args = p.parse_args(argv)
    rows = run(args)
    print(table(rows))
    if args.out:
        Path(args.out).write_text(json.dumps({"command": "python -m shared.ops.benchmarks.attacks "
                                              + " ".join(argv if argv is not None else sys.argv[1:]),
                                              "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
