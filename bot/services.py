"""Composition root: builds every service once, lazily, from one Settings object."""
from __future__ import annotations

from functools import cached_property, lru_cache

from bot.answers.service import AnswerService
from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.embeddings import SentenceTransformerEmbedder
from bot.knowledge.retriever import DenseRetriever
from bot.orders.service import OrderService
from bot.settings import Settings
from bot.store.repository import SqlStore


class Services:
    def __init__(self, settings: Settings | None = None):
        self._settings = settings

    @cached_property
    def settings(self) -> Settings:
        return self._settings or Settings.from_env()

    @cached_property
    def store(self) -> SqlStore:
        return SqlStore.from_url(self.settings.store_url)

    @cached_property
    def orders(self) -> OrderService:
        return OrderService(self.store)

    @cached_property
    def embedder(self) -> SentenceTransformerEmbedder:
        return SentenceTransformerEmbedder(self.settings.embedding_model, threads=self.settings.torch_threads)

    @cached_property
    def kb_index(self) -> ChromaIndex:
        s = self.settings
        return ChromaIndex(s.kb_collection, path=s.chroma_path, host=s.chroma_host, port=s.chroma_port)

    @cached_property
    def retriever(self) -> DenseRetriever:
        return DenseRetriever(self.embedder, self.kb_index)

    @cached_property
    def answers(self) -> AnswerService:
        s = self.settings
        return AnswerService(self.retriever, min_score=s.kb_min_score, top_k=s.kb_top_k,
                             max_chars=s.kb_max_answer_chars)


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process-wide services (the action server's); tests build their own `Services`."""
    return Services()
