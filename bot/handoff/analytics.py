"""Handoff analytics (pure): how many per day, why, how fast an agent first answered, how fast tickets
were resolved, and satisfaction where customers gave it."""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from bot.handoff.store import Handoff


@dataclass(frozen=True)
class HandoffStats:
    days: list[dict]  # [{day: "2026-11-24", handoffs: n}] every day of the window, oldest first
    reasons: dict[str, int]
    dispositions: dict[str, int]
    first_reply_minutes_median: float | None
    resolve_minutes_median: float | None
    resolved: int
    open: int
    csat_responses: int
    csat_mean: float | None  # 1..5, None until customers rate conversations


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d")


def _median_minutes(values: list[float]) -> float | None:
    return round(statistics.median(values) / 60, 1) if values else None


def handoff_stats(handoffs: list[Handoff], now: float, days: int, ratings: list[int] | None = None) -> HandoffStats:
    """Statistics of the handoffs created in the `days` days up to `now` (UTC days)."""
    start = now - days * 86400
    window = [h for h in handoffs if h.created_at >= start]
    per_day = Counter(_day(h.created_at) for h in window)
    day_list = [_day(now - (days - 1 - i) * 86400) for i in range(days)]
    ratings = ratings or []
    return HandoffStats(
        days=[{"day": d, "handoffs": per_day.get(d, 0)} for d in day_list],
        reasons=dict(Counter(h.reason for h in window).most_common()),
        dispositions=dict(Counter(h.disposition for h in window if h.disposition).most_common()),
        first_reply_minutes_median=_median_minutes([h.first_reply_at - h.created_at for h in window
                                                    if h.first_reply_at]),
        resolve_minutes_median=_median_minutes([h.resolved_at - h.created_at for h in window if h.resolved_at]),
        resolved=sum(h.status == "resolved" for h in window), open=sum(h.status != "resolved" for h in window),
        csat_responses=len(ratings), csat_mean=round(statistics.mean(ratings), 2) if ratings else None)
