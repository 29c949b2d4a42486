"""Every Space's model answers on its own examples, as JSON: to show that a change of code answers as before.

    python -m shared.ops.answers > after.json      # in the checkout; the same in a checkout of the commit before
    cmp before.json after.json                     # pets' probabilities, colorize's pixels (sha256), recommend's
                                                   # lists, sentiment's verdict and its n-gram baseline
"""
import hashlib
import json

import numpy as np
from PIL import Image

from shared import REPO as R


def r(x):
    "x with floats rounded to 6 places, arrays as lists: JSON that two runs can compare byte for byte."
    if isinstance(x, dict):
        return {str(k): r(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [r(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return round(float(x), 6)
    if isinstance(x, np.ndarray):
        return r(x.tolist())
    return x if isinstance(x, (int, str, type(None), bool)) else str(x)


def answers() -> dict:
    "{space: its model's answers on each of its examples}."
    out = {}
    from shared.tasks.pets.serve import Predictor as P
    p = P.load(R / "spaces/pets/model")
    ex = sorted((R / "spaces/pets/examples").glob("*.jpg"))
    out["pets"] = r(p.classify([Image.open(e) for e in ex]))
    from shared.tasks.colorize.serve import Predictor as C
    c = C.load(R / "spaces/colorize/model")
    out["colorize"] = {e.name: hashlib.sha256(np.asarray(c.colorize(Image.open(e).convert("RGB"))).tobytes()).hexdigest()
                       for e in sorted((R / "spaces/colorize/examples").glob("*.jpg"))}
    from shared.tasks.recommend.serve import Predictor as M
    m = M.load(R / "spaces/recommend/model")
    profiles = json.loads((R / "spaces/recommend/examples/profiles.json").read_text())
    out["recommend"] = {k: r(m.recommend({str(i): rating for i, _, rating in v}, 10)) for k, v in profiles.items()}
    from shared.tasks.sentiment.serve import Predictor as S
    s = S.load(R / "spaces/sentiment/model")
    texts = [e.read_text() for e in sorted((R / "spaces/sentiment/examples").glob("*.txt"))]
    out["sentiment"] = r(s.predict(texts))
    b = S.load(R / "spaces/sentiment/model/baseline")
    out["sentiment_baseline"] = r(b.predict(texts))
    return out


if __name__ == "__main__":
    print(json.dumps(answers(), sort_keys=True))
