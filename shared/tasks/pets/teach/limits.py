"What the teach tab takes from one .zip (shared.tasks.pets.teach.photos checks them; the words say them)."
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_labels: int = 20
    max_photos: int = 500
    min_per_label: int = 2
    max_entries: int = 10_000               # names in the archive, photos or not
    max_photo_bytes: int = 30 * 2**20       # one photo, uncompressed
    max_total_bytes: int = 500 * 2**20      # the photos together, uncompressed
    max_pixels: int = 40_000_000            # a photo decoding to more pixels is skipped (JPEGs decode reduced first)
