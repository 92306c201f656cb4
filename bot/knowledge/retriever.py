"""Retrieval of knowledge passages for a question."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.embeddings import Embedder


@dataclass(frozen=True)
class Passage:
    text: str
    title: str
    section: str
    url: str
    source: str
    score: float  # higher is more relevant, 0..1


class Retriever(Protocol):
    def retrieve(self, question: str, k: int) -> list[Passage]: ...


class DenseRetriever:
    """Nearest chunks by embedding similarity (Chroma)."""

    def __init__(self, embedder: Embedder, index: ChromaIndex):
        self.embedder = embedder
        self.index = index

    def retrieve(self, question: str, k: int) -> list[Passage]:
        if not question.strip():
            return []
        hits = self.index.query(self.embedder.embed([question])[0], k)
        return [Passage(text=h.text, title=h.metadata.get("title", ""), section=h.metadata.get("section", ""),
                        url=h.metadata.get("url", ""), source=h.metadata.get("source", ""), score=h.similarity)
                for h in hits]
