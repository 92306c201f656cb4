"""Grounding decisions as pure functions: evidence selection, follow-up resolution, injection
filtering, computed policy facts, and the faithfulness check every generated answer must pass.

Thresholds come from `GroundingConfig` (built from settings), so every decision is repeatable
and testable without a model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from bot.knowledge.documents import split_sentences
from bot.knowledge.lexical import WORD_RE, stem, terms
from bot.knowledge.retriever import Passage


@dataclass(frozen=True)
class GroundingConfig:
    min_score: float = 0.4  # relevance gate on the re-ranked score (calibrated: make calibrate-kb)
    passage_margin: float = 0.08  # second passage used as evidence when within this of the best
    max_evidence_sentences: int = 3
    max_evidence_chars: int = 500
    min_relative_overlap: float = 0.6  # evidence sentences score at least this share of the best one
    min_sentence_similarity: float = 0.35  # a sentence with no word of the question counts from this cosine
    min_term_support: float = 0.7  # share of a generated sentence's content terms found in the evidence
    number_source_similarity: float = 0.75  # numbers must come from evidence sentences this close to the best match


# --- follow-ups -------------------------------------------------------------------

FOLLOW_UP_RE = re.compile(
    r"^\s*(and|or|also|but|so|what about|how about|same for|what if|then|for|with|in|on|via|by|"
    r"is that|does that|does it|is it|can i|can it|and if)\b", re.I)
REFERRING_RE = re.compile(r"\b(it|that|this|they|them|those|these|one|ones|there|same)\b", re.I)


def resolve_follow_up(question: str, previous_questions: list[str]) -> str:
    """'and for express?' after 'how much is standard shipping?' -> both, so retrieval sees the topic.

    A message is a follow-up when it starts like one or is short (at most 3 content terms) and refers
    back (it, that, those...). The most recent earlier question is prepended."""
    previous = next((p.strip() for p in reversed(previous_questions) if p and p.strip()), "")
    if not previous or previous == question.strip():
        return question
    short = len(terms(question)) <= 3
    if FOLLOW_UP_RE.match(question) and len(terms(question)) <= 6 or short and REFERRING_RE.search(question):
        return f"{previous} {question}"
    return question


# --- prompt injection -------------------------------------------------------------

INJECTION_RE = re.compile(
    r"(ignore|disregard|forget|override)\b.{0,40}\b(instruction|rule|prompt|previous|above|guideline)s?"
    r"|\b(system prompt|developer mode|jailbreak)\b"
    r"|\byou are now\b|\bact as\b|\bpretend (to be|you)\b"
    r"|\b(note|message|instruction)s? (to|for) (the )?(ai|assistant|bot|llm|chatbot|language model)s?\b"
    r"|\b(ai|assistant|bot|chatbot|language model)s? (must|should) (say|tell|answer|reply)\b", re.I)


def looks_like_injection(text: str) -> bool:
    """Text that addresses the assistant with instructions (in a document or in a message)."""
    return bool(INJECTION_RE.search(text))


# --- evidence --------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    sentences: list[str]  # in document order; the extractive answer
    passages: list[Passage]  # the cited passages
    computed: list[str] = field(default_factory=list)  # facts computed in Python (day counts)

    @property
    def facts(self) -> list[str]:
        return self.computed + self.sentences


def _overlap(question_terms: set[str], sentence: str) -> float:
    s = set(terms(sentence))
    return len(question_terms & s) / (len(question_terms) or 1)


def select_evidence(question: str, passages: list[Passage], cfg: GroundingConfig,
                    similarity: Callable[[list[str]], list[float]] | None = None) -> Evidence:
    """The sentences of the best passage(s) that answer the question, injection-looking ones dropped.

    A sentence scores its share of the question's terms plus, when `similarity` is given (the cosine of
    each sentence to the question), that cosine: "bitcoin" finds "cryptocurrencies"."""
    if not passages:
        return Evidence([], [])
    best = passages[0]
    used = [best] + [p for p in passages[1:2] if p.score >= cfg.min_score and best.score - p.score <= cfg.passage_margin
                     and p.source == best.source]
    q = set(terms(question))
    found = [(rank, pos, s) for rank, p in enumerate(used) for pos, s in enumerate(split_sentences(p.text))
             if not looks_like_injection(s)]
    cosines = similarity([s for _, _, s in found]) if similarity and found else [0.0] * len(found)
    candidates: list[tuple[float, int, int, str]] = []  # (score, passage rank, position, sentence)
    for (rank, pos, s), cos in zip(found, cosines):
        overlap = _overlap(q, s)
        relevant = overlap > 0 or cos >= cfg.min_sentence_similarity
        candidates.append((overlap + cos if relevant else 0.0, rank, pos, s))
    if not candidates:
        return Evidence([], used)
    ranked = sorted(candidates, key=lambda c: (-c[0], c[1], c[2]))
    top = ranked[0][0]
    chosen = [c for c in ranked if c[0] > 0 and c[0] >= cfg.min_relative_overlap * top][: cfg.max_evidence_sentences]
    if not chosen:  # nothing relates on its own: the passage's opening is its summary
        chosen = sorted(candidates, key=lambda c: (c[1], c[2]))[:2]
    chosen.sort(key=lambda c: (c[1], c[2]))
    out: list[str] = []
    for c in chosen:
        if out and len(" ".join(out + [c[3]])) > cfg.max_evidence_chars:
            break
        out.append(c[3])
    cited = [p for rank, p in enumerate(used) if any(c[1] == rank for c in chosen)]
    return Evidence(out, cited or [best])


# --- computed facts ----------------------------------------------------------------

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
AGO_RE = re.compile(r"\b(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
                    r"(day|week|month)s?\s+ago\b", re.I)
WINDOW_RE = re.compile(r"\b(\d{1,3})[- ]day\b|\bwithin (\d{1,3}) days\b", re.I)
DAYS_PER = {"day": 1, "week": 7, "month": 30}


def days_ago(question: str) -> int | None:
    m = AGO_RE.search(question)
    if not m:
        return None
    n = m.group(1).lower()
    count = int(n) if n.isdigit() else NUMBER_WORDS[n]
    return count * DAYS_PER[m.group(2).lower()]


def window_facts(question: str, evidence_sentences: list[str]) -> list[str]:
    """'I bought it 6 weeks ago' against 'within 30 days' -> a computed statement of the day count.

    Only the first window stated in the evidence is used; the evidence itself stays in the answer,
    so exceptions (e.g. a longer window for members) are still shown."""
    elapsed = days_ago(question)
    if elapsed is None:
        return []
    for s in evidence_sentences:
        m = WINDOW_RE.search(s)
        if m:
            window = int(m.group(1) or m.group(2))
            verdict = "inside" if elapsed <= window else "outside"
            return [f"{elapsed} days have passed, which is {verdict} the {window}-day window."]
    return []


# --- faithfulness --------------------------------------------------------------------

NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
NEGATION_RE = re.compile(r"\b(not|no|never|cannot|can't|won't|don't|doesn't|isn't|aren't|wasn't|nor|none|"
                         r"without|unable)\b|n't\b", re.I)
POLARITY_TERMS = frozenset({"can", "cannot", "not", "no", "only", "never"})
PROPER_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
COMMON_CAPITALISED = frozenset("yes no sorry hi hello thanks thank unfortunately however please you we our your "
                               "the this that these there here it if for and but also of course sure great".split())
ECHO_START_RE = re.compile(r"\b(QUESTION|FACTS)\s*:|<<<")  # the model starts repeating the prompt: cut there
PROMPT_ECHO_RE = re.compile(r"\b(FACTS|QUESTION)\b|store facts|customer question|<<<|>>>", re.I)
LEAD_IN_RE = re.compile(r"^\s*(the answer is|answer|reply|response|facts)\s*:?\s*[-*]?\s*", re.I)


def numbers(text: str) -> set[str]:
    found = set()
    for n in NUMBER_RE.findall(text):
        n = n.replace(",", "")
        found.add(n.rstrip("0").rstrip(".") if "." in n else n)
    for word, value in NUMBER_WORDS.items():
        if word not in ("a", "an") and re.search(rf"\b{word}\b", text, re.I):
            found.add(str(value))
    return found


CONTEXT_SKIP = frozenset("a an the it its that this is are was be been of to for and or at in on with your our you "
                         "we they us just about than".split())


def number_contexts(sentence: str, width: int = 6) -> list[tuple[str, set[str]]]:
    """Each number with the words before it in its clause: "below that it costs $14.95" ->
    ("14.95", {"below", "cost"}). Those that the evidence uses must stand beside the same number there,
    so "Trail Club members can return items within 30 days" fails when members get 60."""
    out = []
    for clause in re.split(r"[;,:]", sentence):
        for m in NUMBER_RE.finditer(clause):
            words = [stem(w) for w in WORD_RE.findall(NUMBER_RE.sub(" ", clause[: m.start()]).lower())]
            before = [w for w in words if w not in CONTEXT_SKIP][-width:]
            out.extend((n, set(before)) for n in numbers(m.group(0)))
    return out


@dataclass(frozen=True)
class Faithfulness:
    supported: bool
    problems: list[str]  # one line per unsupported sentence: what was wrong


def check_faithfulness(answer: str, evidence: list[str], cfg: GroundingConfig) -> Faithfulness:
    """Every sentence of `answer` must be supported by `evidence`: its numbers appear there, stated by the
    sentences it restates and with the same words just before them; its names are there; most of its
    content terms are there; and it is negated only where the sentence it restates is."""
    evidence_text = " ".join(evidence)
    if not answer.strip():
        return Faithfulness(False, ["empty answer"])
    ev_numbers = numbers(evidence_text)
    ev_terms = set(terms(evidence_text))
    ev_words = {w.lower() for w in re.findall(r"[A-Za-z]+", evidence_text)}
    ev_sentences = [(set(terms(s)), bool(NEGATION_RE.search(s)), numbers(s)) for s in evidence] or [(set(), False, set())]
    ev_stems = [{stem(w) for w in WORD_RE.findall(s.lower())} for s in evidence] or [set()]
    all_stems = set().union(*ev_stems)
    problems = []
    if PROMPT_ECHO_RE.search(answer):
        return Faithfulness(False, [f"echoes the prompt: {answer[:80]}"])
    for sentence in split_sentences(answer):
        s_terms = set(terms(sentence))
        invented = numbers(sentence) - ev_numbers
        if invented:
            problems.append(f"numbers not in the evidence {sorted(invented)}: {sentence}")
            continue
        names = {n.lower() for n in PROPER_RE.findall(sentence)} - ev_words - COMMON_CAPITALISED
        if names:
            problems.append(f"names not in the evidence {sorted(names)}: {sentence}")
            continue
        if s_terms:
            support = len(s_terms & ev_terms) / len(s_terms)
            if support < cfg.min_term_support:
                problems.append(f"only {support:.0%} of the terms are in the evidence: {sentence}")
                continue
            # the evidence sentence it restates: most similar by Jaccard, ignoring modal and negation words
            core = s_terms - POLARITY_TERMS
            similarity = [len(e[0] & core) / (len((e[0] - POLARITY_TERMS) | core) or 1) for e in ev_sentences]
            best = max(range(len(ev_sentences)), key=similarity.__getitem__)
            if bool(NEGATION_RE.search(sentence)) != ev_sentences[best][1]:
                problems.append(f"negation differs from the evidence: {sentence}")
                continue
            # numbers must come from the sentences it restates, not from elsewhere in the evidence
            # ("below $75 it costs $14.95" when $14.95 is the price for Canada)
            near = set().union(*(e[2] for e, sim in zip(ev_sentences, similarity)
                                 if sim >= cfg.number_source_similarity * similarity[best]))
            moved = numbers(sentence) - near
            if moved:
                problems.append(f"numbers taken from another statement {sorted(moved)}: {sentence}")
                continue
            # a word just before the number that the evidence uses, but never beside that number
            misplaced = [n for n, context in number_contexts(sentence)
                         if any(w in all_stems and not any(n in e[2] and w in words
                                                          for e, words in zip(ev_sentences, ev_stems))
                                for w in context)]
            if misplaced:
                problems.append(f"numbers stated about something else {misplaced}: {sentence}")
    return Faithfulness(not problems, problems)


def is_responsive(answer: str, min_terms: int = 4) -> bool:
    """A generated answer must say something: "The answer is no." or "60 days" is not an answer."""
    return len(set(terms(answer))) >= min_terms

