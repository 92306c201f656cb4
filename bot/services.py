"""Composition root: builds every service once, lazily, from one Settings object."""
from __future__ import annotations

import logging
import time
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from bot.answers.cache import AnswerCache
from bot.answers.gaps import JsonlGapLog
from bot.answers.grounding import STORE_TERMS, GroundingConfig, synonym_table
from bot.answers.service import AnswerService
from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.embeddings import SentenceTransformerEmbedder
from bot.knowledge.retriever import HybridRetriever
from bot.knowledge.lexical import terms
from bot.knowledge.spelling import wordpiece_words
from bot.escalation import EscalationConfig
from bot.handoff.service import HandoffPolicy, HandoffService
from bot.handoff.store import SqlHandoffStore
from bot.llm.base import ChatModel, ChatModelError
from bot.llm.budget import BudgetedChatModel
from bot.orders.service import OrderService
from bot.recommend.catalog import load_products
from bot.recommend.personal import Personaliser
from bot.recommend.preferences import CATEGORY_WORDS
from bot.recommend.questions import ProductQuestions
from bot.recommend.reasons import ReasonWriter
from bot.recommend.service import RecommendationService
from bot.settings import Settings
from bot.store.repository import SqlStore

log = logging.getLogger(__name__)


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

    def chroma(self, collection: str) -> ChromaIndex:
        """A collection in the configured Chroma (embedded folder or server)."""
        s = self.settings
        return ChromaIndex(collection, path=s.chroma_path, host=s.chroma_host, port=s.chroma_port)

    @cached_property
    def kb_index(self) -> ChromaIndex:
        return self.chroma(self.settings.kb_collection)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.embedder, self.kb_index, candidates=self.settings.kb_candidates,
                               general_words=self.general_words)

    @cached_property
    def general_words(self) -> list[str]:
        """English words the spelling pass knows besides the store's own: the embedding model's vocabulary."""
        vocab = Path(self.settings.embedding_model) / "vocab.txt"
        return wordpiece_words(vocab) if vocab.is_file() else []

    @cached_property
    def catalog_index(self) -> ChromaIndex:
        return self.chroma(self.settings.catalog_collection)

    @cached_property
    def recommendations(self) -> RecommendationService:
        return RecommendationService(load_products(self.settings.catalog_file), self.catalog_index, self.embedder,
                                     personaliser=Personaliser(lambda: self.store.purchases()),
                                     min_similarity=self.settings.rec_min_similarity,
                                     reasons=self.reason_writer)

    @cached_property
    def reason_writer(self) -> ReasonWriter | None:
        """Chat-model phrasing of recommendation reasons (REC_LLM_REASONS), checked like grounded answers."""
        if not self.settings.rec_llm_reasons or self.chat_model is None:
            return None
        return ReasonWriter(self.chat_model, self.grounding, top=self.settings.rec_llm_reasons_top)

    @cached_property
    def handoff_store(self) -> SqlHandoffStore:
        """Tickets, agents and sessions (the schema is migrated by `make setup` and the agent API's start)."""
        return SqlHandoffStore.from_url(self.settings.handoff_db_url)

    @cached_property
    def handoff(self) -> HandoffService:
        s = self.settings
        return HandoffService(EscalationConfig.load(s.escalation_config), lambda: self.handoff_store,
                              HandoffPolicy(s.agent_online_window_s, s.minutes_per_ticket))

    @cached_property
    def product_questions(self) -> ProductQuestions:
        return ProductQuestions(load_products(self.settings.catalog_file))

    @cached_property
    def chat_model(self) -> ChatModel | None:
        """The back end that phrases answers, per LLM_BACKEND (None = extractive answers only), never waited for:
        at most LLM_PHRASE_SLOTS generations at once, each within LLM_PHRASE_BUDGET_S (0: no limit)."""
        model = self._chat_backend()
        s = self.settings
        if model is None or s.llm_phrase_budget_s <= 0:
            return model
        return BudgetedChatModel(model, slots=s.llm_phrase_slots, budget_s=s.llm_phrase_budget_s,
                                 cooldown_s=s.llm_phrase_cooldown_s)

    def _chat_backend(self) -> ChatModel | None:
        s = self.settings
        if s.llm_backend == "none":
            return None
        if s.llm_backend == "openai":
            from bot.llm.openai_http import OpenAICompatibleChatModel

            return OpenAICompatibleChatModel(s.llm_base_url, s.llm_model, s.llm_api_key, timeout_s=s.llm_timeout_s,
                                             retries=s.llm_retries)
        if s.llm_backend == "llamacpp":
            from bot.llm.llamacpp import LlamaCppChatModel
            from bot.llm.packaged import resolve_model

            path = resolve_model(s.llm_model, s.data_dir / "models")
            return LlamaCppChatModel(str(path), threads=s.llm_threads, timeout_s=s.llm_timeout_s,
                                     nice=s.llm_nice)
        raise ValueError(f"LLM_BACKEND={s.llm_backend!r}: use llamacpp, openai or none")

    @cached_property
    def grounding(self) -> GroundingConfig:
        s = self.settings
        # the store's product types ("boots", "jacket") may stand beside a policy question without the policy
        # naming them: "can I return boots I bought 6 weeks ago?"
        kinds = frozenset(t for p in load_products(s.catalog_file) for t in terms(p["category"].replace("-", " ")))
        words = frozenset(t for names in CATEGORY_WORDS.values() for name in names for t in terms(name))
        vocabulary = yaml.safe_load(s.synonyms_file.read_text(encoding="utf-8")) if s.synonyms_file.is_file() else {}
        return GroundingConfig(min_score=s.kb_min_score, min_term_support=s.kb_support_min,
                               min_evidence_score=s.kb_min_evidence_score, generic_terms=kinds | words | STORE_TERMS,
                               synonyms=synonym_table(vocabulary if isinstance(vocabulary, dict) else {}))

    @cached_property
    def answers(self) -> AnswerService:
        s = self.settings
        return AnswerService(self.retriever, self.grounding, chat_model=self.chat_model,
                             gaps=JsonlGapLog(s.knowledge_gaps_path), top_k=s.kb_top_k, max_chars=s.kb_max_answer_chars,
                             embedder=self.embedder, speller=self.retriever.correct_spelling,
                             cache=AnswerCache(s.kb_answer_cache) if s.kb_answer_cache else None,
                             phrase_min_chars=s.llm_phrase_min_chars)

    def warm_up(self, parts: tuple[str, ...] = ("knowledge", "chat_model")) -> dict[str, float]:
        """Load now what the first customer would otherwise wait for (WARM_UP): "knowledge" is the embedding
        model, the index with its lexical tables and spelling vocabulary, and one answer's code path; "catalog"
        the product index; "chat_model" the phrasing model with one token generated. Returns ms per part. A part
        that fails is logged, not raised: it loads, or reports its error, on first use as before."""
        steps = {"knowledge": lambda: self.answers.warm_up(),
                 "catalog": lambda: self.recommendations.best_match("warm jacket"),
                 "chat_model": self._warm_chat_model}
        took: dict[str, float] = {}
        for part in parts:
            t0 = time.perf_counter()
            try:
                steps[part]()
            except Exception as e:  # noqa: BLE001 - warming up must never take a server down
                log.warning("warm-up of %s failed (it loads on first use): %s", part, e)
            took[part] = round((time.perf_counter() - t0) * 1000, 1)
        log.info("warmed up: %s", ", ".join(f"{k} {v:.0f} ms" for k, v in took.items()))
        return took

    def _warm_chat_model(self) -> None:
        if self.chat_model is not None:
            try:
                self.chat_model.complete([{"role": "user", "content": "Hello"}], 1)
            except ChatModelError as e:  # busy with a customer's answer already: it is loaded
                log.info("chat model warm-up: %s", e)


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process-wide services (the action server's); tests build their own `Services`."""
    return Services()
