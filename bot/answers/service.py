"""Grounded answers, first slice: the best passage from the store's documents, with its source.

Nothing is generated here: the reply is the store's own text, so it cannot invent policy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.knowledge.retriever import Passage, Retriever

MAX_QUESTION_CHARS = 1000  # what is embedded of a (possibly huge) message


@dataclass(frozen=True)
class Source:
    title: str
    section: str
    url: str


@dataclass(frozen=True)
class Answer:
    found: bool
    text: str = ""
    sources: list[Source] = field(default_factory=list)
    score: float = 0.0

    def payload(self) -> dict:
        """Structured form of the citations, for channels that render them."""
        return {"sources": [{"title": s.title, "section": s.section, "url": s.url} for s in self.sources]}


def is_answerable(passages: list[Passage], min_score: float) -> bool:
    """The relevance gate: answer only when the best passage is similar enough to the question."""
    return bool(passages) and passages[0].score >= min_score


def trim_to_sentences(text: str, max_chars: int) -> str:
    """At most `max_chars`, cut at a sentence end when the text is longer."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    out = ""
    for s in sentences:
        if len(out) + len(s) + 1 > max_chars:
            break
        out = f"{out} {s}".strip()
    return out or text[:max_chars].rsplit(" ", 1)[0] + "…"


def compose(passage: Passage, max_chars: int) -> str:
    label = f"{passage.title} › {passage.section}" if passage.section else passage.title
    link = f"[{label}]({passage.url})" if passage.url else label
    return f"{trim_to_sentences(passage.text, max_chars)}\n\nSource: {link}"


class AnswerService:
    def __init__(self, retriever: Retriever, min_score: float, top_k: int = 4, max_chars: int = 700):
        self.retriever = retriever
        self.min_score = min_score
        self.top_k = top_k
        self.max_chars = max_chars

    def answer(self, question: str | None) -> Answer:
        question = (question or "").strip()[:MAX_QUESTION_CHARS]
        if not question:
            return Answer(found=False)
        passages = self.retriever.retrieve(question, self.top_k)
        if not is_answerable(passages, self.min_score):
            return Answer(found=False, score=passages[0].score if passages else 0.0)
        best = passages[0]
        return Answer(found=True, text=compose(best, self.max_chars),
                      sources=[Source(best.title, best.section, best.url)], score=best.score)
