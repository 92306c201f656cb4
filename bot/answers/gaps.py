"""The knowledge-gap log: questions the knowledge base could not answer, one JSON line each."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class KnowledgeGap:
    question: str
    searched_for: str  # the question after follow-up resolution
    best_score: float
    reason: str  # "no_match" or "knowledge_unavailable"
    sender_id: str = ""
    at: str = ""


class GapLog(Protocol):
    def record(self, gap: KnowledgeGap) -> None: ...


class JsonlGapLog:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def record(self, gap: KnowledgeGap) -> None:
        row = asdict(gap)
        row["at"] = row["at"] or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")

    def read(self) -> list[KnowledgeGap]:
        if not self.path.is_file():
            return []
        rows = [json.loads(l) for l in self.path.read_text(encoding="utf-8").splitlines() if l.strip()]
        return [KnowledgeGap(**r) for r in rows]
