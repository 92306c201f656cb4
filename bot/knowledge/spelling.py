"""A spelling pass over the store's own vocabulary: "how long is teh retrun perod" -> "how long is the return
period", before retrieval.

A word is left alone when it is a known word: in the store's documents, or in the general English word list
that ships with the embedding model (its WordPiece vocabulary). An unknown word of 3+ letters becomes the word of
the store's documents one edit away (a letter inserted, deleted, replaced, or two letters swapped), or two edits
away for words of 6+ letters, the more frequent first; else a general word one slip away (a letter left out or
two letters swapped: "perod" -> "period"). Chat shorthand ("u", "hw") is written out. Numbers,
e-mail addresses, order numbers, capitalised words after the first (names: "Walmart") and words with capitals
inside ("iPhone") are never touched.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterable

LETTERS = "abcdefghijklmnopqrstuvwxyz"
TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z']*|[^A-Za-z]+")
# chat shorthand, written out before retrieval
SHORTHAND = {"u": "you", "ur": "your", "r": "are", "hw": "how", "wat": "what", "wht": "what", "pls": "please",
             "plz": "please", "thx": "thanks", "abt": "about", "cuz": "because", "bc": "because", "im": "I'm",
             "dont": "don't", "cant": "can't", "wont": "won't", "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't",
             "hasnt": "hasn't", "havent": "haven't", "whats": "what's", "wheres": "where's", "nd": "and", "n": "and",
             "w/": "with", "b4": "before", "tmrw": "tomorrow", "msg": "message", "acct": "account", "addr": "address"}
MIN_LENGTH = 3  # shorter words ("u", "ur") are left to the stop-word list
TWO_EDITS_FROM = 6


def edits1(word: str) -> set[str]:
    return slips(word) | {a + c + b[1:] for a, b in _splits(word) if b for c in LETTERS} | \
        {a + b[1:] for a, b in _splits(word) if b}


def slips(word: str) -> set[str]:
    """The words `word` is one slip away from: a letter left out ("perod") or two letters swapped ("retrun")."""
    splits = _splits(word)
    return {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1} | {a + c + b for a, b in splits for c in LETTERS}


def _splits(word: str) -> list[tuple[str, str]]:
    return [(word[:i], word[i:]) for i in range(len(word) + 1)]


def wordpiece_words(vocab_file: Path) -> list[str]:
    """Whole lower-case words of a WordPiece vocabulary (vocab.txt), most frequent first (its order)."""
    words = []
    for line in vocab_file.read_text(encoding="utf-8").splitlines():
        w = line.strip()
        if len(w) >= 2 and w.isalpha() and w.isascii() and w.islower():
            words.append(w)
    return words


class Speller:
    def __init__(self, domain_words: Iterable[str], general_words: Iterable[str] = ()):
        self.domain = Counter(w.lower() for w in domain_words if w.isalpha())
        general = list(general_words)
        # general words rank by their position in the list (most frequent first), below every domain word
        self.general = {w: len(general) - i for i, w in enumerate(general)}
        self._cache: dict[str, str | None] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str], general_words: Iterable[str] = ()) -> "Speller":
        return cls((w.lower() for t in texts for w in re.findall(r"[A-Za-z]+", t)), general_words)

    def known(self, word: str) -> bool:
        return word in self.domain or word in self.general

    def _best(self, candidates: set[str], general_candidates: set[str] = frozenset()) -> str | None:
        domain = [c for c in candidates if c in self.domain]
        if domain:
            return max(domain, key=lambda c: (self.domain[c], c))
        general = [c for c in general_candidates if c in self.general]
        return max(general, key=lambda c: (self.general[c], c)) if general else None

    def correct_word(self, word: str) -> str:
        low = word.lower()
        if low in SHORTHAND:
            return SHORTHAND[low]
        if len(low) < MIN_LENGTH or "'" in low or self.known(low) or (word[1:] != word[1:].lower()):
            return word
        if low not in self._cache:
            one = edits1(low)
            # a general word only for a slip (letter left out, letters swapped): a real word the list lacks ("vegan")
            # is rarely one slip from another, but often one changed letter ("began")
            fixed = self._best(one, slips(low))
            if fixed is None and len(low) >= TWO_EDITS_FROM:
                fixed = self._best({e2 for e1 in one for e2 in edits1(e1)} & set(self.domain))
            if len(self._cache) >= 10_000:
                self._cache.clear()
            self._cache[low] = fixed
        fixed = self._cache[low]
        if fixed is None:
            return word
        return fixed[:1].upper() + fixed[1:] if word[0].isupper() else fixed

    def correct(self, text: str) -> str:
        """`text` with its misspelt words corrected; everything else as it was."""
        if "@" in text:  # keep e-mail addresses whole: correct only the words around them
            return " ".join(part if "@" in part else self.correct(part) for part in text.split(" "))
        out, sentence_start = [], True
        for t in TOKEN_RE.findall(text):
            if t[0].isalpha():
                # a capitalised word inside a sentence is a name ("Walmart", "Denver"): never "corrected"
                out.append(self.correct_word(t) if sentence_start or not t[0].isupper() else t)
                sentence_start = False
            else:
                out.append(t)
                sentence_start = sentence_start or bool(re.search(r"[.!?]\s*$", t))
        return "".join(out)
