"""What the pets Space says besides the probabilities: one honest sentence about the answer, and the names of the
breeds as people write them. Every sentence a visitor reads about an answer is here (one place to translate)."""
from __future__ import annotations

from shared.tasks.pets.config import is_cat_breed

SURE_SPECIES, SURE_BREED = 0.7, 0.25

# The Oxford-IIIT keys (what the API answers, `config.json`'s labels) -> names as people write them (what the UI shows)
BREED_NAMES = {
    "Abyssinian": "Abyssinian", "Bengal": "Bengal", "Birman": "Birman", "Bombay": "Bombay",
    "British_Shorthair": "British Shorthair", "Egyptian_Mau": "Egyptian Mau", "Maine_Coon": "Maine Coon",
    "Persian": "Persian", "Ragdoll": "Ragdoll", "Russian_Blue": "Russian Blue", "Siamese": "Siamese",
    "Sphynx": "Sphynx", "american_bulldog": "American Bulldog", "american_pit_bull_terrier": "American Pit Bull Terrier",
    "basset_hound": "Basset Hound", "beagle": "Beagle", "boxer": "Boxer", "chihuahua": "Chihuahua",
    "english_cocker_spaniel": "English Cocker Spaniel", "english_setter": "English Setter",
    "german_shorthaired": "German Shorthaired Pointer", "great_pyrenees": "Great Pyrenees", "havanese": "Havanese",
    "japanese_chin": "Japanese Chin", "keeshond": "Keeshond", "leonberger": "Leonberger",
    "miniature_pinscher": "Miniature Pinscher", "newfoundland": "Newfoundland", "pomeranian": "Pomeranian",
    "pug": "Pug", "saint_bernard": "Saint Bernard", "samoyed": "Samoyed", "scottish_terrier": "Scottish Terrier",
    "shiba_inu": "Shiba Inu", "staffordshire_bull_terrier": "Staffordshire Bull Terrier",
    "wheaten_terrier": "Wheaten Terrier", "yorkshire_terrier": "Yorkshire Terrier",
}
SPECIES_NAMES = {"cat": "cat", "dog": "dog", "neither": "neither"}


def name(label: str) -> str:
    "A label as people write it: an Oxford breed's name, a taught label with its underscores as spaces."
    return BREED_NAMES.get(label) or SPECIES_NAMES.get(label) or label.replace("_", " ")


def shown(probs: dict | None) -> dict | None:
    "{label: p} with the names people write (what the UI's label boxes show; the API keeps the keys)."
    return {name(k): v for k, v in probs.items()} if probs else None


def article(thing: str) -> str:
    return ("an " if thing[:1].lower() in "aeiou" else "a ") + thing


def sure_label(label: str, p: float) -> str:
    "A model of your own labels, sure (your label as you wrote it, underscores as spaces)."
    return f"Looks like **{label.replace('_', ' ')}** ({p:.0%})."


def unsure_label(label: str, p: float) -> str:
    return f"**Not sure.** Best guess: *{label.replace('_', ' ')}* ({p:.0%})."


def not_a_pet(p: float, looks_like: str | None) -> str:
    "The sentence for a photo the model finds no cat or dog in (p: its probability of 'neither')."
    instead = f" — it looks more like {article(looks_like)}" if looks_like else ""
    return (f"**This doesn't look like a cat or a dog**{instead} ({p:.0%} sure it is neither). The model only knows "
            "cats, dogs and their breeds, so it names no breed here.")


def unsure_kind(kind: str, p: float) -> str:
    return ("**Not sure.** This doesn't look clearly like a cat or a dog to the model: it may not be a pet "
            f"photo, or the animal is hard to see. (Best guess: {SPECIES_NAMES[kind]}, {p:.0%}.)")


def breed_guess(kind: str, p_kind: float, breed: str, p_breed: float) -> str:
    return (f"Looks like a **{SPECIES_NAMES[kind]}** ({p_kind:.0%}). The breed is a guess: maybe *{name(breed)}* "
            f"({p_breed:.0%}).")


def breed_sure(kind: str, p_kind: float, breed: str, p_breed: float) -> str:
    breed = name(breed)
    a = "an" if breed[:1].lower() in "aeiou" else "a"
    return f"Looks like a **{SPECIES_NAMES[kind]}** ({p_kind:.0%}), most likely {a} **{breed}** ({p_breed:.0%})."


def verdict(breeds: dict, species: dict | None, looks_like: str | None = None) -> str:
    """One honest sentence: what the model thinks, and how sure it is. `looks_like`: what a photo that is neither a
    cat nor a dog looks like to the pretrained ImageNet classifier (a class name), if known."""
    if not species:  # a model of your own labels
        label, p = max(breeds.items(), key=lambda kv: kv[1])
        return sure_label(label, p) if p >= max(SURE_BREED, 1.5 / len(breeds)) else unsure_label(label, p)
    kind, p_kind = max(species.items(), key=lambda kv: kv[1])
    if kind == "neither":
        return not_a_pet(p_kind, looks_like)
    breed, p_breed = max(breeds.items(), key=lambda kv: kv[1])
    if p_kind < SURE_SPECIES:
        return unsure_kind(kind, p_kind)
    if p_breed < SURE_BREED or is_cat_breed(breed) != (kind == "cat"):
        return breed_guess(kind, p_kind, breed, p_breed)
    return breed_sure(kind, p_kind, breed, p_breed)


def breeds_shown(breeds: dict, species: dict | None) -> dict | None:
    """What the breed box shows: the breeds by name; nothing when the answer is 'neither' (the breed list would read
    as a confident answer about an animal that is not there)."""
    if species and max(species, key=species.get) == "neither":
        return None
    return shown(breeds)
