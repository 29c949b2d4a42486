"""Sentiment speed. The transformer: a 500-word review through the Space's whole serving path (WordPiece, model.onnx,
the baseline, the verdict, the highlights) on one serving thread, against the same weights through
`transformers.pipeline("text-classification")` in the same run. The n-gram baseline: the lean Predictor against
fastai's learn.predict on the same weights, for a 50-word and a 500-word review. A 10,000-word review and 1 MB of
text answer in bounded time (cut at 30,000 characters, and the app says so).

    python -m shared.ops.benchmarks.sentiment
"""
from __future__ import annotations

import os
from pathlib import Path

from shared.ops.bench import summary, timings
from shared.tasks.sentiment.ngram import train
from shared.tasks.sentiment.config import MAX_CHARS
from shared.tasks.sentiment.serve import Predictor
from shared.tasks.sentiment.ui import answer, display_tokens

from shared import REPO
from shared.ops import bench
APP = REPO / "spaces" / "sentiment" / "app.py"
MODEL = os.environ.get("SENTIMENT_MODEL", str(APP.parent / "model"))
MODEL_FOLDER = Path(MODEL)
BASELINE = str(MODEL_FOLDER / "baseline") if (MODEL_FOLDER / "baseline").is_dir() else MODEL


def review_of(words: int) -> str:
    "The first `words` words of the Space's example reviews (real IMDB test reviews), repeated as needed."
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((APP.parent / "examples").glob("*.txt")))
    pool = text.split()
    return " ".join(pool[i % len(pool)] for i in range(words))


def transformers_pipeline(folder: Path, window: int):
    """transformers' own text-classification pipeline on the artifact's weights: a BertPreTrainedModel with the same
    mean pooling and head, the package's tokenizer, head truncation at the same window (the usual way to serve it)."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertModel, BertPreTrainedModel, pipeline
    from transformers.modeling_outputs import SequenceClassifierOutput
    from shared.training import checkpoint
    from shared.serving import weights

    class MeanPooledBert(BertPreTrainedModel):
        def __init__(self, config):
            super().__init__(config)
            self.bert = BertModel(config, add_pooling_layer=False)
            self.head = torch.nn.Linear(config.hidden_size, config.num_labels)

        def forward(self, input_ids=None, attention_mask=None, **kwargs):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            return SequenceClassifierOutput(logits=self.head((h * m).sum(1) / m.sum(1)))

    config, state, _ = checkpoint.load_torch(folder, task="sentiment")
    bert = BertConfig(**config["bert"], num_labels=2, id2label=dict(enumerate(config["labels"])))
    model = MeanPooledBert(bert).eval()
    model.load_state_dict({k.replace("body.", "bert.", 1): v.float() for k, v in state.items()}, strict=True)
    tokenizer = AutoTokenizer.from_pretrained(weights.text_model(config["train_config"]["base"]))
    return pipeline("text-classification", model=model, tokenizer=tokenizer, device="cpu", truncation=True,
                    max_length=window)


def transformer_rows(predictor, n: int) -> list[dict]:
    import torch
    from shared.tasks.sentiment.transformer.serve import request_threads
    threads = request_threads()
    torch.set_num_threads(threads)  # the transformer's threads per request, for both paths
    text = review_of(500)
    pipe = transformers_pipeline(MODEL_FOLDER, predictor.transformer.wordpiece.max_tokens)
    ours = summary(timings(lambda: answer(predictor, text), n))
    theirs = summary(timings(lambda: pipe(text), n))
    alone = summary(timings(lambda: predictor.transformer.predict([text]), n))
    measure = f"500-word review, {threads} thread(s), window {predictor.transformer.wordpiece.max_tokens}"
    return [{"measure": measure, "path": 'transformers.pipeline("text-classification"), same weights', **theirs},
            {"measure": measure, "path": "the transformer in ONNX Runtime (tokenizers + model.onnx)", **alone,
             "speedup_p50": round(theirs["p50_ms"] / alone["p50_ms"], 1)},
            {"measure": measure, "path": "the Space's /predict path: both models, verdict, highlights", **ours,
             "speedup_p50": round(theirs["p50_ms"] / ours["p50_ms"], 1)}]


def run(args) -> list[dict]:
    n = 5 if args.quick else 100
    both = Predictor.load(MODEL)
    rows = transformer_rows(both, n // 2) if hasattr(both, "transformer") else []
    predictor = both.baseline if rows else both
    learn = train.fastai_learner(BASELINE)
    for words in (50, 500):
        text = review_of(words)
        assert abs(predictor.read(text).probs["positive"] - float(learn.predict(text)[2][1])) < 1e-4
        with learn.no_bar():
            fastai = summary(timings(lambda: learn.predict(text), n))
        probs = summary(timings(lambda: predictor.predict([text]), n))
        full = summary(timings(lambda: display_tokens(*_tw(predictor.read(text)), predictor.pipe.before_repeats(text)), n))
        measure = f"{words}-word review (n-gram baseline)"
        rows += [{"measure": measure, "path": "fastai learn.predict", **fastai},
                 {"measure": measure, "path": "ONNX Predictor: probabilities + word attributions", **probs,
                  "speedup_p50": round(fastai["p50_ms"] / probs["p50_ms"], 1)},
                 {"measure": measure, "path": "ONNX Predictor + HighlightedText value (what the app returns)", **full}]
    for label, text in (("10,000-word review", review_of(10_000)), ("1 MB of text", "great fun! " * 95_326)):
        reading = predictor.read(text)
        rows.append({"measure": label, "path": f"ONNX Predictor (cut at {MAX_CHARS:,} chars: "
                                              f"{reading.truncated})", **summary(timings(lambda: predictor.read(text),
                                                                                         max(3, n // 10), 1))})
    return rows


def _tw(reading):
    return reading.tokens, reading.weights


if __name__ == "__main__":
    bench.main("sentiment", run)
