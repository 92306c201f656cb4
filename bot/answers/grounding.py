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
from bot.knowledge.lexical import STOPWORDS, WORD_RE, stem, terms
from bot.knowledge.retriever import Passage


@dataclass(frozen=True)
class GroundingConfig:
    min_score: float = 0.4  # relevance gate on the re-ranked score (calibrated: make calibrate-kb)
    evidence_passages: int = 4  # the sentences of this many retrieved passages compete to answer
    passage_weight: float = 0.5  # x the passage's retrieval score, added to each of its sentences' own score
    max_evidence_sentences: int = 3
    max_evidence_chars: int = 500
    min_evidence_score: float = 0.0  # the best evidence sentence's own score (term share + cosine) must reach this
    min_word_similarity: float = 0.6  # a question word missing from the evidence counts as covered from this cosine
    generic_terms: frozenset = frozenset()  # more words a question may use that no evidence needs to contain
    topic_tries: int = 3  # passages tried in turn while the chosen evidence is off the question's topic
    confident_score: float = 0.5  # from this passage score, one question word the evidence lacks is tolerated
    # the store's vocabulary (knowledge/synonyms.yml): a customer's word stem -> the page words that cover it
    synonyms: dict = field(default_factory=dict, hash=False, compare=False)

    def on_topic(self, missing: list[str], passage_score: float, names: list[str] = (),
                 topics: frozenset = frozenset()) -> bool:
        """The evidence is about what was asked: every topic word of the question is covered, or the passage is a
        confident match and only one word is not, and that word is neither a name (a place, a brand, a company)
        nor what another retrieved section is about (`topics`, its heading's terms: "return" in "can I return a
        jacket I washed?" is the returns page's topic, not a word the washing instructions may leave out)."""
        return not missing or (len(missing) == 1 and passage_score >= self.confident_score and not names
                               and not covers(stem(missing[0].lower()), set(topics)))
    min_relative_overlap: float = 0.6  # evidence sentences score at least this share of the best one
    min_sentence_similarity: float = 0.35  # a sentence with no word of the question counts from this cosine
    min_term_support: float = 0.7  # share of a generated sentence's content terms found in the evidence


# --- follow-ups -------------------------------------------------------------------

FOLLOW_UP_RE = re.compile(
    r"^\s*(and|or|also|but|so|what about|how about|same for|what if|then|for|with|in|on|via|by|"
    r"is that|does that|does it|is it|can i|can it|and if)\b", re.I)
REFERRING_RE = re.compile(r"\b(it|that|this|they|them|those|these|one|ones|there|same)\b", re.I)


def refers_back(question: str) -> bool:
    """A short message that points at something said before: "how long does it take?"."""
    return len(terms(question)) <= 3 and bool(REFERRING_RE.search(question))


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


# --- questions in one message ---------------------------------------------------------

QUESTION_START = (r"how|what|whats|what's|when|where|which|who|why|can|could|do|does|did|is|are|will|would|should|"
                  r"may|shall|am|have|has")
PART_JOIN_RE = re.compile(rf"(?:,\s*|\s+)(?:and|also|plus|and also)\s+(?=(?:{QUESTION_START})\b)", re.I)
PART_LEAD_RE = re.compile(r"^\s*(?:and|also|plus|oh|ok|okay|and also|another question|one more thing)[,:]?\s+", re.I)
MAX_PARTS = 3


def split_questions(text: str) -> list[str]:
    """'Which payment methods do you accept? Can I pay with Klarna?' -> two questions; so is 'how long do
    refunds take and can I return socks?'. A part with fewer than two content terms ("thanks!", "hi") is not a
    question of its own; at most `MAX_PARTS` parts."""
    parts: list[str] = []
    for sentence in split_sentences(text):
        for piece in PART_JOIN_RE.split(sentence):
            piece = PART_LEAD_RE.sub("", piece).strip(" ,;")
            if piece:
                parts.append(piece)
    questions = [p for p in parts if len(terms(p)) >= 2]
    if len(questions) <= 1:
        return [text]
    return questions[:MAX_PARTS]


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
    score: float = 0.0  # how well the best sentence answers the question (term share + cosine)

    @property
    def facts(self) -> list[str]:
        return self.computed + self.sentences


