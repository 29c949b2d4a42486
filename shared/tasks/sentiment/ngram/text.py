"""Tokenisation, for training and serving alike: text rules by name, a regular-expression word splitter, n-grams.

The rules named after fastai's (`fix_html`, `replace_rep`, ...) are fastai's text rules (fastai.text.core,
2.8), written here in plain Python so that serving needs no fastai; a test checks that they give fastai's
output on real and tricky reviews. Training runs fastai's own functions (train.py).
"""
from __future__ import annotations

import html
import re
import unicodedata

from .config import MARKERS, MAX_CHARS, TokenizerConfig

TK_REP, TK_WREP, TK_UP, TK_MAJ, BOS, UNK = "xxrep", "xxwrep", "xxup", "xxmaj", "xxbos", "xxunk"

_re_control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_re_tag = re.compile(r"<[^<>]{0,300}>")
_re_spec = re.compile(r"([/#\\])")
_re_space = re.compile(" {2,}")
_re_rep = re.compile(r"(\S)(\1{2,})")
_re_wrep = re.compile(r"(?:\s|^)(\w+)\s+((?:\1\s+)+)\1(\s|\W|$)")
_re_all_caps = re.compile(r"(\s|^)([A-Z]+[^a-z\s]*)(?=(\s|$))")
_re_maj = re.compile(r"(\s|^)([A-Z][^A-Z\s]*)(?=(\s|$))")


def rm_control_chars(t: str) -> str:
    "Control and invisible characters -> space (pasted text carries them; reviews do not)."
    return _re_control.sub(" ", t)


def rm_html_tags(t: str) -> str:
    "Any remaining HTML tag -> space (fix_html already turned IMDB's <br /> into a line break)."
    return _re_tag.sub(" ", t)


def normalize_unicode(t: str) -> str:
    "NFKC: full-width letters, ligatures and composed accents become the plain characters reviews use."
    return unicodedata.normalize("NFKC", t)


def fix_html(x: str) -> str:
    "fastai: various messy things seen in documents (IMDB's <br />, escaped quotes, entities)."
    x = x.replace("#39;", "'").replace("amp;", "&").replace("#146;", "'").replace("nbsp;", " ").replace(
        "#36;", "$").replace("\\n", "\n").replace("quot;", "'").replace("<br />", "\n").replace(
        '\\"', '"').replace("<unk>", UNK).replace(" @.@ ", ".").replace(" @-@ ", "-").replace("...", " …")
    return html.unescape(x)


def replace_rep(t: str) -> str:
    "fastai: character repetitions, cccc -> xxrep 4 c."
    return _re_rep.sub(lambda m: f" {TK_REP} {len(m.group(2)) + 1} {m.group(1)} ", t)


def replace_wrep(t: str) -> str:
    "fastai: word repetitions, word word word word -> xxwrep 4 word."
    return _re_wrep.sub(lambda m: f" {TK_WREP} {len(m.group(2).split()) + 2} {m.group(1)} {m.group(3)}", t)


def spec_add_spaces(t: str) -> str:
    "fastai: spaces around / and #."
    return _re_spec.sub(r" \1 ", t)


def rm_useless_spaces(t: str) -> str:
    "fastai: runs of spaces -> one."
    return _re_space.sub(" ", t)


def replace_all_caps(t: str) -> str:
    "fastai: a word in ALL CAPS -> xxup word."
    return _re_all_caps.sub(lambda m: f"{m.group(1)}{TK_UP + ' ' if len(m.group(2)) > 1 else ''}{m.group(2).lower()}", t)


def replace_maj(t: str) -> str:
    "fastai: a Capitalised word -> xxmaj word."
    return _re_maj.sub(lambda m: f"{m.group(1)}{TK_MAJ + ' ' if len(m.group(2)) > 1 else ''}{m.group(2).lower()}", t)


def lowercase(t: str) -> str:
    "fastai: lower case, with xxbos in front."
    return f"{BOS} " + t.lower().strip()


RULES = {f.__name__: f for f in (normalize_unicode, rm_control_chars, fix_html, rm_html_tags, replace_rep,
                                 replace_wrep, spec_add_spaces, rm_useless_spaces, replace_all_caps, replace_maj,
                                 lowercase)}
FASTAI_RULES = ("fix_html", "replace_rep", "replace_wrep", "spec_add_spaces", "rm_useless_spaces",
                "replace_all_caps", "replace_maj", "lowercase")


class TextPipeline:
    "Tokens and n-grams from a TokenizerConfig (config.json's 'tokenizer'): the rules by name, then the pattern."

    def __init__(self, tok: TokenizerConfig):
        unknown = [n for n in tok.rules if n not in RULES]
        if unknown:
            from shared.serving.artifact import ArtifactError
            raise ArtifactError(f"config.json names tokenisation rules this code lacks: {unknown}")
        self.rules = [RULES[n] for n in tok.rules]
        self.re = re.compile(tok.pattern)
        self.markers = frozenset(tok.markers)
        self.n = int(tok.ngrams)
        self.max_chars = int(tok.max_chars)

    def tokens(self, text: str) -> list[str]:
        for rule in self.rules:
            text = rule(text)
        return self.re.findall(text)

    def before_repeats(self, text: str) -> str:
        "The text as the repeat rules (replace_rep, replace_wrep) get it: what a repeat marker's run was cut from."
        for rule in self.rules:
            if rule in (replace_rep, replace_wrep):
                break
            text = rule(text)
        return text

    def words(self, tokens: list[str]) -> list[int]:
        "Positions of the tokens n-grams are made of (all but fastai's case/start markers)."
        return [i for i, t in enumerate(tokens) if t not in self.markers]

    def ngrams(self, tokens: list[str]) -> list[tuple[str, int, int]]:
        "(n-gram, first word index, n) for every word n-gram, n = 1..self.n, over the words (markers skipped)."
        words = [tokens[i] for i in self.words(tokens)]
        out = [(w, i, 1) for i, w in enumerate(words)]
        for n in range(2, self.n + 1):
            out += [(" ".join(words[i:i + n]), i, n) for i in range(len(words) - n + 1)]
        return out

    def truncate(self, text: str) -> tuple[str, bool]:
        "At most max_chars characters, cut at the last whitespace: a bounded cost for any input."
        if len(text) <= self.max_chars:
            return text, False
        cut = text[:self.max_chars]
        space = max(cut.rfind(" "), cut.rfind("\n"))
        return (cut[:space] if space > self.max_chars // 2 else cut), True


def ngram_strings(tokens: list[str], n: int, markers=MARKERS) -> set[str]:
    "The set of distinct word n-grams (1..n) of a token list (what the nbsvm model sees: presence, not counts)."
    words = [t for t in tokens if t not in markers]
    out = set(words)
    for k in range(2, n + 1):
        out.update(" ".join(words[i:i + k]) for i in range(len(words) - k + 1))
    return out


__all__ = ["RULES", "FASTAI_RULES", "TextPipeline", "ngram_strings", "MAX_CHARS"]
