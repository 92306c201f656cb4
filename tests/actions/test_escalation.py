from rasa_sdk import Tracker

from actions.escalation import ActionEscalate
from tests.actions.conftest import run


def user(text, intent="inform", intensity=0.0):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.95},
                                                         "sentiment": {"intensity": intensity}}}


def tracker(events, active_loop=None):
    return Tracker(sender_id="t", slots={}, latest_message=events[-1]["parse_data"], events=events, paused=False,
                   followup_action=None, active_loop={"name": active_loop} if active_loop else {},
                   latest_action_name="action_listen")


def test_name_mirrors_rasa():
    assert ActionEscalate().name() == "action_escalate"


def test_frustration_gets_an_apology_and_the_reason_travels_in_a_slot(kb_services):
    events = [user("my parcel is late", intensity=-0.6), user("still nothing, this is a joke!!", intensity=-0.7)]
    dispatcher, out = run(ActionEscalate(kb_services), tracker(events, active_loop="order_status_form"))
    assert [m["response"] for m in dispatcher.messages] == ["utter_escalate"]
    slot = next(e for e in out if e["event"] == "slot")
    assert slot["name"] == "escalation" and slot["value"]["reason"] == "frustration"
    assert {"exclamations", "repeated_request"} <= set(slot["value"]["signals"])
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in out]


def test_an_explicit_request_gets_the_team_contact(kb_services):
    dispatcher, out = run(ActionEscalate(kb_services), tracker([user("agent", intent="request_human")]))
    assert [m["response"] for m in dispatcher.messages] == ["utter_request_human"]
    assert out[0]["value"]["reason"] == "explicit_request"


def test_a_problem_with_a_high_value_order_names_that_reason(kb_services):
    events = [user("the tent in my order is missing its poles", intensity=-0.5)]
    t = tracker(events)
    t.slots["order_total"] = 589.99
    _, out = run(ActionEscalate(kb_services), t)
    assert out[0]["value"]["reason"] == "high_value_order" and out[0]["value"]["signals"]["order_value"] == 589.99
