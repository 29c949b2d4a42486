"""The colorize card's metrics, measured through the serving Predictor: PSNR, SSIM and colourfulness of the
colourised held-out photos against the true colour photos, with the grey input (strength 0) as the baseline,
overall and per kind of photo (pets, cats_vs_dogs, scenes); and the table the annealed-mean temperature is
chosen from (on the tuning photos)."""
from __future__ import annotations

import numpy as np
from PIL import Image

from shared.serving.images import open_image
from shared.training.intervals import wilson

from .config import BARS, Config, train_config
from .data import group_of, is_street, valid_photos


def evaluate(predictor, limit: int = 0, data: str | None = None, paths=None, grey: str = "lab") -> dict:
    """The card's metrics for `predictor` on the held-out photos of the model's own folders (`data`: other
    folders, comma-separated; `paths`: these photos), the first `limit` of them (a fixed slice) if given; `grey`:
    how the photo is turned grey (`GREYS`)."""
    if paths is None:
        cfg = train_config(predictor.config.get("train_config", {}))
        if data:
            cfg = Config(**{**cfg.__dict__, "folders": data})
        paths = valid_photos(cfg)
    return evaluate_predictor(predictor, list(paths)[:limit or None], grey=grey)


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
TEMPERATURES = (0.15, 0.2, 0.25, 0.3, 0.38, 0.5, 0.7, 1.0)
RULE_TEMPERATURES = (0.38, 0.5, 0.7, 1.0)


def truth_photo(path, side: int = EVAL_SIDE) -> tuple[Image.Image, np.ndarray]:
    "A held-out colour photo (scaled down to at most `side` px), as sent to the Space and as the truth."
    img = open_image(path, max_side=side)
    img.thumbnail((side, side), Image.BILINEAR)
    return img, np.asarray(img)


def group_metrics(rows: dict, groups: list[str], intervals: bool = False) -> dict:
    """Per kind of photo: the PSNR gain over the grey input (dB, mean over photos), the share of photos closer to
    the truth than the grey input, the output's colourfulness over the truth's, and how many photos; with
    `intervals`, their 95% intervals too (`confidence_intervals`)."""
    out = {}
    for g in sorted(set(groups)):
        keep = np.array(groups) == g
        grey, ours = np.array(rows[0.0])[keep], np.array(rows[1.0])[keep]  # (n, [psnr, ssim, colour, truth colour])
        out.update({f"{g}_psnr_gain": round(float((ours[:, 0] - grey[:, 0]).mean()), 2),
                    f"{g}_closer_than_grey": round(float((ours[:, 0] > grey[:, 0]).mean()), 3),
                    f"{g}_colourfulness_ratio": round(float(ours[:, 2].mean() / ours[:, 3].mean()), 3),
                    f"{g}_photos": int(keep.sum())})
        if intervals:
            out.update({f"{g}_{k}_ci95": v for k, v in
                        confidence_intervals(ours[:, 0] - grey[:, 0], ours[:, 2], ours[:, 3]).items()})
    return out


def confidence_intervals(gain: np.ndarray, colour: np.ndarray, truth_colour: np.ndarray, n_boot: int = 2000,
                         seed: int = 0) -> dict:
    """95% intervals over the photos, as [low, high]: the mean PSNR gain and the colourfulness ratio (ratio of
    means) by the percentile bootstrap (photos resampled together, a fixed seed: the same numbers every run), the
    share closer than grey by Wilson's score interval."""
    n = len(gain)
    idx = np.random.default_rng(seed).integers(0, n, (n_boot, n))
    lo_hi = lambda x: [round(float(v), 3) for v in np.percentile(x, [2.5, 97.5])]
    return {"psnr_gain": lo_hi(gain[idx].mean(1)),
            "closer_than_grey": wilson(int((gain > 0).sum()), n, z=1.959964, digits=3),
            "colourfulness_ratio": lo_hi(colour[idx].mean(1) / truth_colour[idx].mean(1))}


GREYS = {  # how a held-out colour photo is turned grey before it is colourised (the truth stays the colour photo)
    "lab": lambda img: img,  # by the model itself: it reads the photo's CIE L only (the card's numbers)
    "luma": lambda img: img.convert("L").convert("RGB"),  # as most tools make a grey photo (Rec. 601 luma, PIL's
}                                                          # "L"), sent as a visitor sends it; its L is not the truth's