def covers(term: str, words: set[str], synonyms: dict | None = None) -> bool:
    """`words` have `term`, in another form ("complain" / "complaint": the same first five letters of words of at
    least five), or in the store's page words for it (`synonyms`: "swap" -> "exchange")."""
    if term in words or (term in NUMBER_TERMS and any(w.isdigit() and len(w) >= 3 for w in words)):
        return True
    if len(term) >= 5 and any(len(w) >= 5 and (w.startswith(term[:5]) or term.startswith(w[:5])) for w in words):
        return True
    return any(all(x in words for x in option) for option in (synonyms or {}).get(term, ()))


def _overlap(question_terms: set[str], sentence: str, synonyms: dict | None = None, heading: str = "") -> float:
    """The share of the question's terms the sentence has; a term only its section heading has counts half (the
    heading says what the sentence is about, the sentence says what is true)."""
    s, h = set(terms(sentence)), set(terms(heading))
    got = sum(1.0 if covers(t, s, synonyms) else 0.5 if covers(t, h, synonyms) else 0.0 for t in question_terms)
    return got / (len(question_terms) or 1)


def select_evidence(question: str, passages: list[Passage], cfg: GroundingConfig,
                    similarity: Callable[[list[str]], list[float]] | None = None) -> Evidence:
    """The sentences that answer the question, from the one passage that holds the best of them; injection-looking
    sentences are dropped.

    Every sentence of the retrieved passages is scored on its own: its share of the question's terms, plus, when
    `similarity` is given, the cosine of the sentence (led by its section heading) to the question ("bitcoin"
    finds "cryptocurrencies"), plus `passage_weight` x its passage's retrieval score. So the sentence that answers
    the question decides the passage, not a section title or a product word that happens to match ("return ...
    boots" is the return window, not boot care). The evidence is that sentence and the sentences of its passage
    that score nearly as well."""
    if not passages:
        return Evidence([], [])
    pool = passages[: cfg.evidence_passages]
    q = set(terms(question))
    q = q - FILLER_TERMS or q  # "what payment options ..." is about payment, not a "delivery option"
    found = [(rank, pos, s) for rank, p in enumerate(pool) for pos, s in enumerate(split_sentences(p.text))
             if not looks_like_injection(s)]
    if not found:
        return Evidence([], [pool[0]])
    led = [f"{pool[rank].section}: {s}" if pool[rank].section else s for rank, _, s in found]
    cosines = similarity(led) if similarity else [0.0] * len(found)
    scored: list[tuple[float, float, int, int, str]] = []  # (choice score, own score, rank, position, sentence)
    for (rank, pos, s), cos in zip(found, cosines):
        overlap = _overlap(q, s, cfg.synonyms, pool[rank].section)
        own = overlap + cos if overlap > 0 or cos >= cfg.min_sentence_similarity else 0.0
        scored.append((own + cfg.passage_weight * pool[rank].score if own else 0.0, own, rank, pos, s))
    best = max(scored, key=lambda c: (c[0], -c[2], -c[3]))
    if best[0] <= 0:  # nothing relates on its own: the best passage's opening is its summary
        opening = [c for c in scored if c[2] == 0][:2]
        return Evidence([c[4] for c in opening], [pool[0]], score=0.0)
    rank = best[2]
    same = sorted((c for c in scored if c[2] == rank and c[1] > 0 and c[1] >= cfg.min_relative_overlap * best[1]),
                  key=lambda c: -c[1])[: cfg.max_evidence_sentences]
    same.sort(key=lambda c: c[3])
    out: list[str] = []
    for c in same:
        if out and len(" ".join(out + [c[4]])) > cfg.max_evidence_chars:
            break
        out.append(c[4])
    return Evidence(out, [pool[rank]], score=round(best[1], 4))


