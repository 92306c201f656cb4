"""Index knowledge documents into Chroma, incrementally.

    python -m bot.knowledge.indexer [FOLDER] [--collection NAME] [--rebuild]

Reads Markdown, HTML, PDF, plain text and CSV/JSONL FAQ files. Only new or changed chunks
are embedded; chunks of removed documents are deleted. Shows a progress bar on long runs
and prints a summary.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.documents import SUPPORTED_SUFFIXES, Chunk, load_chunks
from bot.knowledge.embeddings import Embedder

BATCH = 32
PROGRESS_MIN_CHUNKS = 64  # fewer than this finishes in a moment: no bar


@dataclass(frozen=True)
class IndexReport:
    documents: int
    chunks: int
    added: int
    updated: int
    deleted: int
    seconds: float
    errors: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        text = (f"{self.documents} documents, {self.chunks} chunks: {self.added} added, {self.updated} updated, "
                f"{self.deleted} deleted in {self.seconds:.1f} s")
        if self.errors:
            text += f"; {len(self.errors)} skipped: " + "; ".join(f"{k} ({v})" for k, v in self.errors.items())
        return text


def embedding_text(chunk: Chunk) -> str:
    return ". ".join(p for p in (chunk.title, chunk.section, chunk.text) if p)


def _progress(total: int, show: bool | None):
    if show is False or total < PROGRESS_MIN_CHUNKS:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="chunk", desc="embedding", disable=None if show is None else False,
                file=sys.stderr)


def index_folder(folder: Path, index: ChromaIndex, embedder: Embedder, progress: bool | None = False,
                 rebuild: bool = False) -> IndexReport:
    """Bring `index` in line with the documents below `folder`. `progress=None` shows a bar on a terminal."""
    start = time.monotonic()
    errors: dict[str, str] = {}
    chunks = load_chunks(folder, errors)
    if rebuild:
        index.delete(list(index.hashes()))
    stored = index.hashes()
    # a document that could not be read this time keeps its old chunks (nothing is lost)
    kept = {cid for cid in stored if cid.split("#", 1)[0] in errors}
    changed = [c for c in chunks if stored.get(c.id) != c.content_hash]
    removed = sorted(set(stored) - {c.id for c in chunks} - kept)
    index.delete(removed)
    bar = _progress(len(changed), progress)
    for i in range(0, len(changed), BATCH):
        batch = changed[i:i + BATCH]
        index.upsert([c.id for c in batch], [c.text for c in batch], embedder.embed([embedding_text(c) for c in batch]),
                     [c.metadata() for c in batch])
        if bar is not None:
            bar.update(len(batch))
    if bar is not None:
        bar.close()
    return IndexReport(documents=len({c.source for c in chunks}), chunks=len(chunks),
                       added=sum(1 for c in changed if c.id not in stored),
                       updated=sum(1 for c in changed if c.id in stored), deleted=len(removed),
                       seconds=time.monotonic() - start, errors=errors)


def main(argv: list[str] | None = None) -> int:
    from bot.services import Services

    services = Services()
    s = services.settings
    parser = argparse.ArgumentParser(
        prog="python -m bot.knowledge.indexer",
        description="Index knowledge documents into Chroma (only new or changed chunks are embedded; chunks of "
                    f"removed documents are deleted). File types: {', '.join(SUPPORTED_SUFFIXES)}. CSV and JSONL "
                    "files are FAQs with question and answer columns/keys.")
    parser.add_argument("folder", nargs="?", type=Path, default=s.knowledge_dir / "policies",
                        help="folder of documents, searched recursively (default: %(default)s)")
    parser.add_argument("--collection", default=s.kb_collection, help="Chroma collection (default: %(default)s)")
    parser.add_argument("--rebuild", action="store_true", help="drop the collection's chunks and embed everything")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    index = services.chroma(args.collection)
    report = index_folder(args.folder, index, services.embedder, progress=False if args.no_progress else None,
                          rebuild=args.rebuild)
    where = f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else str(s.chroma_path)
    print(f"knowledge index {args.collection!r} at {where}: {report.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
