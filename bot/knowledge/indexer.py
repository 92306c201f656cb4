"""Index the store's knowledge documents into Chroma, incrementally.

    python -m bot.knowledge.indexer [--knowledge DIR]

Only new or changed chunks are embedded; chunks of removed documents are deleted.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.documents import load_chunks
from bot.knowledge.embeddings import Embedder


@dataclass(frozen=True)
class IndexReport:
    documents: int
    chunks: int
    added: int
    updated: int
    deleted: int
    seconds: float

    def summary(self) -> str:
        return (f"{self.documents} documents, {self.chunks} chunks: {self.added} added, {self.updated} updated, "
                f"{self.deleted} deleted in {self.seconds:.1f} s")


def index_folder(folder: Path, index: ChromaIndex, embedder: Embedder) -> IndexReport:
    start = time.monotonic()
    chunks = load_chunks(folder)
    stored = index.hashes()
    changed = [c for c in chunks if stored.get(c.id) != c.content_hash]
    removed = sorted(set(stored) - {c.id for c in chunks})
    index.delete(removed)
    index.upsert([c.id for c in changed], [c.text for c in changed],
                 embedder.embed([f"{c.title}. {c.section}. {c.text}" for c in changed]),
                 [c.metadata() for c in changed])
    return IndexReport(documents=len({c.source for c in chunks}), chunks=len(chunks),
                       added=sum(1 for c in changed if c.id not in stored),
                       updated=sum(1 for c in changed if c.id in stored), deleted=len(removed),
                       seconds=time.monotonic() - start)


def main(argv: list[str] | None = None) -> None:
    from bot.services import Services

    services = Services()
    parser = argparse.ArgumentParser(description="Index knowledge documents (Markdown) into Chroma.")
    parser.add_argument("--knowledge", type=Path, default=services.settings.knowledge_dir / "policies",
                        help="folder of Markdown documents (default: %(default)s)")
    args = parser.parse_args(argv)
    if not args.knowledge.is_dir():
        parser.error(f"{args.knowledge} is not a folder")
    report = index_folder(args.knowledge, services.kb_index, services.embedder)
    print(f"knowledge index ready: {report.summary()}")


if __name__ == "__main__":
    main()
