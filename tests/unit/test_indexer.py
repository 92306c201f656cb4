from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.indexer import index_folder
from bot.knowledge.retriever import DenseRetriever

DOC = """---
title: {title}
url: https://shop.test/{slug}
updated: 2026-01-01
---
## Section one
{body}

## Section two
Gift cards never expire.
"""


def write(folder, slug, body, title="Doc"):
    (folder / f"{slug}.md").write_text(DOC.format(title=title, slug=slug, body=body), encoding="utf-8")


def test_incremental_indexing(tmp_path, hashing_embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "returns", "Returns are accepted within 30 days.", "Returns")
    write(docs, "shipping", "Standard shipping takes 3 to 5 business days.", "Shipping")
    index = ChromaIndex("test_kb", path=tmp_path / "chroma")

    first = index_folder(docs, index, hashing_embedder)
    assert (first.documents, first.chunks, first.added, first.updated, first.deleted) == (2, 4, 4, 0, 0)

    again = index_folder(docs, index, hashing_embedder)
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)

    write(docs, "returns", "Returns are accepted within 60 days.", "Returns")
    (docs / "shipping.md").unlink()
    changed = index_folder(docs, index, hashing_embedder)
    assert (changed.documents, changed.chunks, changed.added, changed.updated, changed.deleted) == (1, 2, 0, 1, 2)
    assert index.count() == 2

    hits = DenseRetriever(hashing_embedder, ChromaIndex("test_kb", path=tmp_path / "chroma")).retrieve(
        "returns accepted within days", 1)
    assert "60 days" in hits[0].text and hits[0].title == "Returns" and hits[0].url == "https://shop.test/returns"


def test_empty_index_returns_nothing(tmp_path, hashing_embedder):
    retriever = DenseRetriever(hashing_embedder, ChromaIndex("empty_kb", path=tmp_path / "c"))
    assert retriever.retrieve("anything", 3) == []
    assert retriever.retrieve("   ", 3) == []
