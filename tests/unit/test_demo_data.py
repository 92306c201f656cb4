import json
from collections import Counter

from bot.store.demo_data import generate
from tests.conftest import KNOWLEDGE


def _committed():
    return {
        "products": json.loads((KNOWLEDGE / "catalog" / "products.json").read_text(encoding="utf-8")),
        "customers": json.loads((KNOWLEDGE / "store" / "customers.json").read_text(encoding="utf-8")),
        "orders": json.loads((KNOWLEDGE / "store" / "orders.json").read_text(encoding="utf-8")),
    }


def test_generator_reproduces_the_committed_store():
    assert generate(seed=7) == _committed()


def test_catalog_size_and_fields():
    products = _committed()["products"]
    assert len(products) >= 300
    assert len({p["category"] for p in products}) >= 10
    assert len({p["id"] for p in products}) == len(products)
    required = {"id", "title", "brand", "category", "price", "currency", "sizes", "colours", "stock", "rating",
                "review_count", "description", "tags", "image_url"}
    for p in products:
        assert required <= p.keys()
        assert p["price"] > 0 and 0 <= p["rating"] <= 5
        assert set(p["stock"]) == {f"{c}/{s}" for c in p["colours"] for s in p["sizes"]}


def test_orders_cover_every_status_and_are_consistent():
    data = _committed()
    orders, customers = data["orders"], {c["id"]: c for c in data["customers"]}
    products = {p["id"] for p in data["products"]}
    assert len(orders) >= 200
    statuses = Counter(o["status"] for o in orders)
    assert set(statuses) == {"processing", "shipped", "out_for_delivery", "delivered", "return_requested",
                             "refunded", "cancelled"}
    for o in orders:
        assert o["email"] == customers[o["customer_id"]]["email"]
        assert all(it["product_id"] in products for it in o["items"])
        if o["status"] in ("shipped", "out_for_delivery", "delivered"):
            assert o["carrier"] and o["tracking_number"]
        assert o["events"][0]["type"] == "placed"


def test_purchase_histories_support_collaborative_filtering():
    orders = _committed()["orders"]
    per_customer = Counter(o["customer_id"] for o in orders)
    assert sum(1 for n in per_customer.values() if n >= 2) >= 50


def test_every_product_image_is_served_by_the_web_app():
    from tests.conftest import ROOT

    static = ROOT / "bot" / "web" / "static"
    for p in _committed()["products"]:
        assert p["image_url"].startswith("/static/")
        assert (static / p["image_url"].removeprefix("/static/")).is_file(), p["image_url"]