def evaluate_predictor(predictor, paths, strengths=SWEEP, side: int = EVAL_SIDE, grey: str = "lab") -> dict:
    """PSNR, SSIM and colourfulness of the colourised held-out photos against the true colour photos, with the
    grey input (strength 0) as the baseline, overall and per kind of photo (`data.group_of`). Photos larger than
    `side` are scaled down first; `grey`: how they are turned grey (`GREYS`). SSIM is measured at strengths 0
    and 1 (the sweep reports PSNR and colour)."""
    rows = {s: [] for s in (0.0, *strengths)}
    for path in paths:
        truth_img, truth = truth_photo(path, side)
        sent = GREYS[grey](truth_img)
        ab = predictor.predict_ab(sent)  # from the lightness alone: the colour photo is the truth
        true_colour = colourfulness(truth)
        for s in rows:
            out = np.asarray(predictor.compose(sent, ab, strength=s))
            rows[s].append((psnr(out, truth), ssim(out, truth) if s in (0.0, 1.0) else np.nan,
                            colourfulness(out), true_colour))
    stats = {s: [float(v) for v in np.array(r)[:, [0, 2, 3]].mean(0)] for s, r in rows.items()}  # psnr, colour
    ssims = {s: float(np.nanmean(np.array(rows[s])[:, 1])) for s in (0.0, 1.0)}
    one = stats[1.0]
    metrics = {"psnr": round(one[0], 2), "grey_psnr": round(stats[0.0][0], 2),
               "ssim": round(ssims[1.0], 4), "grey_ssim": round(ssims[0.0], 4),
               "colourfulness": round(one[1], 2), "colourfulness_truth": round(one[2], 2),
               "colourfulness_ratio": round(one[1] / one[2], 3), "n_valid_photos": len(paths),
               "temperature": predictor.temperature, "confidence": predictor.confidence,
               **group_metrics(rows, [group_of(p) for p in paths], intervals=True)}
    streets = np.array([is_street(p) for p in paths], dtype=bool)
    if streets.any():  # streets and buildings among the scenes, by file name: reported apart as well
        metrics.update(group_metrics({s: [r for r, keep in zip(v, streets) if keep] for s, v in rows.items()},
                                     ["streets"] * int(streets.sum()), intervals=True))
    metrics["sweep"] = [{"strength": s, "psnr": round(v[0], 2), "colourfulness_ratio": round(v[1] / v[2], 3)}
                        for s, v in stats.items()]
    return metrics


SIGMAS = (0.0, 30.0, 35.0, 40.0, 50.0, 60.0)  # the confidence rule's sigma0 (0: no rule, the colour as predicted)
GAINS = (1.0, 1.2, 1.4, 1.6, 1.8, 2.0)  # up to twice: a model trained without rebalancing predicts muted colours
TUNE_SIDE = 320  # the strength's choice compares photos at most this large (2.5x faster than 512 px, the same choice:
                 # BENCHMARKS.md, "Colorize: Lite2 at 160 px")


def rule_table(predictor, paths, temperatures=RULE_TEMPERATURES, sigmas=SIGMAS, gains=GAINS, side: int = TUNE_SIDE) -> list[dict]:
    """For each temperature and confidence rule (`serve.strength_map`: sigma0, gain), on `paths` (never the
    held-out photos), through the serving Predictor's network and its recombination: the PSNR gain over the grey
    input, the share closer than grey and the colourfulness ratio, each in the kind of photo where it is worst.
    The colour is the network's times the strength map, upsampled and put on the photo's lightness, as served."""
    from .colour import lab_to_rgb, rgb_to_lab
    from .serve import strength_map
    keys = [(t, s, g) for t in temperatures for s in sigmas for g in gains if s or g == 1.0]
    rows = {k: {0.0: [], 1.0: []} for k in keys}
    for path in paths:
        truth_img, truth = truth_photo(path, side)
        H, W = truth.shape[:2]
        L = rgb_to_lab(truth.transpose(2, 0, 1).astype(np.float32) / 255)[:1]
        grey = (lab_to_rgb(np.concatenate([L, np.zeros((2, H, W), np.float32)])) * 255 + 0.5).astype(np.uint8)
        base = (psnr(grey.transpose(1, 2, 0), truth), np.nan, 0.0, colourfulness(truth))
        for t in temperatures:
            ab, spread = predictor.predict_raw(truth_img, temperature=t)
            for sigma in sigmas:
                scaled = ab if not sigma or spread is None else ab * strength_map(spread, sigma, 1.0)
                up = np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(c, dtype=np.float32), "F")
                                          .resize((W, H), Image.BILINEAR)) for c in scaled[0]])
                for g in gains:
                    if (t, sigma, g) not in rows:
                        continue
                    out = (lab_to_rgb(np.concatenate([L, up * np.float32(g)])) * 255 + 0.5).astype(np.uint8)
                    out = out.transpose(1, 2, 0)
                    rows[(t, sigma, g)][0.0].append(base)
                    rows[(t, sigma, g)][1.0].append((psnr(out, truth), np.nan, colourfulness(out), base[3]))
    groups = [group_of(p) for p in paths]
    table = []
    for (t, sigma, g), r in rows.items():
        m = group_metrics(r, groups)
        worst = {k: min(v for key, v in m.items() if key.endswith(k)) for k in
                 ("_psnr_gain", "_closer_than_grey", "_colourfulness_ratio")}
        margins = bar_margins(r, groups)
        tightest = min(margins, key=margins.get) if margins else None
        table.append({"temperature": t, "sigma0": sigma, "gain": g, **{k[1:]: v for k, v in worst.items()},
                      "margin": round(margins[tightest], 2) if margins else None, "tightest": tightest})
    return table


