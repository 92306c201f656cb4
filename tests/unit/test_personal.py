"""A known customer's recommendations use purchase histories (collaborative filtering)."""
import pytest

from bot.knowledge.chroma_index import ChromaIndex
from bot.recommend.catalog import index_catalog
from bot.recommend.personal import Personaliser
from bot.recommend.preferences import parse_preferences
from bot.recommend.service import RecommendationService
from bot.store.models import Purchase
from tests.unit.test_preferences import BRANDS, CATALOG, COLOURS

BOOTS = [p["id"] for p in CATALOG if p["category"] == "hiking-boots"]


def bought(customer: str, *products: str, day: int = 1) -> list[Purchase]:
    return [Purchase(customer, f"{customer}@example.com", p, f"2026-10-{day + n:02d}T10:00")
            for n, p in enumerate(products)]


def test_neighbours_purchases_score_higher_and_strangers_get_nothing():
    a, b, z = "P9001", "P9002", "P9003"
    history = (bought("c1", a, b) + bought("c2", a, b) + bought("c3", z) + bought("me", a))
    personal = Personaliser(lambda: history)
    scores = personal.scores("ME@example.com", [b, z, "P-never-bought"])  # e-mails match case-insensitively
    assert scores[b] > scores[z] and "P-never-bought" not in scores
    assert personal.history("me@example.com") == [a]
    assert personal.scores("stranger@example.com", [b, z]) == {} and personal.scores(None, [b]) == {}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    from tests.conftest import HashingEmbedder

    embedder = HashingEmbedder(dim=256)
    idx = ChromaIndex("catalog_personal", path=tmp_path_factory.mktemp("catalog"))
    index_catalog(CATALOG, idx, embedder)
    return idx, embedder


def test_a_known_customer_gets_what_similar_customers_bought_first(index):
    idx, embedder = index
    anonymous = RecommendationService(CATALOG, idx, embedder)
    prefs = parse_preferences("hiking boots", BRANDS, COLOURS)
    plain = [r.product_id for r in anonymous.recommend(prefs, k=5).items]
    owned = plain[0]  # the customer already has the top match
    liked = next(p for p in BOOTS if p not in plain)  # what customers like them bought next
    history = bought("me", owned) + [x for n in range(5) for x in bought(f"c{n}", owned, liked)]
    service = RecommendationService(CATALOG, idx, embedder, personaliser=Personaliser(lambda: history))
    mine = service.recommend(prefs, k=5, customer="me@example.com").items
    ids = [r.product_id for r in mine]
    assert ids[0] == liked and mine[0].personalised > 0
    assert ids.index(owned) == len(ids) - 1 if owned in ids else True  # what they own goes last
    assert [r.product_id for r in service.recommend(prefs, k=5).items] == plain  # anonymous: unchanged


def test_personalisation_never_breaks_a_constraint(index):
    idx, embedder = index
    cheap = [p["id"] for p in CATALOG if p["category"] == "hiking-boots" and p["price"] > 150]
    history = bought("me", cheap[0]) + [x for n in range(5) for x in bought(f"c{n}", cheap[0], cheap[1])]
    service = RecommendationService(CATALOG, idx, embedder, personaliser=Personaliser(lambda: history))
    recs = service.recommend(parse_preferences("hiking boots under $120", BRANDS, COLOURS), customer="me@example.com")
    assert recs.items and not recs.alternatives and all(r.price <= 120 for r in recs.items)


def test_a_store_outage_means_no_personalisation_not_a_failure(index):
    idx, embedder = index

    def down():
        raise ConnectionError("store is down")

    service = RecommendationService(CATALOG, idx, embedder, personaliser=Personaliser(down))
    recs = service.recommend(parse_preferences("hiking boots", BRANDS, COLOURS), customer="me@example.com")
    assert recs.items and all(r.personalised == 0 for r in recs.items)


def test_purchases_from_the_store_skip_cancelled_and_refunded_orders(store_url, demo_orders):
    from bot.store.repository import SqlStore

    rows = SqlStore.from_url(store_url).purchases()
    kept = [o for o in demo_orders if o["status"] not in ("cancelled", "refunded")]
    assert len(rows) == sum(len(o["items"]) for o in kept)
    assert rows == sorted(rows, key=lambda p: p.placed_at)
    assert {r.email for r in rows} == {o["email"].lower() for o in kept}
