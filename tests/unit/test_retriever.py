import pytest

from bot.knowledge.chroma_index import ChromaIndex, IndexUnavailable
from bot.knowledge.indexer import index_folder
from bot.knowledge.lexical import BM25Index, terms
from bot.knowledge.retriever import HybridRetriever, rrf
from tests.unit.test_indexer import write


def test_terms_and_bm25():
    assert terms("Returned boxes, shipping deliveries!") == ["return", "box", "ship", "delivery"]
    bm25 = BM25Index([("a", "express shipping costs 19.95"), ("b", "returns are free"), ("c", "gift cards")])
    assert [h.id for h in bm25.search("how much is express shipping", 3)] == ["a"]
    assert bm25.search("the", 3) == [] and BM25Index([]).search("x", 3) == []


def test_rrf():
    fused = rrf([["a", "b", "c"], ["c", "a"]], k=60)
    assert sorted(fused, key=fused.get, reverse=True) == ["a", "c", "b"]
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)


@pytest.fixture
def retriever(tmp_path, hashing_embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "returns", "Returns are accepted within 30 days of delivery.", "Returns")
    write(docs, "shipping", "Express shipping costs 19.95 and takes 2 days.", "Shipping")
    index = ChromaIndex("hybrid_kb", path=tmp_path / "chroma")
    index_folder(docs, index, hashing_embedder)
    return HybridRetriever(hashing_embedder, index, candidates=10)


def test_every_mode_finds_the_right_passage(retriever):
    for mode in ("dense", "lexical", "hybrid", "rerank"):
        top = retriever.rank("how much does express shipping cost", 2, mode)
        assert top[0].source == "shipping.md" and top[0].section == "Section one", mode
    assert retriever.rank("   ", 2) == []
    with pytest.raises(ValueError):
        retriever.rank("x", 2, "magic")


def test_reranked_scores_are_absolute_and_ordered(retriever):
    relevant = retriever.retrieve("express shipping costs", 3)
    unrelated = retriever.retrieve("weather forecast tomorrow", 3)
    assert 0 < relevant[0].score <= 1 and relevant[0].score >= relevant[-1].score
    assert relevant[0].score > unrelated[0].score


def test_lexical_index_follows_the_collection(tmp_path, retriever, hashing_embedder):
    retriever.retrieve("returns", 1)
    write(tmp_path / "docs", "gifts", "Gift wrapping costs 4 dollars.", "Gifts")
    index_folder(tmp_path / "docs", retriever.index, hashing_embedder)
    assert retriever.rank("gift wrapping", 1, "lexical")[0].source == "gifts.md"


def test_a_changed_document_changes_the_version_even_with_the_same_chunk_count(tmp_path, retriever,
                                                                              hashing_embedder):
    before, chunks = retriever.version(), retriever.index.count()
    assert retriever.rank("how long for returns", 1, "lexical")[0].text.startswith("Returns are accepted within 30")
    write(tmp_path / "docs", "returns", "Returns are accepted within 60 days of delivery.", "Returns")
    index_folder(tmp_path / "docs", retriever.index, hashing_embedder)
    assert retriever.version() != before and retriever.index.count() == chunks
    assert "60 days" in retriever.rank("how long for returns", 1, "lexical")[0].text
    assert ChromaIndex("empty_kb", path=tmp_path / "chroma").version() == "empty"


def test_unreachable_chroma_server_raises_index_unavailable(hashing_embedder):
    index = ChromaIndex("kb", host="127.0.0.1", port=9)  # nothing listens on the discard port
    with pytest.raises(IndexUnavailable):
        HybridRetriever(hashing_embedder, index).retrieve("returns", 3)
