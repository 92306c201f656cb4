"""Knowledge documents and their chunks.

Reads Markdown, HTML, PDF, plain text and CSV/JSONL FAQ files, splits them at their
headings (or per FAQ entry, or per PDF page) and cuts long sections into overlapping
windows. Every chunk carries the metadata that is cited: source path, title, section,
URL, updated date and a content hash (used for incremental indexing).
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml

FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*\S)\s*$", re.M)
SENTENCE_END_RE = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
SUPPORTED_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".pdf", ".txt", ".csv", ".jsonl")

MAX_CHUNK_CHARS = 1200
OVERLAP_CHARS = 200


class DocumentError(ValueError):
    """A document that cannot be read; the indexer reports it and goes on."""


@dataclass(frozen=True)
class Chunk:
    """One section (or window of a long section) of a document: the unit that is embedded and cited."""

    id: str
    text: str
    source: str  # path relative to the knowledge folder
    title: str
    section: str
    url: str
    updated: str
    content_hash: str

    def metadata(self) -> dict[str, str]:
        return {"source": self.source, "title": self.title, "section": self.section, "url": self.url,
                "updated": self.updated, "content_hash": self.content_hash}


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


@dataclass(frozen=True)
class Document:
    source: str
    title: str
    url: str
    updated: str
    sections: list[Section]


# --- splitting ---------------------------------------------------------------

def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END_RE.split(" ".join(text.split())) if s.strip()]


def windows(text: str, max_chars: int = MAX_CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[str]:
    """Cut `text` into pieces of at most about `max_chars` at sentence ends; each piece repeats
    the last sentences (up to `overlap` characters) of the one before it."""
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if len(text) <= max_chars:
        return [text] if text else []
    sentences = split_sentences(text)
    pieces: list[list[str]] = []
    current: list[str] = []
    for s in sentences:
        if current and len(" ".join(current + [s])) > max_chars:
            pieces.append(current)
            tail: list[str] = []
            for prev in reversed(current):
                if len(" ".join([prev] + tail)) > overlap:
                    break
                tail.insert(0, prev)
            current = tail
        current.append(s)
    if current and (not pieces or current != pieces[-1]):
        pieces.append(current)
    return [" ".join(p) for p in pieces]


def chunk_document(doc: Document, max_chars: int = MAX_CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[Chunk]:
    chunks: list[Chunk] = []
    for n, section in enumerate(doc.sections):
        parts = windows(section.text, max_chars, overlap)
        for k, part in enumerate(parts):
            digest = hashlib.sha256(f"{doc.title}\n{section.heading}\n{doc.url}\n{part}".encode()).hexdigest()[:16]
            cid = f"{doc.source}#{n}" if len(parts) == 1 else f"{doc.source}#{n}.{k}"
            chunks.append(Chunk(id=cid, text=part, source=doc.source, title=doc.title, section=section.heading,
                                url=doc.url, updated=doc.updated, content_hash=digest))
    return chunks


def _default_title(source: str) -> str:
    return Path(source).stem.replace("-", " ").replace("_", " ").capitalize()


# --- Markdown ------------------------------------------------------------------

def parse_front_matter(text: str) -> tuple[dict, str]:
    m = FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as e:
        raise DocumentError(f"front matter is not valid YAML: {e}") from None
    return (meta if isinstance(meta, dict) else {}), text[m.end():]


def parse_markdown(text: str, source: str) -> Document:
    meta, body = parse_front_matter(text)
    title = str(meta.get("title") or "")
    sections: list[Section] = []
    current, lines = "", []
    for line in body.splitlines():
        h = HEADING_RE.match(line)
        if h and len(h.group(1)) >= 2:
            sections.append(Section(current, "\n".join(lines)))
            current, lines = h.group(2), []
        elif h:  # the document's own H1 title
            title = title or h.group(2)
        else:
            lines.append(line)
    sections.append(Section(current, "\n".join(lines)))
    return Document(source, title or _default_title(source), str(meta.get("url", "") or ""),
                    str(meta.get("updated", "") or ""), [s for s in sections if s.text.strip()])


def chunk_markdown(text: str, source: str) -> list[Chunk]:
    return chunk_document(parse_markdown(text, source))


# --- HTML ----------------------------------------------------------------------

class _HtmlText(HTMLParser):
    """Visible text of an HTML page, split at its h2-h6 headings; title, canonical URL and dates."""

    SKIP = {"script", "style", "noscript", "template", "nav", "footer"}
    BLOCK = {"p", "div", "li", "br", "tr", "section", "article", "ul", "ol", "table", "h1", "h2", "h3", "h4",
             "h5", "h6", "blockquote", "pre", "dd", "dt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = self.url = self.updated = ""
        self.sections: list[Section] = []
        self._heading, self._buf = "", []
        self._skip = 0
        self._in: str | None = None  # "title" or a heading tag
        self._capture: list[str] = []
        self.h1 = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title" or re.fullmatch(r"h[1-6]", tag):
            self._in, self._capture = tag, []
        elif tag == "link" and a.get("rel", "").lower() == "canonical":
            self.url = a.get("href", "")
        elif tag == "meta":
            name = (a.get("name") or a.get("property") or "").lower()
            if name in ("updated", "last-modified", "article:modified_time", "dcterms.modified"):
                self.updated = a.get("content", "")[:10]
            elif name in ("og:url", "url") and not self.url:
                self.url = a.get("content", "")
        if tag in self.BLOCK:
            self._buf.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == self._in:
            text = " ".join("".join(self._capture).split())
            if tag == "title":
                self.title = text
            elif tag == "h1":
                self.h1 = text
            else:
                self._flush()
                self._heading = text
            self._in = None
        if tag in self.BLOCK:
            self._buf.append("\n")

    def handle_data(self, data):
        if self._skip:
            return
        if self._in:
            self._capture.append(data)
        else:
            self._buf.append(data)

    def _flush(self):
        text = "\n".join(" ".join(line.split()) for line in "".join(self._buf).splitlines())
        text = re.sub(r"\n{2,}", "\n", text).strip()
        if text:
            self.sections.append(Section(self._heading, text))
        self._buf = []

    def close(self):
        super().close()
        self._flush()


def parse_html(text: str, source: str) -> Document:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    return Document(source, parser.title or parser.h1 or _default_title(source), html.unescape(parser.url),
                    parser.updated, parser.sections)


# --- PDF, plain text -------------------------------------------------------------

def parse_pdf(data: bytes, source: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except (PyPdfError, ValueError, KeyError) as e:
        raise DocumentError(f"not a readable PDF: {e}") from None
    title = str(info.get("/Title") or "").strip()
    sections = [Section(f"Page {n}", t) for n, t in enumerate(pages, 1) if t.strip()]
    return Document(source, title or _default_title(source), "", "", sections)


def parse_text(text: str, source: str) -> Document:
    """Plain text: the first line is the title when it is short; blank lines separate paragraphs."""
    lines = text.strip().splitlines()
    title = ""
    if len(lines) > 1 and 0 < len(lines[0].strip()) <= 80 and not lines[1].strip():
        title, lines = lines[0].strip(), lines[2:]
    return Document(source, title or _default_title(source), "", "", [Section("", "\n".join(lines))])


# --- FAQ files ---------------------------------------------------------------------

QUESTION_KEYS = ("question", "q", "title")
ANSWER_KEYS = ("answer", "answers", "a", "text")


def _faq_sections(rows: list[dict], source: str) -> tuple[list[Section], str]:
    sections = []
    url = ""
    for n, row in enumerate(rows, 1):
        row = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
        question = next((str(row[k]).strip() for k in QUESTION_KEYS if row.get(k)), "")
        answer = next((row[k] for k in ANSWER_KEYS if row.get(k)), "")
        if isinstance(answer, list):
            answer = "\n".join(str(a) for a in answer)
        answer = str(answer).strip()
        if not question or not answer:
            raise DocumentError(f"entry {n} needs a question and an answer (columns: question, answer)")
        sections.append(Section(question, answer))
        url = url or str(row.get("url") or "")
    return sections, url


def parse_faq_csv(text: str, source: str) -> Document:
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as e:
        raise DocumentError(f"not a valid CSV file: {e}") from None
    sections, url = _faq_sections(rows, source)
    return Document(source, _default_title(source), url, "", sections)


def parse_faq_jsonl(text: str, source: str) -> Document:
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise DocumentError(f"line {n} is not JSON: {e}") from None
            if not isinstance(row, dict):
                raise DocumentError(f"line {n} is not a JSON object")
            rows.append(row)
    sections, url = _faq_sections(rows, source)
    return Document(source, _default_title(source), url, "", sections)


# --- files and folders --------------------------------------------------------------

def read_document(path: Path, source: str) -> Document:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return parse_pdf(path.read_bytes(), source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("not UTF-8 text") from None
    parse = {".md": parse_markdown, ".markdown": parse_markdown, ".html": parse_html, ".htm": parse_html,
             ".txt": parse_text, ".csv": parse_faq_csv, ".jsonl": parse_faq_jsonl}.get(suffix)
    if parse is None:
        raise DocumentError(f"unsupported file type {suffix!r}")
    return parse(text, source)


def document_paths(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def load_chunks(folder: Path, errors: dict[str, str] | None = None) -> list[Chunk]:
    """All chunks of the supported documents below `folder`, in a stable order. Unreadable
    documents are skipped and reported in `errors` (source -> reason)."""
    chunks: list[Chunk] = []
    for path in document_paths(folder):
        source = path.relative_to(folder).as_posix()
        try:
            chunks.extend(chunk_document(read_document(path, source)))
        except DocumentError as e:
            if errors is None:
                raise
            errors[source] = str(e)
    return chunks
