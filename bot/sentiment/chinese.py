"""Chinese sentiment with SnowNLP's packaged model. The only module that imports snownlp."""
from __future__ import annotations

import re

CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def is_chinese(text: str, share: float = 0.3) -> bool:
    chars = [c for c in text if not c.isspace()]
    return bool(chars) and len(CJK_RE.findall(text)) / len(chars) >= share


def snownlp_positive(text: str) -> float:
    """P(positive) from SnowNLP's shopping-review model."""
    from snownlp import SnowNLP

    return float(SnowNLP(text).sentiments)
