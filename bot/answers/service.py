"""Grounded answers from the store's knowledge, retrieval first.

1. Follow-ups are resolved against the customer's previous question.
2. Hybrid retrieval ranks passages; below the calibrated relevance threshold the answer is an
   honest "I don't have that information" and the question goes to the knowledge-gap log.
3. The factual core is the evidence itself: the passage sentences that answer the question,
   plus facts computed in Python (a day count against a return window).
4. A chat model may phrase that evidence for the customer; its text is sent only when every
   sentence passes the faithfulness check, otherwise the extractive answer is sent.
5. Every answer carries its citations, as text and as a structured payload.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from bot.answers.cache import AnswerCache
from bot.answers.gaps import GapLog, KnowledgeGap
from bot.answers.grounding import (ECHO_START_RE, LEAD_IN_RE, Evidence, GroundingConfig, check_faithfulness,
                                   covering_context, is_responsive, looks_like_injection, names_in, numbers,
                                   refers_back, resolve_follow_up, select_evidence, split_questions, uncovered_words,
                                   with_page_words,
                                   window_facts)
from bot.answers.prompt import phrasing_messages
from bot.knowledge.chroma_index import IndexUnavailable
from bot.knowledge.documents import split_sentences
from bot.knowledge.embeddings import Embedder
from bot.knowledge.lexical import terms
from bot.knowledge.retriever import Passage, Retriever
from bot.llm.base import ChatModel, ChatModelError
from bot.llm.budget import ChatModelBusy

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000  # what is searched of a (possibly huge) message
MAX_GENERATED_TOKENS = 120


@dataclass(frozen=True)
class Source:
    title: str
    section: str
    url: str
    source: str = ""  # document path in the knowledge folder

    def label(self) -> str:
        return f"{self.title} › {self.section}" if self.section else self.title


@dataclass(frozen=True)
class Answer:
    found: bool
    text: str = ""
    sources: list[Source] = field(default_factory=list)
    score: float = 0.0
    reason: str = "answered"  # answered | no_match | empty | knowledge_unavailable
    generated: bool = False  # phrased by the chat model (and passed the faithfulness check)
    evidence: list[str] = field(default_factory=list)
    searched_for: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)  # why a generated text was not sent
    unanswered: list[str] = field(default_factory=list)  # parts of a several-question message with no answer
    evidence_score: float = 0.0  # how well the best evidence sentence answers the question
    cached: bool = False  # served from the answer cache (asked before, same knowledge)

    def payload(self) -> dict:
        """Structured form of the citations, for channels that render them."""
        return {"sources": [{"title": s.title, "section": s.section, "url": s.url} for s in self.sources],
                "generated": self.generated}


def is_answerable(passages: list[Passage], min_score: float, evidence: Evidence | None = None,
                  min_evidence_score: float = 0.0) -> bool:
    """The relevance gate: answer only when the best passage is relevant enough to the question and, when the
    evidence is known, its best sentence answers it well enough (term share + cosine)."""
    if not passages or passages[0].score < min_score:
        return False
    return evidence is None or (bool(evidence.sentences) and evidence.score >= min_evidence_score)


def prefer_focus(passages: list[Passage], follow_up: str) -> list[Passage]:
    """For a resolved follow-up, only the passages that mention what the follow-up itself asks about ("express")
    compete to answer, when there are any; the previous question only supplies the topic."""
    focus = set(terms(follow_up))
    if not focus:
        return passages
    hits = [(len(focus & set(terms(f"{p.title} {p.section} {p.text}"))), p) for p in passages]
    top = max((n for n, _ in hits), default=0)
    return [p for n, p in hits if n == top] if top else passages


def worth_phrasing(extractive: str, min_chars: int) -> bool:
    """Phrasing is asked for only when it can add something: an extract of one or two short sentences is
    already the answer (on the labelled questions, phrasing changed no answer's correctness, and it is what a
    shopper waits for), a longer one may be put more simply."""
    return len(extractive) >= min_chars


def citation_text(sources: list[Source]) -> str:
    links = [f"[{s.label()}]({s.url})" if s.url else s.label() for s in sources]
    return ("Source: " if len(links) == 1 else "Sources: ") + "; ".join(links)


def clean_generated(text: str, max_chars: int) -> str:
    text = LEAD_IN_RE.sub("", text.strip())
    text = ECHO_START_RE.split(text, 1)[0]
    text = re.sub(r"(^|\s)[-*•]\s+", " ", text)  # list bullets become running text
    text = " ".join(text.split()).strip("\"' ")
    sentences = [LEAD_IN_RE.sub("", s).strip() for s in split_sentences(text)]
    text = " ".join(dict.fromkeys(s for s in sentences if s))  # small models repeat themselves
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(". ", 1)[0].rstrip(".") + "."
    return text


class AnswerService:
    def __init__(self, retriever: Retriever, config: GroundingConfig, chat_model: ChatModel | None = None,
                 gaps: GapLog | None = None, top_k: int = 4, max_chars: int = 700, embedder: Embedder | None = None,
                 speller: Callable[[str], str] | None = None, cache: AnswerCache | None = None,
                 phrase_min_chars: int = 0):
        self.retriever = retriever
        self.embedder = embedder  # sentence-level similarity for choosing the evidence
        self.config = config
        self.chat_model = chat_model
        self.gaps = gaps
        self.top_k = top_k
        self.max_chars = max_chars
        self.speller = speller  # misspelt words corrected against the store's vocabulary before retrieval
        self.cache = cache  # needs a retriever with version(): answers are kept per index version
        self.phrase_min_chars = phrase_min_chars  # shorter extracts are sent as they are (see worth_phrasing)
        self._embedded: dict[str, list[float]] = {}  # words and sentences, kept across questions
        self._embedded_lock = threading.Lock()

    def answer(self, question: str | None, history: list[str] | None = None, sender_id: str = "") -> Answer:
        question = " ".join((question or "").split())[:MAX_QUESTION_CHARS]
        if not question:
            return Answer(found=False, reason="empty")
        corrected = self.speller(question) if self.speller else question
        parts = split_questions(corrected)
        # (part, what is searched for it): a later part of the same message refers back only when it says so
        # ("... and how long does it take?"); the first may follow up the customer's previous question
        plan = [(part, resolve_follow_up(part, list(history or []) if i == 0 else parts[:i] if refers_back(part)
                                         else [])) for i, part in enumerate(parts)]
        if self.cache is None:
            return self._answer(question, plan, sender_id)
        key = (question, tuple(plan))
        try:
            version = self.retriever.version()
        except IndexUnavailable as e:
            log.error("knowledge base unavailable: %s", e)
            self._gap(question, plan[-1][1], 0.0, "knowledge_unavailable", sender_id)
            return Answer(found=False, reason="knowledge_unavailable", searched_for=plan[-1][1])
        cached = self.cache.get(version, key)
        if cached is not None:  # the same question on the same knowledge: the same answer, at once
            if not cached.found:  # still a gap in the knowledge, each time it is asked
                self._gap(question, cached.searched_for, cached.score, "no_match", sender_id)
            for part in cached.unanswered if cached.found else []:
                self._gap(part, part, 0.0, "no_match", sender_id)
            return replace(cached, cached=True, timings_ms={})
        answer = self._answer(question, plan, sender_id)
        if answer.reason in ("answered", "no_match"):
            self.cache.put(version, key, answer)
        return answer

    def _answer(self, question: str, plan: list[tuple[str, str]], sender_id: str, log_gaps: bool = True) -> Answer:
        gap = self._gap if log_gaps else (lambda *_: None)
        parts = [part for part, _ in plan]
        timings: dict[str, float] = {}
        found: list[tuple[str, Evidence, float]] = []  # (searched, evidence, best passage score)
        unanswered: list[str] = []
        best = 0.0
        searched = question
        for i, (part, searched) in enumerate(plan):
            t0 = time.perf_counter()
            try:
                # a follow-up looks wider: the passage about what it adds may rank below the earlier topic's
                passages = self.retriever.retrieve(with_page_words(searched, self.config.synonyms),
                                                   self.top_k * (2 if searched != part else 1))
            except IndexUnavailable as e:
                log.error("knowledge base unavailable: %s", e)
                gap(question, searched, 0.0, "knowledge_unavailable", sender_id)
                return Answer(found=False, reason="knowledge_unavailable", searched_for=searched)
            timings["retrieval_ms"] = timings.get("retrieval_ms", 0.0) + (time.perf_counter() - t0) * 1000
            if searched != part:
                passages = covering_context(prefer_focus(passages, part), searched, self.config.generic_terms,
                                            self.config.synonyms)
            score = passages[0].score if passages else 0.0
            best = max(best, score)
            evidence = None
            pool = list(passages)
            # what the other retrieved sections are about: a question word among them is the topic ("return")
            topics = frozenset(t for p in passages for t in terms(f"{p.title} {p.section}"))
            for _ in range(self.config.topic_tries):  # the best sentence's passage, or the next while off topic
                if not pool:
                    break
                candidate = select_evidence(searched, pool, self.config, self._similarity(searched))
                chosen = candidate.passages[0] if candidate.passages else pool[0]
                if is_answerable([chosen], self.config.min_score, candidate, self.config.min_evidence_score):
                    # a follow-up is judged by its own words ("and for express?"): the topic came before
                    evidence = self._on_topic(part, candidate, chosen.score, topics)
                    if evidence is not None:
                        score = chosen.score
                        break
                pool = [p for p in pool if p is not chosen]
            if evidence is None:
                unanswered.append(parts[i] if len(parts) > 1 else question)
                continue
            computed = window_facts(part, evidence.sentences)
            found.append((searched, replace(evidence, computed=computed), score))
        if not found:
            gap(question, searched, best, "no_match", sender_id)
            return Answer(found=False, score=best, reason="no_match", searched_for=searched, timings_ms=timings)
        for part in unanswered:
            gap(part, part, 0.0, "no_match", sender_id)
        if len(found) == 1:
            searched, evidence, score = found[0]
            body, generated, rejected = self._phrase(question, evidence, timings)
        else:  # several questions: each part's evidence as it is, in the order asked
            evidence = Evidence(
                [s for _, e, _ in found for s in e.sentences],
                [p for _, e, _ in found for p in e.passages],
                [c for _, e, _ in found for c in e.computed],
                score=min(e.score for _, e, _ in found),
            )
            body = "\n\n".join(self.extractive(e) for _, e, _ in found)
            generated, rejected, score = False, [], found[0][2]
        sources = list(dict.fromkeys(Source(p.title, p.section, p.url, p.source) for p in evidence.passages))
        return Answer(found=True, text=f"{body}\n\n{citation_text(sources)}", sources=sources, score=score,
                      generated=generated, evidence=evidence.facts, searched_for=" | ".join(s for s, _, _ in found),
                      timings_ms=timings, rejected=rejected, unanswered=unanswered, evidence_score=evidence.score)

    def warm_up(self, question: str = "how long do I have to return an item?") -> None:
        """One question through the whole path (embedding model, index, lexical tables, spelling vocabulary,
        evidence selection), at a server's start; nothing is logged or cached."""
        self._answer(question, [(question, question)], "", log_gaps=False)

    def _on_topic(self, question: str, evidence: Evidence, passage_score: float,
                  topics: frozenset = frozenset()) -> Evidence | None:
        """The evidence, when it is about what was asked: the question's topic words are covered by it, by its
        heading, or by meaning (word cosine) by a sentence of its passage, which then joins the evidence
        ("bitcoin" -> "... or cryptocurrencies"). None when it is a neighbouring passage and not an answer ("a
        store in Chicago" is not answered by the Portland store)."""
        heads = [f"{p.title} {p.section}" for p in evidence.passages]
        missing = uncovered_words(question, evidence.sentences + heads, self.config.generic_terms,
                                  self.config.synonyms)
        if missing and self.embedder is not None:
            others = [s for p in evidence.passages for s in split_sentences(p.text) if s not in evidence.sentences
                      and not looks_like_injection(s)]
            words = {w: i for i, t in enumerate(evidence.sentences + heads + others) for w in terms(t) if len(w) > 2}
            vectors = self._vectors(missing + list(words))
            added, still = [], []
            for m in missing:
                cos, word = max(((sum(a * b for a, b in zip(vectors[m], vectors[w])), w) for w in words),
                                default=(0.0, ""))
                if cos < self.config.min_word_similarity:
                    still.append(m)
                elif words[word] >= len(evidence.sentences) + len(heads):
                    added.append(others[words[word] - len(evidence.sentences) - len(heads)])
            missing = still
            if added and self.config.on_topic(missing, passage_score, names_in(question, missing), topics):
                order = split_sentences(" ".join(p.text for p in evidence.passages))
                sentences = sorted(dict.fromkeys(evidence.sentences + added), key=lambda x: order.index(x)
                                   if x in order else len(order))
                return replace(evidence, sentences=sentences)
        return evidence if self.config.on_topic(missing, passage_score, names_in(question, missing), topics) else None

    def _vectors(self, texts: list[str]) -> dict[str, list[float]]:
        """Embeddings of words and sentences, each computed once and kept (up to 20,000)."""
        with self._embedded_lock:  # answers run on several threads of the action server
            known = {t: self._embedded[t] for t in texts if t in self._embedded}
        new = [t for t in dict.fromkeys(texts) if t not in known]
        if new:
            known.update(zip(new, self.embedder.embed(new)))
            with self._embedded_lock:
                if len(self._embedded) > 20_000:
                    self._embedded.clear()
                self._embedded.update((t, known[t]) for t in new)
        return known

    def _similarity(self, question: str):
        if self.embedder is None:
            return None

        def cosines(sentences: list[str]) -> list[float]:
            # kept across calls: the passages' sentences come back for every part and every topic try
            vectors = self._vectors([question, *sentences])
            q = vectors[question]
            return [sum(a * b for a, b in zip(q, vectors[s])) for s in sentences]  # the embeddings are normalised

        return cosines

    def extractive(self, evidence: Evidence) -> str:
        return clean_generated(" ".join(evidence.facts), self.max_chars)

    def _phrase(self, question: str, evidence: Evidence, timings: dict) -> tuple[str, bool, list[str]]:
        """The chat model's phrasing when it is faithful to the evidence, else the evidence itself."""
        extractive = self.extractive(evidence)
        if self.chat_model is None or not evidence.facts or not worth_phrasing(extractive, self.phrase_min_chars):
            return extractive, False, []
        if looks_like_injection(question):  # never hand an attacker's instructions to the model
            return extractive, False, ["question looks like a prompt injection"]
        t0 = time.perf_counter()
        try:
            text = self.chat_model.complete(phrasing_messages(question, evidence.facts), MAX_GENERATED_TOKENS)
        except ChatModelBusy as e:  # other answers hold the model, or it is too slow: this one is not kept waiting
            return extractive, False, [str(e)]
        except ChatModelError as e:
            log.warning("chat model failed, answering extractively: %s", e)
            return extractive, False, [f"chat model failed: {e}"]
        finally:
            timings["generation_ms"] = (time.perf_counter() - t0) * 1000
        text = clean_generated(text, self.max_chars)
        if not is_responsive(text):
            return extractive, False, [f"not an answer to the question: {text[:80]}"]
        verdict = check_faithfulness(text, evidence.facts, self.config)
        if not verdict.supported:
            log.info("generated answer rejected: %s", verdict.problems)
            return extractive, False, verdict.problems
        for fact in reversed(evidence.computed):  # a computed fact the phrasing left out goes first
            if not numbers(fact) <= numbers(text):
                text = f"{fact} {text}"
        return text, True, []

    def _gap(self, question: str, searched: str, score: float, reason: str, sender_id: str) -> None:
        if self.gaps is None:
            return
        try:
            self.gaps.record(KnowledgeGap(question, searched, round(score, 4), reason, sender_id))
        except OSError as e:  # the log must never break the conversation
            log.error("could not record a knowledge gap: %s", e)
