"""Chroma access. The only module that imports chromadb.

Embedded (`PersistentClient`) by default, a Chroma server (`HttpClient`) when a host is
configured. Embeddings are computed by the project, never by Chroma, so Chroma never
tries to download a model.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence


class IndexUnavailable(RuntimeError):
    """Chroma could not be reached or answered with an error."""


@dataclass(frozen=True)
class IndexHit:
    id: str
    text: str
    metadata: dict
    similarity: float  # cosine similarity, 1 = identical


class ChromaIndex:
    def __init__(self, collection: str, path: Path | None = None, host: str = "", port: int = 8000):
        self.collection_name = collection
        self.path, self.host, self.port = path, host, port
        self._collection = None

    @contextmanager
    def _chroma(self):
        """The collection, connected on first use; any chromadb error becomes IndexUnavailable."""
        try:
            if self._collection is None:
                self._collection = self._connect()
            yield self._collection
        except IndexUnavailable:
            raise
        except Exception as e:  # chromadb raises many kinds (connection, value, internal errors)
            raise IndexUnavailable(f"Chroma failed: {e}") from e

    def _connect(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if self.host:
            client = chromadb.HttpClient(host=self.host, port=self.port, settings=chroma_settings)
        else:
            assert self.path is not None, "an embedded Chroma needs a path"
            self.path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(self.path), settings=chroma_settings)
        return client.get_or_create_collection(
            self.collection_name, embedding_function=None, metadata={"hnsw:space": "cosine"})

    def hashes(self) -> dict[str, str]:
        """Stored chunk id -> content hash."""
        with self._chroma() as col:
            got = col.get(include=["metadatas"])
        return {i: (m or {}).get("content_hash", "") for i, m in zip(got["ids"], got["metadatas"])}

    def version(self) -> str:
        """A fingerprint of what is indexed (chunk ids and content hashes): it changes when a re-index adds,
        changes or removes a chunk, in this process or another one."""
        pairs = sorted(self.hashes().items())
        return hashlib.sha1(repr(pairs).encode()).hexdigest()[:16] if pairs else "empty"

    def upsert(self, ids: Sequence[str], texts: Sequence[str], embeddings: Sequence[Sequence[float]],
               metadatas: Sequence[dict]) -> None:
        if ids:
            with self._chroma() as col:
                col.upsert(ids=list(ids), documents=list(texts), embeddings=[list(e) for e in embeddings],
                           metadatas=list(metadatas))

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with self._chroma() as col:
                col.delete(ids=list(ids))

    def count(self) -> int:
        with self._chroma() as col:
            return col.count()

    def all(self) -> list[IndexHit]:
        """Every stored chunk (for the lexical index), similarity 0."""
        with self._chroma() as col:
            got = col.get(include=["documents", "metadatas"])
        return [IndexHit(id=i, text=d or "", metadata=m or {}, similarity=0.0)
                for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def embeddings(self, ids: Sequence[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        with self._chroma() as col:
            got = col.get(ids=list(ids), include=["embeddings"])
        return {i: [float(x) for x in e] for i, e in zip(got["ids"], got["embeddings"])}

    def query(self, embedding: Sequence[float], k: int, where: dict | None = None) -> list[IndexHit]:
        """Nearest chunks; `where` filters on metadata (Chroma's operators: $eq, $lte, $and, ...)."""
        with self._chroma() as col:
            n = min(k, col.count())
            if n == 0:
                return []
            res = col.query(query_embeddings=[list(embedding)], n_results=n, where=where or None,
                            include=["documents", "metadatas", "distances"])
        return [IndexHit(id=i, text=d, metadata=m or {}, similarity=1.0 - dist)
                for i, d, m, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                                         res["distances"][0])]
