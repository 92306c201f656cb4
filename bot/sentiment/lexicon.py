"""VADER, the English sentiment lexicon and rules. The only module that imports vaderSentiment."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_features(text: str) -> list[float]:
    """compound (-1..1), then the shares of positive, negative and neutral words."""
    s = _analyzer().polarity_scores(text or "")
    return [s["compound"], s["pos"], s["neg"], s["neu"]]
