"""Composition root: builds every service once, lazily, from one Settings object."""
from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path

from bot.answers.gaps import JsonlGapLog
from bot.answers.grounding import GroundingConfig
from bot.answers.service import AnswerService
from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.embeddings import SentenceTransformerEmbedder
from bot.knowledge.retriever import HybridRetriever
from bot.knowledge.lexical import terms
from bot.knowledge.spelling import wordpiece_words
from bot.escalation import EscalationConfig
from bot.handoff.service import HandoffPolicy, HandoffService
from bot.handoff.store import SqlHandoffStore
from bot.llm.base import ChatModel
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
        return BudgetedChatModel(model, slots=s.llm_phrase_slots, budget_s=s.llm_phrase_budget_s)

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
        return GroundingConfig(min_score=s.kb_min_score, min_term_support=s.kb_support_min,
                               min_evidence_score=s.kb_min_evidence_score, generic_terms=kinds | words)

    @cached_property
    def answers(self) -> AnswerService:
        s = self.settings
        return AnswerService(self.retriever, self.grounding, chat_model=self.chat_model,
                             gaps=JsonlGapLog(s.knowledge_gaps_path), top_k=s.kb_top_k, max_chars=s.kb_max_answer_chars,
                             embedder=self.embedder, speller=self.retriever.correct_spelling)


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process-wide services (the action server's); tests build their own `Services`."""
    return Services()
