"""Handoff analytics: a pure function of the tickets."""
from dataclasses import replace

from bot.handoff.analytics import handoff_stats
from bot.handoff.store import Handoff

DAY = 86400.0
NOW = 1_800_000_000.0  # 2027-01-15 08:00 UTC
BASE = Handoff(id=1, conversation_id="c", channel="socketio", status="resolved", mode="live", reason="frustration",
               signals={}, frustration=0.5, summary={}, transcript=[], sentiment=[], sources=[], customer_email=None,
               agent_id=1, created_at=NOW - 3600, claimed_at=None, first_reply_at=None, resolved_at=None,
               disposition=None, tags=None, note=None, feed_cursor=0.0)


def test_per_day_reasons_and_times():
    tickets = [
        replace(BASE, id=1, first_reply_at=NOW - 3600 + 120, resolved_at=NOW - 3600 + 600, disposition="solved"),
        replace(BASE, id=2, reason="explicit_request", first_reply_at=NOW - 3600 + 360, resolved_at=NOW - 1800,
                disposition="solved"),
        replace(BASE, id=3, status="waiting", created_at=NOW - 2 * DAY),
        replace(BASE, id=4, created_at=NOW - 40 * DAY),  # outside the window
    ]
    s = handoff_stats(tickets, NOW, days=7)
    assert len(s.days) == 7 and s.days[-1] == {"day": "2027-01-15", "handoffs": 2}
    assert s.days[-3] == {"day": "2027-01-13", "handoffs": 1} and sum(d["handoffs"] for d in s.days) == 3
    assert s.reasons == {"frustration": 2, "explicit_request": 1}
    assert s.dispositions == {"solved": 2}
    assert s.first_reply_minutes_median == 4.0  # 2 and 6 minutes
    assert s.resolve_minutes_median == 20.0  # 10 and 30 minutes
    assert (s.resolved, s.open) == (2, 1)
    assert (s.csat_responses, s.csat_mean) == (0, None)
    assert handoff_stats(tickets, NOW, days=7, ratings=[5, 4, 2]).csat_mean == 3.67


def test_an_empty_window():
    s = handoff_stats([], NOW, days=3)
    assert [d["handoffs"] for d in s.days] == [0, 0, 0] and s.first_reply_minutes_median is None
