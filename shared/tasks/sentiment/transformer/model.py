"""The transformer's network (torch, transformers): a BERT body, mean pooling over the real tokens, a linear head."""
from __future__ import annotations

from torch import nn

from ..config import LABELS


class MiniLMClassifier(nn.Module):
    "A BERT body, mean pooling over the real tokens (padding masked), dropout and a linear head: ids -> logits."

    def __init__(self, body, n_out: int = len(LABELS), drop: float = 0.1, pad: int = 0):
        super().__init__()
        self.body, self.drop, self.pad = body, nn.Dropout(drop), pad
        self.head = nn.Linear(body.config.hidden_size, n_out)

    def forward(self, ids):
        mask = ids != self.pad
        h = self.body(input_ids=ids, attention_mask=mask.long()).last_hidden_state
        m = mask.unsqueeze(-1).to(h.dtype)
        return self.head(self.drop((h * m).sum(1) / m.sum(1).clamp(min=1)))


def body_from_config(bert_config: dict):
    "The BERT body from config.json's `bert` (random weights; the safetensors fill them)."
    from transformers import BertConfig, BertModel
    return BertModel(BertConfig(**bert_config), add_pooling_layer=False)


def build_model(config: dict) -> MiniLMClassifier:
    "The network of a transformer artifact's config.json, random weights (the artifact's load strictly)."
    return MiniLMClassifier(body_from_config(config["bert"]), n_out=len(config["labels"]), pad=config["pad_id"])
