"""What a handoff ticket holds, built from the conversation's events (pure functions, no I/O):
the transcript, a short summary, the sentiment timeline, the knowledge sources used, the channel."""
from __future__ import annotations

import re
from dataclasses import dataclass

# what the assistant did, by action or response name, as an agent reads it
TRIED = {
    "action_check_order_status": "looked up the order",
    "utter_order_not_found": "could not find the order with the number and e-mail given",
    "action_answer_question": "answered from the help pages",
    "utter_knowledge_not_found": "found no answer in the help pages",
    "utter_knowledge_unavailable": "could not reach the help pages",
    "action_recommend_products": "recommended products",
    "action_answer_product_question": "answered a product question",
    "utter_product_detail_unknown": "could not answer a product question from the product data",
    "utter_default": "did not understand a message",
    "action_default_fallback": "did not understand a message",
    "utter_complain": "apologised and offered help",
}
# what the customer asked for, by intent
WANTS = {
    "check_order_status": "order status",
    "start_return": "a return",
    "cancel_order": "cancel an order",
    "ask_store_info": "a store policy question",
    "recommend_products": "product recommendations",
    "refine_recommendation": "product recommendations",
    "product_question": "a product question",
    "complain": "to complain",
    "request_human": "a person",
}
ORDER_NUMBER = re.compile(r"(?<!\d)\d{5}(?!\d)")


@dataclass(frozen=True)
class TicketContent:
    transcript: list[dict]  # [{at, sender: customer|assistant, text, intent?, sentiment?}]
    summary: dict  # {text, wants, tried, order_numbers, products, first_message, last_message}
    sentiment: list[dict]  # [{at, text, score}] one point per customer message
    sources: list[dict]  # [{title, section, url}] the help pages the assistant cited
    channel: str
    last_event_at: float = 0.0  # timestamp of the newest event the ticket holds


def _unique(items):
    seen, out = set(), []
    for item in items:
        key = repr(item)
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def build_ticket(events: list[dict], slots: dict | None = None) -> TicketContent:
    """The ticket's content from a Rasa tracker's events (dicts) and slots."""
    slots = slots or {}
    transcript, timeline, sources, products, tried, wants, orders = [], [], [], [], [], [], []
    channel, last_at = "unknown", 0.0
    for e in events:
        kind, at = e.get("event"), float(e.get("timestamp") or 0.0)
        last_at = max(last_at, at)
        if kind == "user":
            text = e.get("text") or ""
            parse = e.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            score = (parse.get("sentiment") or {}).get("intensity")
            channel = e.get("input_channel") or channel
            transcript.append({"at": at, "sender": "customer", "text": text, "intent": intent, "sentiment": score})
            if score is not None:
                timeline.append({"at": at, "text": text[:120], "score": float(score)})
            if intent in WANTS:
                wants.append(WANTS[intent])
            orders += [str(x.get("value")) for x in parse.get("entities") or [] if x.get("entity") == "order_id"]
            orders += ORDER_NUMBER.findall(text)
        elif kind == "bot":
            data = e.get("data") or {}
            custom = data.get("custom") or {}
            if e.get("text"):
                transcript.append({"at": at, "sender": "assistant", "text": e["text"]})
            sources += [{"title": s.get("title"), "section": s.get("section"), "url": s.get("url")}
                        for s in custom.get("sources") or []]
            products += [item.get("title") for item in custom.get("items") or []]
            utter = (e.get("metadata") or {}).get("utter_action")
            if utter in TRIED:
                tried.append(TRIED[utter])
        elif kind == "action" and e.get("name") in TRIED:
            tried.append(TRIED[e["name"]])
    if slots.get("order_id"):
        orders.insert(0, str(slots["order_id"]))
    orders, wants, products, tried = _unique(orders), _unique(wants), _unique(products), _unique(tried)
    customer = [t["text"] for t in transcript if t["sender"] == "customer" and not t["text"].startswith("/")]
    summary = {"wants": wants, "tried": tried, "order_numbers": orders, "products": products,
               "first_message": customer[0] if customer else "", "last_message": customer[-1] if customer else ""}
    summary["text"] = summary_text(summary)
    return TicketContent(transcript, summary, timeline, _unique(sources), channel, last_at)


def summary_text(summary: dict) -> str:
    """Two or three sentences an agent reads first."""
    parts = [f"The customer wants {', '.join(summary['wants']) or 'help'}"
             + (f" (order {', '.join(summary['order_numbers'])})" if summary["order_numbers"] else "") + "."]
    if summary["tried"]:
        parts.append(f"The assistant {'; '.join(summary['tried'])}.")
    if summary["products"]:
        parts.append(f"Products discussed: {', '.join(summary['products'][:5])}.")
    if summary["last_message"]:
        parts.append(f"Last message: \"{summary['last_message'][:200]}\"")
    return " ".join(parts)


def new_customer_messages(events: list[dict], after: float) -> list[dict]:
    """Customer messages newer than `after` (the ticket's feed cursor), with what the agent desk needs."""
    out = []
    for e in events:
        at = float(e.get("timestamp") or 0.0)
        if e.get("event") != "user" or at <= after:
            continue
        parse = e.get("parse_data") or {}
        out.append({"at": at, "text": e.get("text") or "", "intent": (parse.get("intent") or {}).get("name"),
                    "intent_confidence": float((parse.get("intent") or {}).get("confidence") or 0.0),
                    "sentiment": (parse.get("sentiment") or {}).get("intensity")})
    return out
