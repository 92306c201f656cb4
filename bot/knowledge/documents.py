"""Markdown help documents: front matter and heading-aware chunks."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*\S)\s*$", re.M)


@dataclass(frozen=True)
class Chunk:
    """One section of a document, the unit that is embedded and cited."""

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


def parse_front_matter(text: str) -> tuple[dict, str]:
    m = FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text
    meta = yaml.safe_load(m.group(1)) or {}
    return (meta if isinstance(meta, dict) else {}), text[m.end():]


def chunk_markdown(text: str, source: str) -> list[Chunk]:
    """Split a Markdown document at its `##` (and deeper) headings; one chunk per section."""
    meta, body = parse_front_matter(text)
    title = str(meta.get("title") or Path(source).stem.replace("-", " ").capitalize())
    url, updated = str(meta.get("url", "")), str(meta.get("updated", ""))
    sections: list[tuple[str, str]] = []
    current, lines = "", []
    for line in body.splitlines():
        h = HEADING_RE.match(line)
        if h and len(h.group(1)) >= 2:
            sections.append((current, "\n".join(lines)))
            current, lines = h.group(2), []
        elif h:  # the document's own H1 title
            continue
        else:
            lines.append(line)
    sections.append((current, "\n".join(lines)))
    chunks = []
    for n, (section, content) in enumerate(sections):
        content = re.sub(r"\n{3,}", "\n\n", content).strip()
        if not content:
            continue
        digest = hashlib.sha256(f"{title}\n{section}\n{content}".encode()).hexdigest()[:16]
        chunks.append(Chunk(id=f"{source}#{n}", text=content, source=source, title=title, section=section,
                            url=url, updated=updated, content_hash=digest))
    return chunks


def load_chunks(folder: Path) -> list[Chunk]:
    """All chunks of the Markdown documents below `folder`, in a stable order."""
    chunks: list[Chunk] = []
    for path in sorted(folder.rglob("*.md")):
        chunks.extend(chunk_markdown(path.read_text(encoding="utf-8"), path.relative_to(folder).as_posix()))
    return chunks
