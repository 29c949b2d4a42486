"""A font that has Hangul, for the pictures the Spaces draw themselves (history's plots, the teach tab's confusion
matrix): NanumGothic (Naver, SIL Open Font License 1.1) from the PyPI package koreanize-matplotlib 0.1.1, found on
disk (not imported: its import restyles matplotlib) and sha256-pinned. None where it is missing: the pictures then
keep their English words."""
from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import lru_cache

HANGUL_FONTS = {  # koreanize-matplotlib 0.1.1's fonts/
    "NanumGothic.ttf": "48a28e97b34fc8e5b157657633670cd1b7de126cfc414da65ce9c3d5bc8be733",
    "NanumGothicBold.ttf": "454eb3f503f377782a99eb84fc4bb7dde22a0f075d41b47427737f2985053bc9",
}


@lru_cache(maxsize=1)
def hangul_fonts() -> tuple[str, str] | None:
    "(regular, bold) NanumGothic files, each as pinned, or None."
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if not (spec and spec.submodule_search_locations):
        return None
    paths = tuple(os.path.join(spec.submodule_search_locations[0], "fonts", name) for name in HANGUL_FONTS)

    def pinned(path):
        if not os.path.isfile(path):
            return False
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest() == HANGUL_FONTS[os.path.basename(path)]
    return paths if all(pinned(p) for p in paths) else None