# --- does the evidence answer what was asked? --------------------------------------------------

# words of the question's form, not of its topic: an answer need not contain them ("how long", "can I", "do you
# offer"); and the names of regions the pages spell out
QUESTION_FORM_TERMS = frozenset(terms(
    "long much many often soon quickly fast can could use used offer offers take takes give get happen happens "
    "still already must minimum maximum amount two one send sent add pay paid bought buy ago week weeks day days "
    "month months year years time times whats what's something anything possible way able allowed work works "
    "kind sort type go going come comes need needs want wanted make made happen tell know sure ok okay really "
    "hey hi hello please thanks ask asking question questions wondering idea wait actually btw quick quickly um oh "
    "so well just also policy policies rule rules info information detail details exactly general generally "
    "usually normally typically currently right now today option options "
    # the words of a request for help rather than of its topic ("I need assistance checking the status of ...")
    "help helping assistance assist check checking see look find show know user users company customer status "
    "case cases issue issues problem problems error errors report reporting notify trying try last recent "
    "previous purchase purchases getting online wanna different another open opening make making solve fix file "
    "somebody someone person thing things "
    # chat words and contractions
    "guys folks that's thats i'd there's theres here's y'all yall u ur pls plz lol hmm kinda sorta gonna gotta "
    "back came new "
    # who it is for: "an account for my mother"
    "mother mum mom father dad wife husband son daughter friend partner kid kids family"))
PRICE_TERMS = frozenset(terms("cost costs price prices fee fees charge charges expensive cheap much"))
# what every store question is about, never its topic by itself ("how do I complain about an order?")
STORE_TERMS = frozenset(terms("order orders item items product products company business organization organisation "
                               "corporate firm"))
# any number answers "what number ...", "the phone number"
NUMBER_TERMS = frozenset(terms("number numbers"))
# words of a question's form that no evidence sentence is chosen for
FILLER_TERMS = frozenset(terms("option options kind sort type way ways possible info information detail details "
                               "general help thing things something anything exactly"))
REGION_ALIASES = {"uk": ("united", "kingdom"), "us": ("united", "states"), "usa": ("united", "states"),
                  "eu": ("european", "union"), "america": ("united", "states")}


def covering_context(passages: list[Passage], question: str, generic: frozenset = frozenset(),
                     synonyms: dict | None = None) -> list[Passage]:
    """For a follow-up joined to its earlier question ("... shipping to Canada? and for express?"), the passages
    that leave the fewest of its topic words uncovered: the one that says express does not go to Canada beats the
    one with the United States' express price."""
    if not passages:
        return passages
    missing = [len(uncovered_words(question, [p.text, f"{p.title} {p.section}"], generic, synonyms))
               for p in passages]
    fewest = min(missing)
    return [p for p, n in zip(passages, missing) if n == fewest]


def names_in(question: str, words: list[str]) -> list[str]:
    """The `words` written with a capital inside the question ("a store in Chicago"): names, never tolerated."""
    return [w for w in words if re.search(rf"(?<=[\w,;:]\s)\b{re.escape(w.capitalize())}\b", question)]


@dataclass(frozen=True)
class PageWords:
    """One way the pages say what a customer's word means: the words as written, and their terms."""
    text: str
    terms: tuple[str, ...]

    def __iter__(self):  # covered when all of its terms are
        return iter(self.terms)


def synonym_table(entries: dict) -> dict[str, tuple[PageWords, ...]]:
    """knowledge/synonyms.yml as the answer check uses it: a customer's word stem -> the page words that cover it
    (all of their terms: "amex" -> "american express")."""
    table: dict[str, tuple[PageWords, ...]] = {}
    for word, page_words in (entries or {}).items():
        key = terms(str(word))
        options = tuple(PageWords(str(w), tuple(terms(str(w)))) for w in (page_words or []) if terms(str(w)))
        if len(key) == 1 and options:
            table[key[0]] = table.get(key[0], ()) + options
    return table


