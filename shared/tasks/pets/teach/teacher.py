"""teach(zip, predictor) -> Taught: the pets body's features of every photo and its mirror image, a new linear head
fitted on them (numpy), and a held-out estimate by stratified k-fold cross-validation (a photo and its mirror image
always in the same fold). classify(taught, predictor, photo) answers with the taught head right away."""
from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from shared.serving.errors import Phrase, Refused
from shared.serving.images import TooLarge, open_image
from shared.tasks.pets.words import T

from shared.tasks.pets import logistic
from .photos import Album, Limits, open_album, read

BATCH = 16   # photos decoded and run through the body at once (memory stays bounded)
FOLDS = 5    # at most; fewer when a label has fewer photos


@dataclass
class Taught:
    "A taught head over the predictor's body, and how it was made and measured (small: numpy arrays and counts)."
    labels: list[str]
    weight: np.ndarray            # [labels x features]
    bias: np.ndarray              # [labels]
    counts: dict[str, int]
    skipped: dict[str, int]
    folds: int
    accuracy: float               # held-out (cross-validated) share of photos labelled right
    confusion: np.ndarray         # [true x predicted] held-out counts
    seconds: dict[str, float] = field(default_factory=dict)
    c: float = 1.0
    tta: bool = False             # answers average the photo and its mirror image (the base model's setting)


def decode(data: bytes, max_side: int, limits: Limits) -> Image.Image:
    """Bytes of one entry -> RGB photo, reduced to what the body needs right after decoding (JPEGs while decoding),
    so only one photo is ever held at full size; TooLarge (checked from the header) or Refused otherwise."""
    return open_image(data, max_side=max_side, max_pixels=limits.max_pixels)


def features(album: Album, predictor, limits: Limits, progress=None) -> tuple[np.ndarray, np.ndarray]:
    """(features [2 x photos x C]: the photos', then their mirror images'; label index per photo). Unreadable or
    oversized photos are skipped and counted in album.skipped."""
    items, labels = album.items(), album.labels
    feats, ys = [], []
    with zipfile.ZipFile(album.path) as zf:
        for start in range(0, len(items), BATCH):
            photos, batch_y = [], []
            for label, info in items[start:start + BATCH]:
                data = read(zf, info, limits)  # a damaged entry refuses the whole archive
                try:
                    photos.append(decode(data, 2 * predictor.size, limits))
                    batch_y.append(labels.index(label))
                except TooLarge:
                    album.skip("too large to decode")
                except Refused:
                    album.skip("not readable as a photo")
            if photos:
                f = predictor.features(photos, flip=True)
                feats.append(f.reshape(2, len(photos), -1))
                ys += batch_y
            if progress:
                progress(min(1.0, (start + BATCH) / len(items)),
                         Phrase(T, "t_progress_features", n=min(start + BATCH, len(items)), total=len(items)))
    if not ys:
        why = [Phrase(T, "t_n_unreadable", n=album.skipped["not readable as a photo"])] \
            if "not readable as a photo" in album.skipped else []
        if "too large to decode" in album.skipped:
            why.append(Phrase(T, "t_n_too_large", n=album.skipped["too large to decode"]))
        raise Refused(T, "t_none_read", why=why, mp=limits.max_pixels // 1_000_000)
    return np.concatenate(feats, 1), np.asarray(ys)


def fold_of(y: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    "Stratified folds: each label's photos (shuffled with a fixed seed) dealt round-robin into `folds` folds."
    rng = np.random.default_rng(seed)
    out = np.empty(len(y), np.int64)
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        out[rng.permutation(idx)] = np.arange(len(idx)) % folds
    return out


def predict_views(x: np.ndarray, w: np.ndarray, b: np.ndarray, tta: bool) -> np.ndarray:
    "Probabilities of photos from their views [2 x n x C]: the photo's, or the average with its mirror image's."
    p = logistic.probabilities(x[0], w, b)
    return (p + logistic.probabilities(x[1], w, b)) / 2 if tta else p


def fit_views(x: np.ndarray, y: np.ndarray, k: int, c: float, start=None):
    "The head on both views of every photo (the mirror image is the training side's feature augmentation)."
    return logistic.fit(x.reshape(-1, x.shape[-1]), np.tile(y, len(x)), k, c, start=start)


def cross_validate(x: np.ndarray, y: np.ndarray, k: int, c: float, tta: bool, start) -> tuple[int, np.ndarray]:
    "(folds, confusion [true x predicted]): every photo predicted by a head that saw neither it nor its mirror."
    folds = int(min(FOLDS, np.bincount(y, minlength=k).min()))
    fold = fold_of(y, folds)
    confusion = np.zeros((k, k), np.int64)
    for f in range(folds):
        train, test = fold != f, fold == f
        w, b = fit_views(x[:, train], y[train], k, c, start)
        np.add.at(confusion, (y[test], predict_views(x[:, test], w, b, tta).argmax(1)), 1)
    return folds, confusion


def teach(zip_path, predictor, progress=None, limits: Limits = Limits(), c: float = 1.0) -> Taught:
    "The whole lesson; `progress(fraction, phrase)` is told how far it got (a Phrase: any language). Bad input is Refused."
    t0 = time.perf_counter()
    album = open_album(zip_path, limits)
    x, y = features(album, predictor, limits, progress)
    labels = album.labels
    counts = {label: int((y == i).sum()) for i, label in enumerate(labels)}
    few = [label for label, n in counts.items() if n < limits.min_per_label]
    if few:
        raise Refused(T, "t_few_readable", labels=", ".join(map(repr, few)), min=limits.min_per_label)
    t1 = time.perf_counter()
    if progress:
        progress(1.0, Phrase(T, "t_progress_fit"))
    tta = getattr(predictor.serving, "tta", None) == "flip"
    w, b = fit_views(x, y, len(labels), c)
    t2 = time.perf_counter()
    if progress:
        progress(1.0, Phrase(T, "t_progress_measure"))
    folds, confusion = cross_validate(x, y, len(labels), c, tta, start=(w, b))
    t3 = time.perf_counter()
    return Taught(labels, w, b, counts, dict(album.skipped), folds, float(np.trace(confusion) / confusion.sum()),
                  confusion, {"features": t1 - t0, "fit": t2 - t1, "cross_validation": t3 - t2, "total": t3 - t0},
                  c, tta)


def classify(taught: Taught, predictor, photo: Image.Image) -> dict[str, float]:
    "{label: probability} of one photo by the taught head over the predictor's body (as the taught model.onnx)."
    x = predictor.features([photo], flip=taught.tta)
    x = x.reshape(2 if taught.tta else 1, 1, -1)
    return dict(zip(taught.labels, map(float, predict_views(x, taught.weight, taught.bias, taught.tta)[0])))
