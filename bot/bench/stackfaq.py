"""StackFAQ retrieval benchmark: MAP, MRR and recall@1/5 for dense, lexical, hybrid and hybrid+rerank.

Protocol (as in the BERT-FAQ work that published the reference numbers): every (question, answer)
pair of a FAQ thread is one retrievable unit; for a user query the relevant units are all pairs of
its thread. AP is computed over the full candidate ranking; recall@k is the share of queries with a
relevant pair in the top k.
"""
from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.embeddings import Embedder
from bot.knowledge.indexer import index_folder
from bot.knowledge.retriever import MODES, HybridRetriever

DEPTH = 100  # candidates per retriever, and the ranking depth for AP


@dataclass(frozen=True)
class RankingScores:
    map: float
    mrr: float
    recall_at_1: float
    recall_at_5: float
    ms_per_query: float


def average_precision(ranked: list[int], relevant: set[int]) -> float:
    hits, total = 0, 0.0
    for rank, item in enumerate(ranked, 1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def score_rankings(rankings: list[list[int]], relevant: list[set[int]], seconds: float) -> RankingScores:
    n = len(rankings) or 1
    aps = [average_precision(r, rel) for r, rel in zip(rankings, relevant)]
    rr = [next((1 / i for i, x in enumerate(r, 1) if x in rel), 0.0) for r, rel in zip(rankings, relevant)]
    return RankingScores(map=sum(aps) / n, mrr=sum(rr) / n,
                         recall_at_1=sum(1 for r, rel in zip(rankings, relevant) if set(r[:1]) & rel) / n,
                         recall_at_5=sum(1 for r, rel in zip(rankings, relevant) if set(r[:5]) & rel) / n,
                         ms_per_query=1000 * seconds / n)


def load_pairs(faqs_path: Path) -> list[tuple[int, str, str]]:
    pairs = []
    for line in faqs_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            faq = json.loads(line)
            pairs.extend((faq["faq_id"], faq["question"], a) for a in faq["answers"] if a.strip())
    return pairs


def run(faqs_path: Path, queries_path: Path, embedder: Embedder, work: Path | None = None,
        modes: tuple[str, ...] = MODES) -> tuple[dict[str, RankingScores], dict]:
    """Index the FAQ pairs (through the project's ingestion) and score each retrieval mode."""
    pairs = load_pairs(faqs_path)
    queries = [json.loads(l) for l in queries_path.read_text(encoding="utf-8").splitlines() if l.strip()]
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        with open(docs / "stackfaq.jsonl", "w", encoding="utf-8") as f:
            for _, q, a in pairs:
                f.write(json.dumps({"question": q, "answer": a}) + "\n")
        index = ChromaIndex("stackfaq", path=Path(tmp) / "chroma")
        report = index_folder(docs, index, embedder, progress=None)
        retriever = HybridRetriever(embedder, index, candidates=DEPTH)
        relevant = [{i for i, (fid, _, _) in enumerate(pairs) if fid == q["faq_id"]} for q in queries]
        results = {}
        for mode in modes:
            start = time.monotonic()
            rankings = []
            for q in queries:
                seen: list[int] = []
                for p in retriever.rank(q["query"], DEPTH, mode):
                    pair = int(p.id.split("#", 1)[1].split(".")[0])  # chunk id: stackfaq.jsonl#<pair>[.<window>]
                    if pair not in seen:
                        seen.append(pair)
                rankings.append(seen)
            results[mode] = score_rankings(rankings, relevant, time.monotonic() - start)
    info = {"faq_threads": len({fid for fid, _, _ in pairs}), "faq_pairs": len(pairs), "chunks": report.chunks,
            "queries": len(queries), "index_seconds": round(report.seconds, 1)}
    return results, info
