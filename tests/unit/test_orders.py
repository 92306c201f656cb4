import pytest

from bot.orders.service import OrderService, describe_order, normalize_email, normalize_order_id
from bot.store.models import Order, OrderEvent, OrderItem


@pytest.mark.parametrize("text,expected", [
    ("10234", "10234"), ("#10234", "10234"), ("my order is # 10234, thanks", "10234"), ("order 10234.", "10234"),
    ("", None), (None, None), ("abc", None), ("1234", None), ("123456", None), ("20234", None),
    ("10234 or 10235", None), ("9" * 20000, None),
])
def test_normalize_order_id(text, expected):
    assert normalize_order_id(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Jo.Smith@Example.COM", "jo.smith@example.com"), ("it's a+b@x.co.uk thanks", "a+b@x.co.uk"),
    ("bob@", None), ("not an email", None), ("a@b", None), ("", None), ("x@y.com and z@w.com", None),
])
def test_normalize_email(text, expected):
    assert normalize_email(text) == expected


ORDER = Order(id="10001", customer_id="C1", email="ann@example.com", status="shipped",
              placed_at="2026-11-18T10:00", total=99.5, currency="USD", carrier="UPS",
              tracking_number="1ZABC", expected_delivery="2026-11-23",
              items=(OrderItem("P1", "Trail Tee", 2, "M", "blue", 20.0),
                     OrderItem("P2", "Camp Kettle", 1, "one size", "steel", 59.5)),
              events=(OrderEvent("placed", "2026-11-18T10:00"), OrderEvent("shipped", "2026-11-18T15:00")))


class FakeStore:
    def __init__(self, *orders):
        self.orders = {o.id: o for o in orders}

    def get_order(self, order_id):
        return self.orders.get(order_id)


def test_lookup_shows_the_order_to_its_own_email():
    result = OrderService(FakeStore(ORDER)).lookup("#10001", "ANN@example.com")
    assert result.found
    assert result.order.response == "utter_order_status_shipped"
    v = result.order.template_vars
    assert v["carrier"] == "UPS" and v["tracking_number"] == "1ZABC"
    assert v["expected_delivery"] == "Monday, November 23, 2026"
    assert v["items"] == "2 × Trail Tee (blue, M); 1 × Camp Kettle (steel)"


def test_wrong_email_and_unknown_order_get_the_same_refusal():
    service = OrderService(FakeStore(ORDER))
    wrong = service.lookup("10001", "eve@example.com")
    unknown = service.lookup("19999", "ann@example.com")
    assert wrong == unknown
    assert not wrong.found and wrong.order is None


@pytest.mark.parametrize("order_id,email", [(None, "ann@example.com"), ("10001", None), ("x", "y")])
def test_missing_or_malformed_input_is_not_found(order_id, email):
    assert not OrderService(FakeStore(ORDER)).lookup(order_id, email).found


def test_every_status_of_the_demo_store_has_a_response(store_url, demo_orders):
    import yaml

    from bot.store.repository import SqlStore
    from tests.conftest import ROOT

    responses = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
    store = SqlStore.from_url(store_url)
    for status in {o["status"] for o in demo_orders}:
        sample = next(o for o in demo_orders if o["status"] == status)
        described = describe_order(store.get_order(sample["id"]))
        template = responses[described.response][0]["text"]
        template.format(**described.template_vars)  # every placeholder has a value
        assert "not yet known" not in template.format(**described.template_vars), status
