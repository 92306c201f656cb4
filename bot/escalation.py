"""When to hand a conversation to a person: one deterministic, explainable decision per user turn.

Pure Python with no dependencies beyond the standard library: the Rasa server's escalation policy
and the action server both import it. Thresholds live in `escalation.yml`, read with
`EscalationConfig.from_dict`.

Triggers, in order: an explicit request for a person; a sensitive topic (fraud, account taken over,
chargeback, legal threat, safety); the assistant failing repeatedly; a problem with a high-value
order; conversation-level frustration over the threshold. Frustration combines the trend of the
last turns' sentiment with signals (negative intensity, repeating the same request, capitals,
exclamation runs, threats to leave or charge back, profanity). One negative message with no other
sign ("the blue one looks ugly", "too bad it's sold out") never counts as frustration on its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path

WORD_RE = re.compile(r"[a-z0-9']+")

@dataclass(frozen=True)
class EscalationConfig:
    """Every threshold, weight and pattern of the decision; all of them come from `escalation.yml`."""

    frustration_threshold: float
    failure_limit: int  # the assistant failed this many times ...
    failure_window: int  # ... within this many recent turns
    high_value_order: float  # an order worth at least this much, with a problem
    problem_sentiment: float  # a turn at or below this sentiment is "a problem"
    trend_turns: int  # earlier turns whose negativity counts as persistence
    negative_floor: float  # a message less negative than this (0..1) counts as not negative at all
    weight_negative: float  # x negativity of the last turn
    weight_persistence: float  # x mean negativity of the earlier trend turns
    weight_caps: float
    weight_exclamations: float
    weight_threat: float
    weight_profanity: float
    weight_repetition: float
    weight_waiting: float
    repetition_similarity: float  # word overlap with an earlier message that counts as asking again
    cooldown_turns: int  # after a handoff ends, only an explicit request or a sensitive topic escalates for this long
    neutral_intents: tuple[str, ...]  # messages of these intents (an order number, an e-mail address) carry no mood
    human_intents: tuple[str, ...]
    human_intent_confidence: float
    human_patterns: tuple[str, ...]
    threat_patterns: tuple[str, ...]
    again_patterns: tuple[str, ...]  # "third time I'm asking", "still no refund"
    waiting_patterns: tuple[str, ...]  # "it's been two weeks"
    profanity: tuple[str, ...]
    sensitive: dict[str, tuple[str, ...]]
    failure_markers: tuple[str, ...]  # actions, responses or intents that mean the assistant failed
    handoff_action: str  # the action that hands over; counts as "a handoff" for the cooldown

    @classmethod
    def load(cls, path: Path) -> "EscalationConfig":
        """Read `escalation.yml` (PyYAML is in both environments)."""
        import yaml

        return cls.from_dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, values: dict | None) -> "EscalationConfig":
        """From parsed YAML. Unknown or missing keys are an error: a typo never goes unnoticed."""
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown, missing = sorted(set(values) - known), sorted(known - set(values))
        if unknown or missing:
            raise ValueError(f"escalation settings: unknown {unknown or 'none'}, missing {missing or 'none'}")
        for key in ("human_intents", "neutral_intents", "human_patterns", "threat_patterns", "again_patterns",
                    "waiting_patterns", "profanity", "failure_markers"):
            if key in values:
                values[key] = tuple(values[key])
        if "sensitive" in values:
            values["sensitive"] = {k: tuple(v) for k, v in values["sensitive"].items()}
        return cls(**values)


@dataclass(frozen=True)
class Turn:
    """One user message with what the decision needs to know about it."""

    text: str
    sentiment: float = 0.0  # -1 (very negative) .. 1 (very positive)
    intent: str | None = None
    intent_confidence: float = 1.0
    bot_failed: bool = False  # the assistant's reply to it was a fallback or "I don't know"


@dataclass(frozen=True)
class Decision:
    escalate: bool
    reason: str | None  # explicit_request | sensitive_topic | repeated_failure | high_value_order | frustration
    frustration: float
    signals: dict = field(default_factory=dict)  # what fired, travels with the handoff

    def explain(self) -> str:
        fired = ", ".join(f"{k}={v}" for k, v in self.signals.items())
        return f"{self.reason or 'no escalation'} (frustration {self.frustration:.2f}; {fired})"


def _words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def caps_ratio(text: str) -> float:
    """Share of words of 3+ letters written in capitals ("WHERE IS MY ORDER" -> 1.0)."""
    words = [w for w in re.findall(r"[A-Za-z]{3,}", text)]
    return sum(w.isupper() for w in words) / len(words) if len(words) >= 2 else 0.0


def exclamation_run(text: str) -> bool:
    """"!!", "?!", "!!!": a run of two or more marks with an exclamation mark in it."""
    return any("!" in run for run in re.findall(r"[!?]{2,}", text))


def _any(patterns, text: str) -> str | None:
    for p in patterns:
        if re.search(p, text, re.I):
            return p
    return None


def sensitive_topic(text: str, cfg: EscalationConfig) -> str | None:
    for topic, patterns in cfg.sensitive.items():
        if _any(patterns, text):
            return topic
    return None


def profane(text: str, cfg: EscalationConfig) -> bool:
    low = text.lower()
    return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", low) for w in cfg.profanity)


def repeats_earlier(text: str, earlier: list[str], cfg: EscalationConfig) -> bool:
    """Asking the same thing again: high word overlap (Jaccard) with an earlier message of 3+ words."""
    now = set(_words(text))
    if len(now) < 3:
        return False
    for old in earlier:
        before = set(_words(old))
        if len(before) >= 3 and len(now & before) / len(now | before) >= cfg.repetition_similarity:
            return True
    return False


def frustration(turns: list[Turn], cfg: EscalationConfig) -> tuple[float, dict]:
    """0..1 for the conversation so far, and the signals behind it (of the last turn unless said).

    negativity of the last turn, persistence (mean negativity of the turns before it in the trend
    window), plus a fixed amount for each signal of the last turn."""
    last, earlier = turns[-1], turns[-1 - cfg.trend_turns:-1]

    def negativity(t: Turn) -> float:
        return -t.sentiment if -t.sentiment >= cfg.negative_floor else 0.0

    negative = negativity(last)
    persistence = sum(negativity(t) for t in earlier) / len(earlier) if earlier else 0.0
    score = cfg.weight_negative * negative + cfg.weight_persistence * persistence
    signals: dict = {}
    if negative > 0:
        signals["negative"] = round(negative, 2)
    if persistence > 0:
        signals["persistent_negative"] = round(persistence, 2)
    checks = (("capitals", cfg.weight_caps, caps_ratio(last.text) >= 0.6),
              ("exclamations", cfg.weight_exclamations, exclamation_run(last.text)),
              ("threat_to_leave", cfg.weight_threat, bool(_any(cfg.threat_patterns, last.text))),
              ("profanity", cfg.weight_profanity, profane(last.text, cfg)),
              ("repeated_request", cfg.weight_repetition, bool(_any(cfg.again_patterns, last.text)) or (
                  last.sentiment < 0 and repeats_earlier(last.text, [t.text for t in turns[:-1]], cfg))),
              ("long_wait", cfg.weight_waiting, bool(_any(cfg.waiting_patterns, last.text))))
    for name, weight, fired in checks:
        if fired:
            score += weight
            signals[name] = True
    return min(1.0, round(score, 4)), signals


def decide(turns: list[Turn], cfg: EscalationConfig, order_value: float | None = None,
           turns_since_handoff: int | None = None) -> Decision:
    """Whether to escalate after the last of `turns` (the user messages so far, oldest first).

    `order_value`: the total of the order being discussed, if one was looked up. `turns_since_handoff`:
    user turns since a person last handed the conversation back (None: never)."""
    if not turns:
        return Decision(False, None, 0.0)
    last = turns[-1]
    score, signals = frustration(turns, cfg)
    if (last.intent in cfg.human_intents and last.intent_confidence >= cfg.human_intent_confidence) or \
            _any(cfg.human_patterns, last.text):
        return Decision(True, "explicit_request", score, {**signals, "asked_for_a_person": True})
    topic = sensitive_topic(last.text, cfg)
    if topic:
        return Decision(True, "sensitive_topic", score, {**signals, "topic": topic})
    cooling = turns_since_handoff is not None and turns_since_handoff < cfg.cooldown_turns
    failures = sum(t.bot_failed for t in turns[-cfg.failure_window:])
    if failures >= cfg.failure_limit and not cooling:
        return Decision(True, "repeated_failure", score, {**signals, "assistant_failures": failures})
    problem = last.sentiment <= cfg.problem_sentiment or last.intent in ("complain",)
    if order_value is not None and order_value >= cfg.high_value_order and problem and not cooling:
        return Decision(True, "high_value_order", score, {**signals, "order_value": order_value})
    # one negative message and nothing else ("too bad it's sold out") is not frustration yet: it takes a
    # negative turn before it, or a sign such as capitals, a threat or asking again
    # ("WOW these boots are AMAZING" has capitals but nothing negative: not frustration either)
    evidence = set(signals) - {"negative"}
    negative = "negative" in signals or "persistent_negative" in signals
    if score >= cfg.frustration_threshold and evidence and negative and not cooling:
        return Decision(True, "frustration", score, signals)
    if cooling:
        signals = {**signals, "cooling_down": True}
    return Decision(False, None, score, signals)


def turns_from_events(events: list[dict], cfg: EscalationConfig) -> tuple[list[Turn], int | None]:
    """The user turns of a Rasa tracker's events (as dicts, the same in Rasa and rasa-sdk), and how many
    user turns ago the conversation was last handed over or resumed (None: never).

    A user message's `parse_data.sentiment.intensity` is written by the Rasa-side sentiment component;
    the assistant failed on a turn when what followed it (until the next user message) includes one of
    `failure_markers`, as an action name or a response name, or when its intent is one."""
    turns: list[dict] = []
    since: int | None = None
    for e in events:
        kind = e.get("event")
        if kind == "user":
            parse = e.get("parse_data") or {}
            intent = parse.get("intent") or {}
            sentiment = parse.get("sentiment") or {}
            neutral = intent.get("name") in cfg.neutral_intents  # "wrong.person@example.com" is not an emotion
            turns.append({"text": e.get("text") or "",
                          "sentiment": 0.0 if neutral else float(sentiment.get("intensity", 0.0) or 0.0),
                          "intent": intent.get("name"), "intent_confidence": float(intent.get("confidence") or 0.0),
                          "bot_failed": intent.get("name") in cfg.failure_markers})
            since = None if since is None else since + 1
        elif kind == "action" and e.get("name") == cfg.handoff_action or kind == "resume":
            since = 0
        if turns and (kind == "action" and e.get("name") in cfg.failure_markers or
                      kind == "bot" and (e.get("metadata") or {}).get("utter_action") in cfg.failure_markers):
            turns[-1]["bot_failed"] = True
    return [Turn(**t) for t in turns], since