def with_page_words(question: str, synonyms: dict | None) -> str:
    """The question with the page words of its customer words added (knowledge/synonyms.yml), for retrieval:
    "do you take amex" also searches "american express"."""
    asked = set(terms(question))
    extra = [option.text for t in terms(question) for option in (synonyms or {}).get(t, ())
             if not set(option.terms) & asked]
    return f"{question} ({', '.join(dict.fromkeys(extra))})" if extra else question


def uncovered_words(question: str, evidence: list[str], generic: frozenset = frozenset(),
                    synonyms: dict | None = None) -> list[str]:
    """Words of the question whose topic the evidence never mentions: "Chicago" in "do you have a store in
    Chicago?" when the evidence is about the Portland store. Question-form words, `generic` words (the store's
    product types), numbers, words the evidence has in another form ("complain" / "complaints") and words the
    store's vocabulary maps to words the evidence has (`synonyms`: "swap" -> "exchange") are covered."""
    cover: set[str] = set()
    for text in evidence:
        cover.update(terms(text))
    if any("$" in text for text in evidence):  # an amount answers "how much", "what does it cost"
        cover.update(PRICE_TERMS)
    if any(re.search(r"\d{3}", text) for text in evidence):  # a phone, order or case number
        cover.update(NUMBER_TERMS)
    out = []
    for word in dict.fromkeys(WORD_RE.findall(question.lower().replace("’", "'"))):
        t = stem(word)
        if word in STOPWORDS or t in QUESTION_FORM_TERMS or word in QUESTION_FORM_TERMS or t in generic or \
                t.isdigit() or NEGATION_RE.fullmatch(word) or covers(t, cover, synonyms):
            continue
        if word in REGION_ALIASES and all(w in cover for w in terms(" ".join(REGION_ALIASES[word]))):
            continue
        out.append(word)
    return out


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
                         r"nothing|nobody|neither|without|unable)\b|n't\b", re.I)
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


@dataclass(frozen=True)
class Faithfulness:
    supported: bool
    problems: list[str]  # one line per unsupported sentence: what was wrong


MODAL_RE = re.compile(r"\b(only|always|never|must|may|might|free|guaranteed|all|every|any|each|whole)\b")
STATEMENT_RE = re.compile(r";|,\s+(?:and|but|so|while|or|including)\s+")
UNIT_WORDS = frozenset(terms("day days business week weeks month months year years hour hours minute minutes pm am "
                             "cm inch inches point points percent dollar dollars"))
# a condition a statement holds under: "within the United States", "on orders of $75 or more", "before 2 pm"
CONDITION_RE = re.compile(r"\b(within|over|under|below|above|before|after|except|unless|if|when|between|"
                          r"on orders (?:of|over|between)|for orders|in the contiguous|while|paid (?:with|by)|marked|"
                          r"on (?:a )?business days?|that have been|that has been)\s*((?:(?!\b(?:is|are|was|costs?|"
                          r"takes?|ships?|gets?|can|must|will|has|have|for|leave|arrives?|on|within|before|after|"
                          r"while|if|when|unless|except|over|under)\b)[^,;.])*)", re.I)
MAX_CONDITION_TERMS = 5
# words that say the opposite of each other: a claim with one where its evidence has the other contradicts it
_OPPOSITES = [("same", "different"), ("before", "after"), ("smaller", "larger"), ("smaller", "bigger"),
              ("small", "large"), ("more", "less"), ("more", "fewer"), ("minimum", "maximum"), ("first", "last"),
              ("earliest", "latest"), ("open", "closed"), ("positive", "negative"), ("up", "down"), ("early", "late"),
              ("higher", "lower"), ("longer", "shorter"), ("inside", "outside"), ("included", "excluded"),
              ("accepted", "refused"), ("online", "offline"), ("new", "used"), ("full", "partial")]
