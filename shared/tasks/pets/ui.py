"""What the pets Space says besides the probabilities: one honest sentence about the answer, and the names of the
breeds as people write them. The sentences' words, English and Korean, are in shared/tasks/pets/words.py."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from shared.tasks.pets.config import is_cat_breed
from shared.tasks.pets.words import BREED_NAMES, T

SURE_SPECIES, SURE_BREED = 0.7, 0.25
SPECIES = ("cat", "dog", "neither")


def name(label: str, lang: str = "en") -> str:
    """A label as people write it, in `lang`: an Oxford breed's name (`american_pit_bull_terrier` -> American Pit
    Bull Terrier / 아메리칸 핏불 테리어), cat / dog / neither, a taught label with its underscores as spaces."""
    if label in BREED_NAMES:
        return T.text(f"lbl_{label}", lang)
    if label in SPECIES:
        return T.text(label, lang)
    return label.replace("_", " ")


def shown(probs: dict | None) -> dict | None:
    """{label: p} with the names people write, in English (what the UI's label boxes show: the page translates
    them on screen, `lbl_*` words; the API keeps the dataset's keys)."""
    return {name(k): v for k, v in probs.items()} if probs else None


IMAGENET_KO = Path(__file__).parent / "imagenet_ko.tsv"


@lru_cache(maxsize=1)
def imagenet_korean() -> dict[int, str]:
    "{class index: Korean name} of the ImageNet classes (imagenet_ko.tsv: written for this Space, its source stated)."
    rows = (line.rstrip("\n").split("\t") for line in IMAGENET_KO.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#"))
    return {int(i): ko for i, _, ko in rows if i.isdigit()}


def imagenet_name(thing: str, lang: str = "en") -> str:
    """An ImageNet class as the page says it: its name in `lang` (Korean by its index when it carries one, as
    Predictor.looks_like's answer does; the English name where no Korean is written)."""
    index = getattr(thing, "index", None)
    return imagenet_korean().get(index, thing) if lang == "ko" and index is not None else str(thing)


def article(thing: str) -> str:
    "English's article for `thing`: 'an' before a vowel, else 'a' (the Korean words take none)."
    return "an" if thing[:1].lower() in "aeiou" else "a"


def verdict(breeds: dict, species: dict | None, looks_like: str | None = None, lang: str = "en") -> str:
    """One honest sentence, in `lang` ('en' or 'ko'): what the model thinks, and how sure it is. `looks_like`: what a
    photo that is neither a cat nor a dog looks like to the pretrained ImageNet classifier (a class name), if known."""
    say = lambda key, **values: T.text(key, lang, **values)
    if not species:  # a model of your own labels
        label, p = max(breeds.items(), key=lambda kv: kv[1])
        sure = p >= max(SURE_BREED, 1.5 / len(breeds))
        return say("looks_like" if sure else "not_sure_label", label=name(label), p=f"{p:.0%}")
    kind, p_kind = max(species.items(), key=lambda kv: kv[1])
    if kind == "neither":
        return (say("not_a_pet_like", thing=imagenet_name(looks_like, lang), a=article(looks_like), p=f"{p_kind:.0%}")
                if looks_like
                else say("not_a_pet", p=f"{p_kind:.0%}"))
    if p_kind < SURE_SPECIES:
        return say("not_sure_species", kind=name(kind, lang), p=f"{p_kind:.0%}")
    breed, p_breed = max(breeds.items(), key=lambda kv: kv[1])
    sure = not (p_breed < SURE_BREED or is_cat_breed(breed) != (kind == "cat"))
    shown_name = name(breed, lang)
    return say("breed_sure" if sure else "breed_guess", kind=name(kind, lang), p=f"{p_kind:.0%}", name=shown_name,
               a=article(shown_name), pb=f"{p_breed:.0%}")


def breeds_shown(breeds: dict, species: dict | None) -> dict | None:
    """What the breed box shows: the breeds by name; nothing when the answer is 'neither' (the breed list would read
    as a confident answer about an animal that is not there)."""
    if species and max(species, key=species.get) == "neither":
        return None
    return shown(breeds)
