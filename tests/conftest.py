from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


class HashingEmbedder:
    """Deterministic bag-of-words embedder for tests that need no model."""

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        out = []
        for t in texts:
            v = [0.0] * self.dim
            for w in t.lower().split():
                v[int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
            n = math.sqrt(sum(x * x for x in v)) or 1.0
            out.append([x / n for x in v])
        return out


@pytest.fixture
def hashing_embedder():
    return HashingEmbedder()


@pytest.fixture(scope="session")
def store_url(tmp_path_factory):
    """A fresh store database built from the committed demo data."""
    import sqlalchemy as sa

    from bot.store.load import load_demo_store

    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    load_demo_store(sa.create_engine(url), KNOWLEDGE)
    return url


@pytest.fixture(scope="session")
def demo_orders():
    import json

    return json.loads((KNOWLEDGE / "store" / "orders.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def kb_services(tmp_path_factory, store_url):
    """Real services: the packaged MiniLM model and an embedded Chroma index of knowledge/."""
    from bot.knowledge.indexer import index_folder
    from bot.services import Services
    from bot.settings import Settings

    data = tmp_path_factory.mktemp("kb")
    settings = Settings.from_env(env={"CONCIERGE_DATA_DIR": str(data), "STORE_DB_URL": store_url,
                                      "LLM_BACKEND": "none"},  # extractive: fast and exact to assert on
                                 env_file=Path("/nonexistent"))
    services = Services(settings)
    index_folder(KNOWLEDGE / "policies", services.kb_index, services.embedder)
    return services


from tests.servers import concierge, sender  # noqa: E402,F401  (session-scoped real servers)
