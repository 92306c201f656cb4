import time

import pytest
from rasa_sdk import Tracker

from actions.escalation import ActionEscalate, ActionSaveHandoffContact
from tests.actions.conftest import run


def user(text, intent="inform", intensity=0.0, at=1.0):
    return {"event": "user", "text": text, "timestamp": at, "input_channel": "socketio",
            "parse_data": {"intent": {"name": intent, "confidence": 0.95}, "sentiment": {"intensity": intensity}}}


def tracker(events, active_loop=None, slots=None, sender="t"):
    latest = {**events[-1]["parse_data"], "text": events[-1]["text"]}
    return Tracker(sender_id=sender, slots=dict(slots or {}), latest_message=latest, events=events,
                   paused=False, followup_action=None, active_loop={"name": active_loop} if active_loop else {},
                   latest_action_name="action_listen")


@pytest.fixture
def services(tmp_path):
    """Services with their own handoff database, migrated, and nobody online."""
    from pathlib import Path

    from bot.services import Services
    from bot.settings import Settings

    s = Services(Settings.from_env(env={"CONCIERGE_DATA_DIR": str(tmp_path), "LLM_BACKEND": "none"},
                                   env_file=Path("/nonexistent")))
    s.handoff_store.migrate()
    return s


def agent_online(services, name="ann"):
    store = services.handoff_store
    agent = store.create_agent(name, name.title(), "x", "agent", time.time())
    store.update_agent(agent.id, last_seen_at=time.time())
    store.create_session(f"token-of-{name}", agent.id, time.time(), time.time() + 3600)
    return agent


def responses(dispatcher):
    return [m["response"] for m in dispatcher.messages]


def slot(events, name):
    return next(e["value"] for e in events if e["event"] == "slot" and e["name"] == name)


ANGRY = [user("my parcel is late", intent="complain", intensity=-0.6),
         user("still nothing, this is a joke!!", intent="complain", intensity=-0.7, at=2.0)]


def test_name_mirrors_rasa():
    assert ActionEscalate().name() == "action_escalate"
    assert ActionSaveHandoffContact().name() == "action_save_handoff_contact"


def test_nobody_online_opens_a_ticket_and_asks_for_an_email(services):
    dispatcher, out = run(ActionEscalate(services), tracker(ANGRY, active_loop="order_status_form"))
    assert responses(dispatcher) == ["utter_escalate", "utter_handoff_offline_ask_email"]
    assert slot(out, "escalation")["reason"] == "frustration"
    assert {"exclamations", "repeated_request"} <= set(slot(out, "escalation")["signals"])
    assert slot(out, "handoff_awaiting_email") is True
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in out]
    assert not any(e["event"] == "pause" for e in out)  # the assistant keeps helping meanwhile
    ticket = services.handoff_store.handoff(slot(out, "handoff_ticket"))
    assert ticket.mode == "offline" and ticket.reason == "frustration" and ticket.conversation_id == "t"
    assert [m["text"] for m in ticket.transcript] == ["my parcel is late", "still nothing, this is a joke!!"]
    assert dispatcher.messages[1]["ticket"] == ticket.id


def test_a_known_email_is_used_for_the_offline_ticket(services):
    dispatcher, out = run(ActionEscalate(services), tracker(ANGRY, slots={"email": "jo@example.com"}))
    assert responses(dispatcher) == ["utter_escalate", "utter_handoff_offline"]
    assert dispatcher.messages[1]["email"] == "jo@example.com"
    assert services.handoff_store.handoff(slot(out, "handoff_ticket")).customer_email == "jo@example.com"


def test_with_an_agent_online_the_assistant_pauses_for_the_person(services):
    agent_online(services)
    dispatcher, out = run(ActionEscalate(services), tracker([user("agent", intent="request_human")]))
    assert responses(dispatcher) == ["utter_request_human", "utter_handoff_joining"]
    assert slot(out, "escalation")["reason"] == "explicit_request"
    assert out[-1] == {"event": "pause", "timestamp": None}
    assert services.handoff_store.handoff(slot(out, "handoff_ticket")).mode == "live"


def test_when_every_agent_is_busy_the_customer_hears_the_queue_and_wait(services):
    agent_online(services)
    run(ActionEscalate(services), tracker([user("agent", intent="request_human")], sender="first"))
    dispatcher, _ = run(ActionEscalate(services), tracker([user("agent", intent="request_human")], sender="second"))
    assert responses(dispatcher) == ["utter_request_human", "utter_handoff_waiting"]
    assert dispatcher.messages[1]["position"] == 2 and dispatcher.messages[1]["wait_minutes"] == 4


def test_escalating_again_keeps_the_one_open_ticket(services):
    _, first = run(ActionEscalate(services), tracker(ANGRY))
    _, second = run(ActionEscalate(services), tracker(ANGRY + [user("agent", intent="request_human", at=3.0)]))
    assert slot(first, "handoff_ticket") == slot(second, "handoff_ticket")


def test_a_problem_with_a_high_value_order_names_that_reason(services):
    t = tracker([user("the tent in my order is missing its poles", intent="complain", intensity=-0.5)])
    t.slots["order_total"] = 589.99
    _, out = run(ActionEscalate(services), t)
    assert slot(out, "escalation")["reason"] == "high_value_order"
    assert slot(out, "escalation")["signals"]["order_value"] == 589.99


def test_when_the_ticket_store_is_down_the_customer_still_gets_a_way_to_reach_us(services, monkeypatch):
    def broken(*a, **kw):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(services.handoff, "open", broken)
    dispatcher, out = run(ActionEscalate(services), tracker(ANGRY))
    assert responses(dispatcher) == ["utter_escalate", "utter_handoff_unavailable"]
    assert slot(out, "escalation")["reason"] == "frustration"


def test_the_email_for_an_offline_ticket_is_saved(services):
    _, out = run(ActionEscalate(services), tracker(ANGRY))
    ticket = slot(out, "handoff_ticket")
    bad = tracker([user("not sure")], slots={"handoff_ticket": ticket, "handoff_awaiting_email": True})
    dispatcher, events = run(ActionSaveHandoffContact(services), bad)
    assert responses(dispatcher) == ["utter_invalid_email"] and events == []
    good = tracker([user("sam@example.com")], slots={"handoff_ticket": ticket, "handoff_awaiting_email": True})
    dispatcher, events = run(ActionSaveHandoffContact(services), good)
    assert responses(dispatcher) == ["utter_handoff_contact_saved"]
    assert slot(events, "handoff_awaiting_email") is None
    assert services.handoff_store.handoff(ticket).customer_email == "sam@example.com"
