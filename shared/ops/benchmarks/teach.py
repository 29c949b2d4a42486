"""Teach speed: the pets body's features per photo, a whole lesson in process (6 labels x 8 photos, 10 x 30), and
/teach over HTTP on a real pets Space (6 x 8: the issue's "answers within 60 s").

    python -m shared.ops.benchmarks.teach

6 x 8: six look-alike cat breeds, all 8 photos of each in pets/images. 10 x 30: Abyssinian, Bengal and
american_bulldog (30 each from pets-extra) and seven labels of 30 pets/images photos (four breeds each).
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from shared.serving import runtime
from shared.ops.bench import summary, timings
from shared.training.data import data_dir
from shared.tasks.pets.teach import teacher
from shared.tasks.pets.teach.photos import make_zip
from shared.tasks.pets.serve import Predictor

from shared import REPO
from shared.ops import bench
APP = REPO / "spaces" / "pets" / "app.py"
MODEL = os.environ.get("PETS_MODEL", str(APP.parent / "model"))
LOOK_ALIKES = ["Abyssinian", "Bengal", "Birman", "Egyptian_Mau", "Ragdoll", "Siamese"]


def lessons(folder: Path) -> dict[str, Path]:
    pets, extra = data_dir() / "pets" / "images", data_dir() / "pets-extra" / "images"
    six = {b: sorted(pets.glob(f"{b}_*.jpg")) for b in LOOK_ALIKES}
    ten = {b: sorted(extra.glob(f"{b}_*.jpg"))[:30] for b in ("Abyssinian", "Bengal", "american_bulldog")}
    rest = sorted(pets.glob("*.jpg"))  # 4 breeds of 8 photos in each group (file names sort by breed)
    ten.update({f"group{i}": rest[32 * i:32 * i + 30] for i in range(7)})
    return {"6 labels x 8 photos": make_zip(folder / "six.zip", six),
            "10 labels x 30 photos": make_zip(folder / "ten.zip", ten)}


def run(args) -> list[dict]:
    predictor = Predictor.load(MODEL)  # as the Space serves: model.onnx, its threads per request
    folder = Path(tempfile.mkdtemp())
    zips = lessons(folder)
    photos = [predictor.open(p) for p in sorted((data_dir() / "pets" / "images").glob("Bengal_*.jpg"))]
    n = 2 if args.quick else 5
    feat = summary(timings(lambda: predictor.features(photos, flip=True), n, warmup=1))
    rows = [{"measure": "features of 8 photos and their mirror images", **feat,
             "per_photo_ms": round(feat["p50_ms"] / len(photos), 1), "threads": runtime.serving_threads()}]
    for name, archive in zips.items():
        t = teacher.teach(archive, predictor)  # one lesson: seconds to minutes, its own parts timed inside
        rows.append({"measure": f"teach in process, {name}", "total_s": round(t.seconds["total"], 2),
                     **{f"{k}_s": round(v, 2) for k, v in t.seconds.items() if k != "total"},
                     "held_out_accuracy": round(t.accuracy, 3), "folds": t.folds})
    rows.append(http_row(zips["6 labels x 8 photos"]))
    return rows


def http_row(archive: Path) -> dict:
    "/teach of a real pets Space through gradio_client (upload, teach, the model .zip back)."
    from gradio_client import handle_file
    from shared.ops.benchmarks.pets import first_prediction, start
    port = 7860 + os.getpid() % 1000
    proc, t0 = start(APP, port)
    try:
        client, _ = first_prediction(f"http://127.0.0.1:{port}/", t0)
        t = time.perf_counter()
        client.predict(handle_file(str(archive)), api_name="/teach")
        return {"measure": "/teach over HTTP, 6 labels x 8 photos", "total_s": round(time.perf_counter() - t, 2)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    bench.main("teach", run)
