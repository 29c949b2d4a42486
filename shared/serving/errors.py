"""One way to say that the visitor's input cannot be used: `Refused`.

Every serving check (photos, the raw inputs of an event, teach .zips, reviews, ratings, history's settings) raises
`Refused(T, "key", **values)`, where T is a words module's `Words` (shared.serving.i18n): the message is kept as a key
and values, not as text, so it can be shown in English or Korean. `shared.serving.ui` turns it into a `gr.Error` in
one place, in the language of the request (UI, HTTP API, gradio_client and MCP alike). `str(refused)` is English
(logs, notebooks, tests).
"""
from __future__ import annotations


class Phrase:
    "Words to fill into a message, in the message's language: `Phrase(T, 'key', **values)`."

    def __init__(self, words, key: str, **values):
        if key not in words.by_lang["en"]:
            raise KeyError(f"{words.space}: no words for {key!r}")
        self.words, self.key, self.values = words, key, values

    def text(self, lang: str = "en") -> str:
        return self.words.text(self.key, lang, **{k: shown(v, lang) for k, v in self.values.items()})


def shown(value, lang: str):
    "A value as a message shows it in `lang`: a Phrase in its words, a list of them joined by '; '."
    if isinstance(value, Phrase):
        return value.text(lang)
    if isinstance(value, list):
        return "; ".join(str(shown(v, lang)) for v in value)
    return value


class Refused(ValueError):
    """The visitor's input cannot be used. `Refused(T, "key", **values)`: T's words for `key` (English and Korean),
    with `values` filled in (a value may itself be a Phrase, or a list of them, then in the same language).
    `text(lang)`: the message."""

    def __init__(self, words, key: str, **values):
        self.message = Phrase(words, key, **values)
        super().__init__(self.message.text("en"))

    @property
    def key(self) -> str:
        return self.message.key

    def text(self, lang: str = "en") -> str:
        return self.message.text(lang)