ANTONYMS: dict[str, set[str]] = {}
for _a, _b in _OPPOSITES:
    ANTONYMS.setdefault(_a, set()).add(_b)
    ANTONYMS.setdefault(_b, set()).add(_a)
# the places a statement is about: "prices for Canada, the United Kingdom and the European Union include ..."
_PLACE = r"(?:the )?[A-Z][a-z]+(?: [A-Z][a-z]+)*"
PLACE_CONDITION_RE = re.compile(rf"\b(?:for|in|to|from) ({_PLACE}(?:, {_PLACE})*(?:,? (?:and|or) {_PLACE})?)")
# where an evidence sentence joins statements with their own facts: "..., and our jackets use ...", "... and charged
# when the order ships" (a list, "tents, backpacks and sleeping bags", is one statement)
EVIDENCE_CLAUSE_RE = re.compile(r";|,\s+(?:and|but|so|while|or)\s+|\s+and\s+(?=\w+ed\b)")
# the subject of a clause ends at its first verb
SUBJECT_END_RE = re.compile(r"\b(?:is|are|was|were|can|cannot|will|must|may|do|does|get|gets|carry|carries|go|goes|"
                            r"take|takes|cost|costs|ship|ships|arrive|arrives|have|has)\b", re.I)
CLAUSE_RE = re.compile(r";|,\s+(?:and|but|so|or|including)\s+|\.\s+|\s+and\s+(?=(?:is|are|can|ship|arrive)\w*)")


# words a faithful restatement may add to the evidence's own
CHAT_TERMS = frozenset(terms(
    "yes sorry unfortunately please note happy glad help just simply also however course sure great good thanks "
    "thank certainly absolutely indeed currently then there here way able usually normally typically generally "
    "your you our we us it its they them this that these those another"))


def number_neighbours(text: str, width: int = 1) -> list[tuple[str, list[str]]]:
    """Each number with the `width` content terms just before it in its clause: "US men's 9 and UK 8" ->
    [("9", ["men"]), ("8", ["uk"])]. A restatement must put a number beside a word the evidence puts beside it."""
    out = []
    for clause in re.split(r"[;,:(]", text):
        for m in NUMBER_RE.finditer(clause):
            words = [w for w in terms(NUMBER_RE.sub(" ", clause[: m.start()])) if not w.isdigit()]
            for n in numbers(m.group(0)):
                out.append((n, words[-width:]))
    return out


def number_units(text: str) -> set[tuple[str, str]]:
    """Each number with its unit: "$75" -> ("75", "$"), "30 days" -> ("30", "day"), "15%" -> ("15", "%")."""
    out = set()
    for m in re.finditer(r"(\$|£|€)?\s?(\d+(?:[.,]\d+)*)(?:\s?(%|°C))?(?:[- ](\w+))?", text):
        for n in numbers(m.group(2)):
            if m.group(1) or m.group(3):
                out.add((n, m.group(1) or m.group(3)))
            elif m.group(4) and stem(m.group(4).lower()) in UNIT_WORDS:
                out.add((n, stem(m.group(4).lower())))
            else:
                out.add((n, ""))
    return out


def conditions(sentence: str, about: set[str]) -> list[set[str]]:
    """The content terms of each condition (see CONDITION_RE) of the clauses of `sentence` that share at least two
    terms with `about` (the statement that restates it): "free on orders of $75 or more; below that it costs
    $6.95" -> the first clause's condition for a statement about free shipping."""
    clauses = [(c, sum(_same(t, set(terms(c))) for t in about)) for c in CLAUSE_RE.split(sentence)]
    best = max((n for _, n in clauses), default=0)
    out = []
    for clause, n in clauses:
        if n >= 2 and n == best:  # the clause it restates
            out.extend(t for t in (set(terms(m.group(2) if m.group(2).strip() else m.group(1))[:MAX_CONDITION_TERMS])
                                   for m in CONDITION_RE.finditer(clause)) if t)
            out.extend(t for t in (set(terms(m.group(1))) for m in PLACE_CONDITION_RE.finditer(clause)) if t)
    return out


