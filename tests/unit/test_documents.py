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


# --- other file types -----------------------------------------------------------------

import pytest  # noqa: E402

from bot.knowledge.documents import (DocumentError, parse_faq_csv, parse_faq_jsonl, parse_html, parse_pdf,  # noqa: E402
                                     parse_text, windows)

HTML = """<html><head><title>Shipping help</title><link rel="canonical" href="https://shop.test/shipping">
<meta name="updated" content="2026-02-03T10:00:00Z"><style>p {color: red}</style></head>
<body><nav>Home | Shop</nav><h1>Shipping</h1><p>We ship worldwide &amp; fast.</p>
<h2>Express</h2><p>Express takes <b>2 days</b>.</p><script>alert("x")</script>
<h2>Costs</h2><ul><li>US: $5</li><li>EU: $15</li></ul></body></html>"""


def test_html_sections_title_url_and_date():
    doc = parse_html(HTML, "shipping.html")
    assert doc.title == "Shipping help" and doc.url == "https://shop.test/shipping" and doc.updated == "2026-02-03"
    assert [(s.heading, s.text) for s in doc.sections] == [
        ("", "We ship worldwide & fast."), ("Express", "Express takes 2 days."), ("Costs", "US: $5\nEU: $15")]


def minimal_pdf(text: str, title: str = "Warranty terms") -> bytes:
    """A one-page PDF with one line of text (Helvetica), written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               f"<< /Title ({title}) >>".encode()]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_pages_become_sections():
    doc = parse_pdf(minimal_pdf("Boots carry a 2-year warranty."), "warranty.pdf")
    assert doc.title == "Warranty terms"
    assert doc.sections[0].heading == "Page 1" and "2-year warranty" in doc.sections[0].text
    with pytest.raises(DocumentError):
        parse_pdf(b"not a pdf", "broken.pdf")


def test_plain_text_title_from_first_line():
    doc = parse_text("Store hours\n\nWe are open 9 to 5.\n\nClosed on Sundays.", "hours.txt")
    assert doc.title == "Store hours" and "Closed on Sundays." in doc.sections[0].text
    assert parse_text("Only one line of text here.", "note.txt").title == "Note"


def test_faq_files_one_section_per_question():
    csv_doc = parse_faq_csv('question,answer,url\n"Do gift cards expire?","No, never.",https://shop.test/faq\n'
                            '"Can I pay by cheque?","No."\n', "faq.csv")
    assert [(s.heading, s.text) for s in csv_doc.sections] == [("Do gift cards expire?", "No, never."),
                                                               ("Can I pay by cheque?", "No.")]
    assert csv_doc.url == "https://shop.test/faq"
    jsonl_doc = parse_faq_jsonl(
        '{"question": "Q1?", "answers": ["A.", "B."]}\n\n{"q": "Q2?", "a": "C."}\n', "faq.jsonl"
    )
    assert [(s.heading, s.text) for s in jsonl_doc.sections] == [("Q1?", "A.\nB."), ("Q2?", "C.")]
    for bad in ('{"question": "no answer"}', "not json", "[1, 2]"):
        with pytest.raises(DocumentError):
            parse_faq_jsonl(bad, "bad.jsonl")
    with pytest.raises(DocumentError):
        parse_faq_csv("title,body\nx,\n", "bad.csv")


def test_long_sections_are_windowed_with_overlap():
    text = " ".join(f"Sentence number {i} is about returns and refunds." for i in range(60))
    parts = windows(text, max_chars=300, overlap=100)
    assert len(parts) > 5 and all(len(p) <= 300 for p in parts)
    for a, b in zip(parts, parts[1:]):
        assert a.split(". ")[-1].rstrip(".") in b  # the last sentence of a window opens the next one
    chunks = chunk_markdown("## Long\n" + text, "long.md")
    assert len(chunks) > 1 and chunks[0].id == "long.md#0.0" and chunks[1].id == "long.md#0.1"
