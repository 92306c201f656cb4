"""The `SentimentModel` seam: text in, a sentiment score out."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Sentiment:
    label: str  # negative | neutral | positive
    score: float  # -1 (very negative) .. 1 (very positive): P(positive) - P(negative)
    probabilities: dict = field(default_factory=dict)
    model: str = ""
    lexicon: float | None = None  # VADER's compound score (English only)

    @property
    def intensity(self) -> float:
        """-1..1 for the escalation decision. The classifier's probabilities say *whether* a message is
        negative but not how strongly ("I'm furious" and "the blue one looks ugly" both get P(negative)
        about 0.5), so a negative reading takes the stronger of P(negative) and VADER's intensity."""
        p_negative = self.probabilities.get("negative", 0.0) if self.label == "negative" else 0.0
        lexicon_negative = -self.lexicon if self.lexicon is not None and self.lexicon < 0 else 0.0
        if self.label == "negative" or lexicon_negative > 0:
            return -max(p_negative, lexicon_negative, -min(self.score, 0.0))
        return self.score


class SentimentModel(Protocol):
    def score(self, texts: list[str]) -> list[Sentiment]: ...
