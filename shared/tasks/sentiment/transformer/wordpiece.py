"""The transformer's input, for training and serving alike: review text -> WordPiece ids, head + tail.

Reviews longer than the model's window keep their first `head` tokens and their last ones (Sun et al. 2019,
"How to Fine-Tune BERT for Text Classification": head+tail beats head-only and chunking on IMDB, where the
verdict is often in the last lines). `tokenizers` only (the Rust tokenizer that transformers wraps): no torch.
"""
from __future__ import annotations

import json
import re

import numpy as np

_re_br = re.compile(r"<br\s*/?>", re.I)


def clean(text: str) -> str:
    "IMDB's line breaks are `<br />` tags: spaces to the tokenizer."
    return _re_br.sub(" ", text)


class WordPiece:
    "A tokenizer.json (as a dict, the way config.json holds it) -> ids cut to a window of `max_tokens`."

    def __init__(self, tokenizer_json: dict, max_tokens: int = 256, head: int = 64):
        from tokenizers import Tokenizer
        self.tok = Tokenizer.from_str(json.dumps(tokenizer_json))
        self.tok.no_truncation()
        self.tok.no_padding()
        self.max_tokens, self.head = max_tokens, head
        self.cls, self.sep = self.tok.token_to_id("[CLS]"), self.tok.token_to_id("[SEP]")
        self.pad = self.tok.token_to_id("[PAD]") or 0

    def window(self, ids: list[int], max_tokens: int | None = None) -> list[int]:
        "[CLS] + the first `head` and last tokens of the body + [SEP], at most `max_tokens` in all."
        n = (max_tokens or self.max_tokens) - 2
        body = ids[1:-1] if ids and ids[0] == self.cls else ids
        if len(body) > n:
            head = min(self.head, n)
            body = body[:head] + body[len(body) - (n - head):]
        return [self.cls, *body, self.sep]

    def encode(self, texts: list[str], max_tokens: int | None = None) -> list[list[int]]:
        return [self.window(e.ids, max_tokens) for e in self.tok.encode_batch([clean(t) for t in texts])]

    def batch(self, rows: list[list[int]]) -> np.ndarray:
        return pad_batch(rows, self.pad)


def pad_batch(rows: list[list[int]], pad: int) -> np.ndarray:
    "Rows of ids padded with `pad` into one int64 array (the network masks padding itself)."
    x = np.full((len(rows), max(len(r) for r in rows)), pad, dtype=np.int64)
    for i, r in enumerate(rows):
        x[i, :len(r)] = r
    return x
