"""What the pets Space shows besides the probabilities: one honest sentence about the answer."""
from __future__ import annotations

from shared.tasks.pets.config import is_cat_breed

SURE_SPECIES, SURE_BREED = 0.7, 0.25


def verdict(breeds: dict, species: dict | None) -> str:
    "One honest sentence: what the model thinks, and how sure it is."
    if not species:  # a model of your own labels
        label, p = max(breeds.items(), key=lambda kv: kv[1])
        sure = p >= max(SURE_BREED, 1.5 / len(breeds))
        return (f"Looks like **{label.replace('_', ' ')}** ({p:.0%})." if sure else
                f"**Not sure.** Best guess: *{label.replace('_', ' ')}* ({p:.0%}).")
    kind, p_kind = max(species.items(), key=lambda kv: kv[1])
    breed, p_breed = max(breeds.items(), key=lambda kv: kv[1])
    if p_kind < SURE_SPECIES:
        return ("**Not sure.** This doesn't look clearly like a cat or a dog to the model: it may not be a pet "
                f"photo, or the animal is hard to see. (Best guess: {kind}, {p_kind:.0%}.)")
    name = breed.replace("_", " ")
    if p_breed < SURE_BREED or is_cat_breed(breed) != (kind == "cat"):
        return f"Looks like a **{kind}** ({p_kind:.0%}). The breed is a guess: maybe *{name}* ({p_breed:.0%})."
    return f"Looks like a **{kind}** ({p_kind:.0%}), most likely a **{name}** ({p_breed:.0%})."
