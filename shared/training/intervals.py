"""95% intervals the cards and benchmarks report beside their numbers."""
from __future__ import annotations

import math


def wilson(k: int, n: int, z: float = 1.96, digits: int = 4) -> list[float]:
    "Wilson's 95% score interval of a share k/n, as [low, high] rounded to `digits` (NaNs when n is 0)."
    if not n:
        return [float("nan")] * 2
    p = k / n
    mid, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(float(mid - half), digits), round(float(mid + half), digits)]