def check_faithfulness(answer: str, evidence: list[str], cfg: GroundingConfig) -> Faithfulness:
    """Every sentence of `answer` must restate one statement of the evidence (a sentence, or one clause of it), not
    words pooled from several:

    - its numbers, with their units and the words beside them, are that statement's;
    - its names (capitalised words) are that statement's;
    - its content terms are that statement's: at least `min_term_support` of them, none taken from another evidence
      statement (a subject or an object from elsewhere: "waterproof" replaced by "down", the Canada price given to
      the United States), and none that the evidence does not have beyond a few conversational words;
    - it is negated, and says "only", "all", "never", "free"..., only where that statement does;
    - it keeps the conditions that statement states ("within the United States", "on orders of $75 or more",
      "while the order is processing")."""
    if not answer.strip():
        return Faithfulness(False, ["empty answer"])
    if PROMPT_ECHO_RE.search(answer):
        return Faithfulness(False, [f"echoes the prompt: {answer[:80]}"])
    statements = [(st, _content(st), e) for e in evidence if e.strip() for st in _statements(e)]
    if not statements:
        return Faithfulness(False, ["no evidence"])
    ev_numbers = numbers(" ".join(evidence))
    ev_terms = set().union(*(t for _, t, _ in statements))
    problems = []
    for sentence in split_sentences(answer):
        invented = numbers(sentence) - ev_numbers
        if invented:
            problems.append(f"numbers not in the evidence {sorted(invented)}: {sentence}")
            continue
        s_terms = _content(sentence)
        if not s_terms:
            continue
        # the statement it restates: the one that holds most of its terms (ties: the shorter one)
        source, e_terms, whole = max(statements, key=lambda x: (_shared(s_terms, x[1]), -len(x[1])))
        problem = _restates(sentence, s_terms, source, e_terms, whole, ev_terms, cfg)
        if problem:
            problems.append(f"{problem}: {sentence}")
    return Faithfulness(not problems, problems)


def _statements(sentence: str) -> list[str]:
    """A sentence, and its clauses when it joins several (";", ", and", ", but", ", including", ", or")."""
    parts = [p.strip() for p in STATEMENT_RE.split(sentence) if p.strip()]
    return [sentence] + (parts if len(parts) > 1 else [])


def _content(text: str) -> set[str]:
    """Content terms, without negation words (checked on their own) and the conversational words a restatement
    may add."""
    return {t for t in terms(text) if not NEGATION_RE.fullmatch(t) and t not in CHAT_TERMS}


def _same(term: str, pool: set[str]) -> bool:
    """`term` is in `pool`, or a form of a word there ("combine" / "combined", "change" / "changed")."""
    return term in pool or (len(term) >= 4 and any(len(p) >= 4 and (p.startswith(term) or term.startswith(p))
                                                   for p in pool))


def _shared(s_terms: set[str], e_terms: set[str]) -> int:
    return sum(_same(t, e_terms) for t in s_terms)