def bar_margins(rows: dict, groups: list[str], bars: dict = BARS) -> dict:
    """How far each kind of photo clears each of its bars (`config.BARS`), in standard errors on these photos:
    {'scenes_closer_than_grey': 1.3, ...}; negative below the bar. PSNR gain: (mean - bar) / (sd / sqrt(n));
    closer than grey: (share - bar) / sqrt(bar (1 - bar) / n); colourfulness ratio R = mean(out) / mean(truth):
    (R - bar) / (sd(out - R truth) / (sqrt(n) mean(truth))), its delta-method error. Only kinds present count."""
    out = {}
    for kind, kind_bars in bars.items():
        keep = np.array(groups) == kind
        n = int(keep.sum())
        if n < 2:
            continue
        grey, ours = np.array(rows[0.0])[keep], np.array(rows[1.0])[keep]
        gain, colour, truth = ours[:, 0] - grey[:, 0], ours[:, 2], ours[:, 3]
        ratio = colour.mean() / truth.mean()
        value_error = {"psnr_gain": (gain.mean(), gain.std(ddof=1) / np.sqrt(n)),
                       "closer_than_grey": ((gain > 0).mean(), None),
                       "colourfulness_ratio": (ratio, (colour - ratio * truth).std(ddof=1) / (np.sqrt(n) * truth.mean()))}
        for metric, bar in kind_bars.items():
            value, error = value_error[metric]
            error = np.sqrt(bar * (1 - bar) / n) if error is None else error
            out[f"{kind}_{metric}"] = float((value - bar) / max(error, 1e-9))
    return out


def temperature_table(predictor, paths, temperatures=TEMPERATURES, side: int = EVAL_SIDE) -> list[dict]:
    """For each annealed-mean temperature, on `paths` (never the held-out photos): the PSNR gain over the grey
    input, the share closer than grey and the colourfulness ratio, each in the kind of photo where it is worst."""
    rows = {t: {0.0: [], 1.0: []} for t in temperatures}
    chosen = predictor.temperature
    try:
        for path in paths:
            truth_img, truth = truth_photo(path, side)
            grey = np.asarray(predictor.compose(truth_img, np.zeros((1, 2, 1, 1), np.float32)))
            true_colour = colourfulness(truth)
            base = (psnr(grey, truth), np.nan, 0.0, true_colour)
            for t in temperatures:
                predictor.temperature = t
                out = np.asarray(predictor.colorize(truth_img))
                rows[t][0.0].append(base)
                rows[t][1.0].append((psnr(out, truth), np.nan, colourfulness(out), true_colour))
    finally:
        predictor.temperature = chosen
    groups = [group_of(p) for p in paths]
    table = []
    for t in temperatures:
        m = group_metrics(rows[t], groups)
        worst = {k: min(v for key, v in m.items() if key.endswith(k)) for k in
                 ("_psnr_gain", "_closer_than_grey", "_colourfulness_ratio")}
        table.append({"temperature": t, **{k[1:]: v for k, v in worst.items()}})
    return table
