"""What the pets Space shows besides the probabilities: one honest sentence about the answer."""
from __future__ import annotations

from shared.tasks.pets.config import is_cat_breed
from shared.words.pets import T

SURE_SPECIES, SURE_BREED = 0.7, 0.25


def verdict(breeds: dict, species: dict | None, lang: str = "en") -> str:
    "One honest sentence, in `lang` ('en' or 'ko'): what the model thinks, and how sure it is."
    say = lambda key, **values: T.text(key, lang, **values)
    if not species:  # a model of your own labels
        label, p = max(breeds.items(), key=lambda kv: kv[1])
        sure = p >= max(SURE_BREED, 1.5 / len(breeds))
        return say("looks_like" if sure else "not_sure_label", label=label.replace('_', ' '), p=f"{p:.0%}")
    kind, p_kind = max(species.items(), key=lambda kv: kv[1])
    breed, p_breed = max(breeds.items(), key=lambda kv: kv[1])
    shown = say(kind) if kind in ("cat", "dog") else kind
    if p_kind < SURE_SPECIES:
        return say("not_sure_species", kind=shown, p=f"{p_kind:.0%}")
    name = breed.replace("_", " ")
    sure = not (p_breed < SURE_BREED or is_cat_breed(breed) != (kind == "cat"))
    return say("breed_sure" if sure else "breed_guess", kind=shown, p=f"{p_kind:.0%}", name=name, pb=f"{p_breed:.0%}")