def _restates(sentence: str, s_terms: set[str], source: str, e_terms: set[str], whole: str, ev_terms: set[str],
              cfg: GroundingConfig) -> str | None:
    """Why `sentence` does not restate `source` (a statement of the evidence sentence `whole`) faithfully, or None."""
    allowed = PRICE_TERMS if "$" in source else frozenset()  # "costs $7.95" restates "a fee of $7.95"
    support = _shared(s_terms, e_terms) / len(s_terms)
    if support < cfg.min_term_support:
        return f"only {support:.0%} of the terms are in one evidence statement"
    others = sorted(t for t in s_terms if not _same(t, e_terms) and t not in allowed)
    borrowed = [t for t in others if _same(t, ev_terms)]
    if borrowed:
        return f"words taken from another statement {borrowed}"
    if others:
        return f"words the evidence does not have {others}"
    moved = sorted(n for n, _ in number_units(sentence) if n not in numbers(source))
    if moved:
        return f"numbers taken from another statement {moved}"
    source_units = number_units(source)
    units = sorted(f"{n}{u}" for n, u in number_units(sentence) if u and (n, u) not in source_units)
    if units:
        return f"numbers with another unit {units}"
    near: dict[str, set[str]] = {}
    nearest: dict[str, set[str]] = {}
    for m, ws in number_neighbours(whole, 8):
        near.setdefault(m, set()).update(ws)
        nearest.setdefault(m, set()).update(ws[-1:])
    # a number the evidence states beside words must stand beside one of them, and not beside the word another
    # number stands next to ("US men's 9", not "US men's 8"); one it lists on its own ("boots, $119.99") may go anywhere
    misplaced = [n for n, before in number_neighbours(sentence) if before and near.get(n) and (
        before[0] not in near[n] or (before[0] not in nearest[n]
                                     and any(before[0] in w for m, w in nearest.items() if m != n)))]
    if misplaced:
        return f"numbers stated about something else {misplaced}"
    names = {n.lower() for n in PROPER_RE.findall(sentence)} - {w.lower() for w in re.findall(r"[A-Za-z]+", whole)} \
        - COMMON_CAPITALISED
    if names:
        return f"names not in the evidence sentence {sorted(names)}"
    if bool(NEGATION_RE.search(sentence)) != bool(NEGATION_RE.search(source)):
        return "negation differs from the evidence"
    modal = sorted(set(MODAL_RE.findall(sentence.lower())) - set(MODAL_RE.findall(source.lower())))
    if modal:
        return f"modality not in the evidence {modal}"
    dropped = [c for c in conditions(whole, s_terms) if not any(_same(t, s_terms) for t in c)]
    if dropped:
        return f"a condition of the evidence is dropped {sorted(dropped[0])}"
    source_words = set(WORD_RE.findall(source.lower()))
    flipped = sorted(w for w in set(WORD_RE.findall(sentence.lower())) if w in ANTONYMS
                     and w not in source_words and ANTONYMS[w] & source_words)
    if flipped:
        return f"says the opposite of the evidence {flipped}"
    mixed = mixed_clauses(sentence, whole)
    if mixed:
        return f"words of two clauses of the evidence joined {mixed}"
    return None


def _clauses(sentence: str) -> list[str]:
    return [c.strip() for c in EVIDENCE_CLAUSE_RE.split(sentence) if c.strip()]


def mixed_clauses(claim: str, evidence_sentence: str) -> list[str]:
    """Words the claim (one clause of it at a time) takes from two different clauses of the evidence sentence,
    beyond the sentence's subject, which every clause shares: "Your card is charged when you place the order"
    from "Your card is authorised when you place the order and charged when the order ships"; "our waterproof
    jackets are certified to the Responsible Down Standard" from "all our down is certified to the Responsible
    Down Standard, and our waterproof jackets use PFC-free water repellent"."""
    clauses = _clauses(evidence_sentence)
    if len(clauses) < 2:
        return []
    subject = set(terms(SUBJECT_END_RE.split(clauses[0], 1)[0]))
    own = [{t for t in terms(c) if not t.isdigit()} - subject for c in clauses]  # numbers are checked on their own
    exclusive = [{t for t in o if not any(_same(t, x) for j, x in enumerate(own) if j != i)}
                 for i, o in enumerate(own)]
    for part in _clauses(claim):
        words = _content(part)
        used = [sorted(t for t in words if _same(t, ex)) for ex in exclusive]
        if sum(bool(u) for u in used) >= 2:
            return [w for u in used if u for w in u]
    return []


def is_responsive(answer: str, min_terms: int = 4) -> bool:
    """A generated answer must say something: "The answer is no." or "60 days" is not an answer."""
    return len(set(terms(answer))) >= min_terms

