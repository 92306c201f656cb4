"""Retrieval of knowledge passages for a question: dense, lexical, hybrid (RRF) and re-ranked."""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Protocol, Sequence

from bot.knowledge.chroma_index import ChromaIndex, IndexHit, IndexUnavailable
from bot.knowledge.embeddings import Embedder
from bot.knowledge.lexical import BM25Index, terms
from bot.knowledge.spelling import Speller

MODES = ("dense", "lexical", "hybrid", "rerank")


@dataclass(frozen=True)
class Passage:
    text: str
    title: str
    section: str
    url: str
    source: str
    score: float  # higher is more relevant, 0..1 for dense and re-ranked results
    id: str = ""


class Retriever(Protocol):
    def retrieve(self, question: str, k: int) -> list[Passage]: ...


def _passage(hit: IndexHit, score: float) -> Passage:
    m = hit.metadata
    return Passage(text=hit.text, title=m.get("title", ""), section=m.get("section", ""), url=m.get("url", ""),
                   source=m.get("source", ""), score=score, id=hit.id)


class DenseRetriever:
    """Nearest chunks by embedding similarity (Chroma)."""

    def __init__(self, embedder: Embedder, index: ChromaIndex):
        self.embedder = embedder
        self.index = index

    def retrieve(self, question: str, k: int) -> list[Passage]:
        if not question.strip():
            return []
        return [_passage(h, h.similarity) for h in self.index.query(self.embedder.embed([question])[0], k)]


def rrf(rankings: Sequence[Sequence[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: sum over rankings of 1 / (k + rank)."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, 1):
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (k + rank)
    return fused


@dataclass(frozen=True)
class RerankWeights:
    """relevance = dense * cosine + coverage * (IDF-weighted share of the question's terms found in the
    passage, its title and section). Both features are absolute, so one threshold works for every question."""

    dense: float = 0.85  # swept on StackFAQ dev (0.6..0.95): 0.85 gave the best MAP and MRR
    coverage: float = 0.15


def coverage(question_terms: Sequence[str], passage_terms: set[str], idf) -> float:
    q = set(question_terms)
    if not q:
        return 0.0
    total = sum(idf(t) for t in q)
    return sum(idf(t) for t in q if t in passage_terms) / total if total else 0.0


class HybridRetriever:
    """Dense (Chroma) + BM25, fused by reciprocal rank, then re-ranked by `RerankWeights`.

    The BM25 index is built from the chunks stored in Chroma and rebuilt when their number changes.
    """

    def __init__(self, embedder: Embedder, index: ChromaIndex, candidates: int = 20, rrf_k: int = 60,
                 weights: RerankWeights = RerankWeights(), general_words: Sequence[str] = ()):
        self.embedder = embedder
        self.general_words = general_words  # known English words the spelling pass leaves alone
        self._speller: Speller | None = None
        self.index = index
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.weights = weights
        self._bm25: BM25Index | None = None
        self._version = ""
        self._rebuilding = threading.Lock()
        self._hits: dict[str, IndexHit] = {}
        self._terms: dict[str, set[str]] = {}

    def version(self) -> str:
        """The index's current version (see `ChromaIndex.version`); raises IndexUnavailable."""
        return self.index.version()

    def _lexical(self) -> BM25Index:
        version = self.index.version()  # a re-index elsewhere (same chunk count or not) is seen at once
        with self._rebuilding:  # answers run on several threads: one rebuild, never half-replaced tables
            if self._bm25 is None or version != self._version:
                hits = self.index.all()
                self._hits = {h.id: h for h in hits}
                self._terms = {h.id: set(terms(self._full_text(h))) for h in hits}
                self._bm25 = BM25Index((h.id, self._full_text(h)) for h in hits)
                self._speller = Speller.from_texts((self._full_text(h) for h in hits), self.general_words)
                self._version = version
            return self._bm25

    def correct_spelling(self, text: str) -> str:
        """`text` with misspelt words corrected against the indexed documents' words (see `Speller`); as it is when
        the index cannot be read (retrieval then reports that)."""
        try:
            self._lexical()
        except IndexUnavailable:
            return text
        return self._speller.correct(text) if self._speller else text

    @staticmethod
    def _full_text(hit: IndexHit) -> str:
        m = hit.metadata
        return f"{m.get('title', '')}. {m.get('section', '')}. {hit.text}"

    def retrieve(self, question: str, k: int) -> list[Passage]:
        return self.rank(question, k, "rerank")

    def rank(self, question: str, k: int, mode: str = "rerank") -> list[Passage]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if not question.strip():
            return []
        bm25 = self._lexical()
        lexical = bm25.search(question, self.candidates) if mode != "dense" else []
        if mode == "lexical":
            top = lexical[0].score if lexical else 1.0
            return [_passage(self._hits[h.id], h.score / top) for h in lexical[:k]]
        qvec = self.embedder.embed([question])[0]
        dense = self.index.query(qvec, self.candidates)
        cosine = {h.id: h.similarity for h in dense}
        if mode == "dense":
            return [_passage(h, h.similarity) for h in dense[:k]]
        fused = rrf([[h.id for h in dense], [h.id for h in lexical]], self.rrf_k)
        order = sorted(fused, key=fused.get, reverse=True)
        hits = {**self._hits, **{h.id: h for h in dense}}
        if mode == "hybrid":
            return [_passage(hits[i], fused[i]) for i in order[:k]]
        missing = [i for i in order if i not in cosine]
        if missing:
            cosine.update(self._cosines(qvec, missing))
        q_terms = terms(question)
        w = self.weights
        scored = []
        for i in order:
            hit = hits[i]
            cov = coverage(q_terms, self._terms.get(i) or set(terms(self._full_text(hit))), bm25.term_idf)
            scored.append((w.dense * cosine.get(i, 0.0) + w.coverage * cov, fused[i], hit))
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        return [_passage(hit, round(score, 4)) for score, _, hit in scored[:k]]

    def _cosines(self, qvec: Sequence[float], ids: list[str]) -> dict[str, float]:
        vectors = self.index.embeddings(ids)
        qn = math.sqrt(sum(x * x for x in qvec)) or 1.0
        out = {}
        for i, v in vectors.items():
            vn = math.sqrt(sum(x * x for x in v)) or 1.0
            out[i] = sum(a * b for a, b in zip(qvec, v)) / (qn * vn)
        return out

