"""Answers to questions asked before, for the same knowledge.

Many shoppers ask the same few questions ("what is your return policy?"). The answer depends only on what was
searched (the question, its parts and their resolved follow-ups) and on the knowledge index, so it is kept and
served again at once. The key carries the index's version (a fingerprint of its chunks' content hashes): a
re-index that changes, adds or removes a chunk changes the version, and every older answer is dropped.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, Hashable, TypeVar

T = TypeVar("T")


class AnswerCache(Generic[T]):
    """A thread-safe LRU of at most `size` entries (0: nothing is kept) for one index version at a time."""

    def __init__(self, size: int = 1000):
        if size < 0:
            raise ValueError("an answer cache cannot hold fewer than 0 entries")
        self.size = size
        self.version: str | None = None
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def _same_version(self, version: str) -> None:
        if version != self.version:  # re-indexed: nothing kept from before can be trusted
            self._entries.clear()
            self.version = version

    def get(self, version: str, key: Hashable) -> T | None:
        with self._lock:
            self._same_version(version)
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def put(self, version: str, key: Hashable, value: T) -> None:
        if self.size == 0:
            return
        with self._lock:
            self._same_version(version)
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
