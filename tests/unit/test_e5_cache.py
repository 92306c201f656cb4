"""E5 embeddings: a message embedded twice in a row (featurizer, then sentiment) is computed once."""
import numpy as np

from bot.sentiment import e5


def test_recent_embeddings_are_reused_and_the_cache_is_bounded(monkeypatch):
    calls = []

    def fake_encode(texts):
        calls.append(list(texts))
        return np.array([[float(len(t))] * 384 for t in texts], dtype=np.float32)

    monkeypatch.setattr(e5, "_encode", fake_encode)
    monkeypatch.setattr(e5, "_recent", type(e5._recent)())
    monkeypatch.setattr(e5, "RECENT", 3)
    first = e5.e5_embed(["where is my order", "hi", "hi"])
    assert calls == [["where is my order", "hi"]] and first.shape == (3, 384) and first[1, 0] == 2.0
    again = e5.e5_embed(["hi", "thanks"])
    assert calls[-1] == ["thanks"] and again[0, 0] == 2.0 and again[1, 0] == 6.0
    e5.e5_embed(["a", "bb"])  # pushes out the oldest
    assert len(e5._recent) == 3 and "where is my order" not in e5._recent
    assert e5.e5_embed([]).shape == (0, 384)
