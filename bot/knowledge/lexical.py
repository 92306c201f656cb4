"""Lexical retrieval: Okapi BM25 over the indexed chunks, and the tokeniser it shares with re-ranking."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u4e00-\u9fff]")
STOPWORDS = frozenset("""a about above after again all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just me more most my myself no nor of off on
once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves i'm i've you're it's let me please hi hello
thanks thank also get got want need like know tell us""".split())
# negations and limits carry meaning for policies: never drop them
STOPWORDS = STOPWORDS - {"no", "not", "only", "can", "cannot", "down", "off"}


def stem(word: str) -> str:
    """A light suffix stripper: returns/returned/returning -> return, deliveries -> delivery, shipped -> ship."""
    if len(word) <= 4 or not word.isascii():
        return word
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            base = word[: -len(suffix)]
            if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            if suffix == "es" and not base.endswith(("sh", "ch", "x", "s", "z")):
                base = base + "e"
            return base
    return word


def terms(text: str) -> list[str]:
    """Content terms of a text: lower-cased, stop words dropped, lightly stemmed; CJK by character."""
    text = text.lower().replace("’", "'").replace("e-mail", "email")
    return [stem(w) for w in WORD_RE.findall(text) if w not in STOPWORDS]


@dataclass(frozen=True)
class LexicalHit:
    id: str
    score: float


class BM25Index:
    def __init__(self, docs: Iterable[tuple[str, str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.ids: list[str] = []
        self.tfs: list[Counter] = []
        self.lengths: list[int] = []
        df: Counter = Counter()
        for doc_id, text in docs:
            tf = Counter(terms(text))
            self.ids.append(doc_id)
            self.tfs.append(tf)
            self.lengths.append(sum(tf.values()))
            df.update(tf.keys())
        n = len(self.ids)
        self.avg_len = (sum(self.lengths) / n) if n else 0.0
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._max_idf = math.log(1 + (n + 0.5) / 0.5) if n else 1.0

    def __len__(self) -> int:
        return len(self.ids)

    def term_idf(self, term: str) -> float:
        """IDF of a term; unseen terms weigh as much as the rarest."""
        return self.idf.get(term, self._max_idf)

    def search(self, query: str, k: int) -> list[LexicalHit]:
        q = set(terms(query))
        if not q or not self.ids:
            return []
        scores = []
        for i, tf in enumerate(self.tfs):
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / (self.avg_len or 1))
            for t in q:
                f = tf.get(t)
                if f:
                    s += self.idf[t] * f * (self.k1 + 1) / (f + norm)
            if s > 0:
                scores.append((s, i))
        scores.sort(reverse=True)
        return [LexicalHit(self.ids[i], s) for s, i in scores[:k]]
