"""The sentiment model cards' text, one per part (what a published card says; edit here, not in module docstrings)."""
from __future__ import annotations

from dataclasses import asdict

from .config import NgramConfig, TransformerConfig

ABOUT = """Sentiment: chapter 1's second model. A movie review -> positive or negative, and which words decided it.

The n-gram model is NBSVM++: a fastai `Learner` over the word 1-, 2- and 3-grams of a review, each weighted by
its Naive-Bayes log-count ratio (Wang & Manning, ACL 2012) times a learned correction, trained with
`fit_one_cycle` (Jeremy Howard's "NBSVM++" from the fastai course). It is linear in its n-gram features, so
the contribution of every word to the decision is exact, not estimated: the score is the sum of the
contributions of the review's n-grams plus a bias, and each n-gram's share is split over its words.

Tokenisation is fastai's: its default text rules (`fix_html`, `replace_rep`, `replace_wrep`, `spec_add_spaces`,
`rm_useless_spaces`, `replace_all_caps`, `replace_maj`, `lowercase`) applied by fastai's own `tokenize_texts`
at training time, with a regular-expression word splitter instead of spaCy (so its behaviour is fixed by
`config.json`, not by a spaCy version). The rule names, the pattern and the vocabulary are in `config.json`;
serving runs the very same rule functions by name.
"""


def ngram_card(cfg: NgramConfig, metrics: dict, command: str) -> str:
    from shared.training.card import model_card
    return model_card(
        "sentiment", title="Sentiment: IMDB movie reviews", task="text-classification", metrics=metrics,
        datasets=["stanfordnlp/imdb"], license="apache-2.0", command=command, config=asdict(cfg),
        metric_names={"accuracy": "accuracy", "tfidf_lr_accuracy": "TF-IDF (1-2 grams) + logistic regression accuracy"},
        about=ABOUT + ABOUT_RESULTS, data_note=DATA_NOTE, extra=comparison(metrics), split="test")


ABOUT_RESULTS = """
NBSVM++ trains in minutes on 2 CPU cores and, on the same validation reviews, beats the TF-IDF + logistic
regression bar (table below). The Space serves it beside a fine-tuned transformer (the chapter's transfer
learning), which it is combined with; alone, its word pushes are exact.
"""


def comparison(metrics: dict) -> str:
    if metrics.get("tfidf_lr_accuracy") is None:
        return ""
    gap = metrics["accuracy"] - metrics["tfidf_lr_accuracy"]
    return (f"\nOn the same {metrics.get('n_valid_reviews')} validation reviews: this model "
            f"**{metrics['accuracy']:.4f}**, TF-IDF + logistic regression {metrics['tfidf_lr_accuracy']:.4f} "
            f"({'+' if gap >= 0 else ''}{gap * 100:.2f} points). The baseline's C was picked on the validation set "
            "itself (flattering it); this model's settings were not.\n")


DATA_NOTE = """IMDB Large Movie Review Dataset (Maas et al., "Learning Word Vectors for Sentiment Analysis", ACL 2011):
trained on the 25,000 training reviews, validated on 5,000 of the 25,000 test reviews (never seen in training)."""


TRANSFORMER_ABOUT = """Sentiment: chapter 1's second model, as the chapter teaches it: transfer learning. A movie review ->
positive or negative.

The transformer is {origin}: pretrained by its authors on over a billion sentence pairs to embed sentences,
then fine-tuned here with fastai (`fit_one_cycle`) as a classifier of IMDB reviews: mean pooling over its
tokens and a new linear head, its word embeddings kept frozen. Reviews longer than its window keep their first
{head} WordPiece tokens and their last ones ("head + tail", Sun et al. 2019: it beats head-only truncation on
IMDB, where the verdict often comes last). Its last training pass read {train_tokens} tokens (Training below
lists every pass, in order); it is served at {serve_tokens}
(`model.onnx`, {weights} weights, run by ONNX Runtime with the `tokenizers` library: no transformers, no torch
at serving time).

The Space shows it beside the n-gram baseline (NBSVM++, trained from scratch in minutes, in `baseline/`: its
word pushes are exact) and gives one verdict from both: a logistic regression over the two models' log-odds,
fitted on validation reviews (`ensemble` in config.json), never on test reviews.
"""


def transformer_card(cfg: TransformerConfig, metrics: dict, command: str) -> str:
    from shared.serving import weights
    from shared.training.card import model_card
    w = weights.TEXT[cfg.base]
    about = TRANSFORMER_ABOUT.format(origin=w.origin, head=cfg.head_tokens, train_tokens=cfg.max_tokens,
                                     serve_tokens=metrics.get("serve_tokens", cfg.serve_tokens), weights=metrics.get("served_weights", "float32"))
    n, fitted = metrics.get("n_valid_reviews"), metrics.get("skipped_fit_reviews")
    where = (f"the {n} validation reviews after the first {fitted}, which the combination was fitted on"
             if fitted is not None else f"the same {n} validation reviews")
    how = "" if fitted is not None else " (cross-fitted: its weights fitted on one half, scored on the other, both ways)"
    extra = (f"\nOn {where} (from the IMDB test set, never trained on): the transformer "
             f"**{metrics.get('transformer_accuracy')}**, the n-gram baseline {metrics.get('baseline_accuracy')}, "
             f"the combined verdict **{metrics.get('accuracy')}**{how}.\n")
    return model_card(
        "sentiment", title="Sentiment: IMDB movie reviews (fine-tuned MiniLM + n-gram baseline)",
        task="text-classification", metrics=metrics, datasets=["stanfordnlp/imdb"], license="apache-2.0",
        command=command, config=asdict(cfg), base_model=w.base_model,
        metric_names={"accuracy": "accuracy (combined verdict)", "transformer_accuracy": "transformer accuracy",
                      "baseline_accuracy": "n-gram baseline accuracy"},
        about=about, data_note=DATA_NOTE, extra=extra, split="test")
