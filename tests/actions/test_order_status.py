import asyncio
from pathlib import Path

import pytest
from rasa_sdk.events import SlotSet

from actions.order_status import ActionCheckOrderStatus, ValidateOrderStatusForm
from bot.services import Services
from bot.settings import Settings
from tests.actions.conftest import make_tracker, run


@pytest.fixture(scope="module")
def services(store_url):
    return Services(Settings.from_env(env={"STORE_DB_URL": store_url}, env_file=Path("/nonexistent")))


def test_names_mirror_rasa():
    assert ActionCheckOrderStatus().name() == "action_check_order_status"
    assert ValidateOrderStatusForm().name() == "validate_order_status_form"


def test_shows_the_order_for_the_right_email(services, demo_orders):
    order = next(o for o in demo_orders if o["status"] == "shipped")
    tracker = make_tracker(slots={"order_id": order["id"], "email": order["email"].upper()})
    dispatcher, events = run(ActionCheckOrderStatus(services), tracker)
    [message] = dispatcher.messages
    assert message["response"] == "utter_order_status_shipped"
    assert message["order_id"] == order["id"]
    assert message["tracking_number"] == order["tracking_number"]
    assert message["carrier"] == order["carrier"]
    assert order["items"][0]["title"] in message["items"]
    assert events == [SlotSet("order_id", None), SlotSet("order_total", order["total"])]


def test_refuses_the_wrong_email(services, demo_orders):
    order = demo_orders[0]
    tracker = make_tracker(slots={"order_id": order["id"], "email": "someone.else@example.com"})
    dispatcher, events = run(ActionCheckOrderStatus(services), tracker)
    assert [m["response"] for m in dispatcher.messages] == ["utter_order_not_found"]
    assert "tracking_number" not in dispatcher.messages[0]
    # the order number stays: a corrected e-mail address alone runs the look-up again
    assert events == [SlotSet("email", None)]


def test_unknown_order(services):
    tracker = make_tracker(slots={"order_id": "19999", "email": "a@example.com"})
    dispatcher, _ = run(ActionCheckOrderStatus(services), tracker)
    assert dispatcher.messages[0]["response"] == "utter_order_not_found"
    assert dispatcher.messages[0]["order_id"] == "19999"


def test_form_validation_normalises_and_rejects(services, domain):
    form = ValidateOrderStatusForm(services)
    tracker = make_tracker(text="it's #10004", active_loop="order_status_form")
    from rasa_sdk.executor import CollectingDispatcher

    d = CollectingDispatcher()
    assert form.validate_order_id("it's #10004", d, tracker, domain) == {"order_id": "10004"}
    assert d.messages == []
    assert form.validate_order_id("I don't remember", d, tracker, domain) == {"order_id": None}
    assert form.validate_email("Ann@Example.com", d, tracker, domain) == {"email": "ann@example.com"}
    assert form.validate_email("ann@", d, tracker, domain) == {"email": None}
    assert [m["response"] for m in d.messages] == ["utter_invalid_order_id", "utter_invalid_email"]


def test_form_validation_runs_through_rasa_sdk(services, domain):
    """The whole FormValidationAction.run path, as the action server executes it."""
    tracker = make_tracker(text="bob@", slots={"order_id": "10004", "email": "bob@"},
                           active_loop="order_status_form")
    tracker.events.append({"event": "slot", "name": "email", "value": "bob@"})
    from rasa_sdk.executor import CollectingDispatcher

    d = CollectingDispatcher()
    events = asyncio.run(ValidateOrderStatusForm(services).run(d, tracker, domain))
    assert SlotSet("email", None) in events
    assert d.messages[0]["response"] == "utter_invalid_email"
