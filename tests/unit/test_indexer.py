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


def test_every_file_type_is_ingested_incrementally(tmp_path, hashing_embedder):
    from tests.unit.test_documents import HTML, minimal_pdf

    docs = tmp_path / "docs"
    (docs / "faq").mkdir(parents=True)
    write(docs, "returns", "Returns are accepted within 30 days.", "Returns")
    (docs / "shipping.html").write_text(HTML, encoding="utf-8")
    (docs / "warranty.pdf").write_bytes(minimal_pdf("Boots carry a 2-year warranty."))
    (docs / "hours.txt").write_text("Store hours\n\nOpen 9 to 5 on weekdays.", encoding="utf-8")
    (docs / "faq" / "faq.csv").write_text("question,answer\nDo gift cards expire?,Never.\n", encoding="utf-8")
    (docs / "faq" / "more.jsonl").write_text('{"question": "Cheques?", "answer": "Not accepted."}\n', encoding="utf-8")
    (docs / "notes.docx").write_bytes(b"ignored: not a supported type")
    index = ChromaIndex("mixed_kb", path=tmp_path / "chroma")

    first = index_folder(docs, index, hashing_embedder)
    assert first.documents == 6 and first.added == first.chunks == index.count() and not first.errors
    sources = {h.metadata["source"] for h in index.all()}
    assert sources == {"returns.md", "shipping.html", "warranty.pdf", "hours.txt", "faq/faq.csv", "faq/more.jsonl"}
    meta = next(h.metadata for h in index.all() if h.metadata["source"] == "shipping.html")
    assert meta["url"] == "https://shop.test/shipping" and meta["updated"] == "2026-02-03" and meta["content_hash"]

    calls = hashing_embedder.calls
    (docs / "faq" / "faq.csv").write_text("question,answer\nDo gift cards expire?,After 5 years.\n", encoding="utf-8")
    (docs / "hours.txt").unlink()
    report = index_folder(docs, index, hashing_embedder)
    assert (report.added, report.updated, report.deleted) == (0, 1, 1)
    assert hashing_embedder.calls == calls + 1  # only the changed chunk was embedded
    assert "After 5 years." in [h.text for h in index.all()]
    assert "1 updated, 1 deleted" in report.summary()


def test_an_unreadable_document_is_reported_and_keeps_its_old_chunks(tmp_path, hashing_embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "faq.jsonl").write_text('{"question": "Q?", "answer": "A."}\n', encoding="utf-8")
    index = ChromaIndex("broken_kb", path=tmp_path / "chroma")
    index_folder(docs, index, hashing_embedder)
    (docs / "faq.jsonl").write_text("{broken", encoding="utf-8")
    report = index_folder(docs, index, hashing_embedder)
    assert "faq.jsonl" in report.errors and report.deleted == 0 and index.count() == 1
    assert "1 skipped: faq.jsonl" in report.summary()


def test_cli_help_and_run(tmp_path, capsys, monkeypatch, hashing_embedder):
    import pytest

    from bot.knowledge import indexer

    with pytest.raises(SystemExit) as exit_:
        indexer.main(["--help"])
    help_text = capsys.readouterr().out
    assert exit_.value.code == 0 and "--rebuild" in help_text and ".pdf" in help_text
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "returns", "Returns are accepted within 30 days.", "Returns")
    monkeypatch.setenv("CONCIERGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("bot.services.Services.embedder", hashing_embedder)
    assert indexer.main([str(docs), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "1 documents, 2 chunks: 2 added, 0 updated, 0 deleted" in out
    assert indexer.main([str(docs), "--rebuild", "--no-progress"]) == 0
    assert "2 added" in capsys.readouterr().out
