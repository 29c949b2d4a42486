"""The colorize card's metrics, measured through the serving Predictor: PSNR, SSIM and colourfulness of the
colourised held-out photos against the true colour photos, with the grey input (strength 0) as the baseline."""
from __future__ import annotations

import numpy as np
from PIL import Image

from shared.images import open_image

from .config import Config, train_config
from .data import valid_photos


def evaluate(predictor, limit: int = 0, data: str | None = None, paths=None) -> dict:
    """The card's metrics for `predictor` on the held-out photos of the model's own folders (`data`: other
    folders, comma-separated; `paths`: these photos), the first `limit` of them (a fixed slice) if given."""
    if paths is None:
        cfg = train_config(predictor.config.get("train_config", {}))
        if data:
            cfg = Config(**{**cfg.__dict__, "folders": data})
        paths = valid_photos(cfg)
    return evaluate_predictor(predictor, list(paths)[:limit or None])


def psnr(out: np.ndarray, truth: np.ndarray) -> float:
    mse = np.mean((out.astype(np.float64) - truth.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0 ** 2 / max(mse, 1e-10)))


def ssim(out: np.ndarray, truth: np.ndarray) -> float:
    "SSIM (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, valid positions only) per RGB channel, averaged."
    if min(out.shape[:2]) < 11:
        return float("nan")
    x, y = (a.transpose(2, 0, 1).astype(np.float64) for a in (out, truth))
    g = np.exp(-(np.arange(11, dtype=np.float64) - 5) ** 2 / (2 * 1.5 ** 2))
    g = g / g.sum()
    window = np.lib.stride_tricks.sliding_window_view
    def blur(t): return window(window(t, 11, axis=2) @ g, 11, axis=1) @ g
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx ** 2, blur(y * y) - my ** 2, blur(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2))
    return float(s.mean())


def colourfulness(img: np.ndarray) -> float:
    "Hasler & Suesstrunk (2003) colourfulness M of an RGB uint8 image (0 for grey; ~100+ is very colourful)."
    r, g, b = (img[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


SWEEP = (0.5, 1.0, 1.5)
EVAL_SIDE = 512


def evaluate_predictor(predictor, paths, strengths=SWEEP, side: int = EVAL_SIDE) -> dict:
    """PSNR, SSIM and colourfulness of the colourised validation photos against the true colour photos,
    with the grey input (strength 0) as the baseline. Photos larger than `side` are scaled down first."""
    rows = {s: [] for s in (0.0, *strengths)}
    for path in paths:
        truth_img = open_image(path, max_side=side)
        truth_img.thumbnail((side, side), Image.BILINEAR)
        truth = np.asarray(truth_img)
        ab = predictor.predict_ab(truth_img)  # from the lightness alone: the colour photo is the truth
        for s in rows:
            out = np.asarray(predictor.compose(truth_img, ab, strength=s))
            rows[s].append((psnr(out, truth), ssim(out, truth), colourfulness(out), colourfulness(truth)))
    stats = {s: [float(v) for v in np.nanmean(np.array(r), 0)] for s, r in rows.items()}
    one = stats[1.0]
    metrics = {"psnr": round(one[0], 2), "grey_psnr": round(stats[0.0][0], 2),
               "ssim": round(one[1], 4), "grey_ssim": round(stats[0.0][1], 4),
               "colourfulness": round(one[2], 2), "colourfulness_truth": round(one[3], 2),
               "colourfulness_ratio": round(one[2] / one[3], 3), "n_valid_photos": len(paths),
               "temperature": predictor.temperature}
    metrics["sweep"] = [{"strength": s, "psnr": round(v[0], 2), "ssim": round(v[1], 4),
                         "colourfulness_ratio": round(v[2] / v[3], 3)} for s, v in stats.items()]
    return metrics
