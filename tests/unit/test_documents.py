import re

from bot.knowledge.documents import chunk_markdown, load_chunks, parse_front_matter
from tests.conftest import KNOWLEDGE

DOC = """---
title: Returns
url: https://example.test/returns
updated: 2026-01-01
---
# Returns

Intro line.

## Window
You have 30 days.

## Exceptions
Socks cannot be returned.
"""


def test_front_matter_and_sections():
    meta, body = parse_front_matter(DOC)
    assert meta["title"] == "Returns" and body.startswith("# Returns")
    chunks = chunk_markdown(DOC, "returns.md")
    assert [c.section for c in chunks] == ["", "Window", "Exceptions"]
    assert chunks[1].text == "You have 30 days."
    assert chunks[1].url == "https://example.test/returns" and chunks[1].updated == "2026-01-01"
    assert chunks[1].id == "returns.md#1"


def test_content_hash_changes_only_with_content():
    a = chunk_markdown(DOC, "r.md")
    b = chunk_markdown(DOC.replace("30 days", "60 days"), "r.md")
    assert a[0].content_hash == b[0].content_hash
    assert a[1].content_hash != b[1].content_hash


def test_document_without_front_matter_gets_a_title():
    chunks = chunk_markdown("Just text.", "gift-cards.md")
    assert chunks[0].title == "Gift cards" and chunks[0].url == ""


def test_store_knowledge_has_twelve_documents_with_front_matter_and_sixty_facts():
    docs = sorted((KNOWLEDGE / "policies").glob("*.md"))
    assert len(docs) >= 12
    for d in docs:
        meta, _ = parse_front_matter(d.read_text(encoding="utf-8"))
        assert {"title", "url", "updated"} <= meta.keys(), d.name
    chunks = load_chunks(KNOWLEDGE / "policies")
    sentences = {s for c in chunks for s in re.split(r"(?<=[.!?])\s+", c.text)}
    checkable = [s for s in sentences if re.search(r"\d|\bnot\b|\bnever\b|\bonly\b|\bcannot\b", s)]
    assert len(checkable) >= 60
