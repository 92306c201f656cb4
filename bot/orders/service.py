"""Order look-up with e-mail verification: an order is only shown to its own e-mail."""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from datetime import date

from bot.store.models import Order, OrderItem
from bot.store.repository import OrderStore

ORDER_ID_RE = re.compile(r"(?<![\d])#?\s*(1\d{4})(?!\d)")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MAX_INPUT_CHARS = 500  # longer "order numbers" or "e-mails" are rejected outright


def normalize_order_id(text: str | None) -> str | None:
    """The 5-digit order number in `text` ("#10234", "it's 10234"), or None if there is not exactly one."""
    if not text or len(text) > MAX_INPUT_CHARS:
        return None
    found = set(ORDER_ID_RE.findall(str(text)))
    return found.pop() if len(found) == 1 else None


def normalize_email(text: str | None) -> str | None:
    """The single e-mail address in `text`, lower-cased, or None."""
    if not text or len(text) > MAX_INPUT_CHARS:
        return None
    found = {m.lower() for m in EMAIL_RE.findall(str(text))}
    return found.pop() if len(found) == 1 else None


def _day(iso: str | None) -> str:
    if not iso:
        return "not yet known"
    d = date.fromisoformat(iso[:10])
    return f"{d:%A}, {d:%B} {d.day}, {d.year}"


def _money(amount: float, currency: str) -> str:
    return f"${amount:,.2f}" if currency == "USD" else f"{amount:,.2f} {currency}"


@dataclass(frozen=True)
class OrderStatus:
    """What the customer may see of one verified order; `template_vars` fill the domain's responses."""

    order_id: str
    status: str
    template_vars: dict[str, str] = field(default_factory=dict)
    total: float = 0.0  # the order's value: a problem with a high-value order goes to a person

    @property
    def response(self) -> str:
        return f"utter_order_status_{self.status}"


@dataclass(frozen=True)
class OrderLookup:
    found: bool
    order: OrderStatus | None = None


def _item(it: OrderItem) -> str:
    variant = ", ".join(x for x in (it.colour, it.size) if x and x != "one size")
    return f"{it.quantity} × {it.title}" + (f" ({variant})" if variant else "")


def describe_order(order: Order) -> OrderStatus:
    items = "; ".join(_item(it) for it in order.items)
    values = {
        "order_id": order.id,
        "status": order.status.replace("_", " "),
        "items": items or "none",
        "carrier": order.carrier or "our carrier",
        "tracking_number": order.tracking_number or "not yet assigned",
        "expected_delivery": _day(order.expected_delivery),
        "placed_date": _day(order.placed_at),
        "delivered_date": _day(order.event_time("delivered")),
        "return_date": _day(order.event_time("return_requested")),
        "refund_date": _day(order.event_time("refunded")),
        "cancelled_date": _day(order.event_time("cancelled")),
        "total": _money(order.total, order.currency),
    }
    return OrderStatus(order_id=order.id, status=order.status, template_vars=values, total=float(order.total))


class OrderService:
    def __init__(self, store: OrderStore):
        self.store = store

    def lookup(self, order_id: str | None, email: str | None) -> OrderLookup:
        """Find an order by number, shown only when `email` matches the one on the order.

        An unknown number and a wrong e-mail give the same answer, so the reply never
        reveals whether an order number exists.
        """
        oid, mail = normalize_order_id(order_id), normalize_email(email)
        if oid is None or mail is None:
            return OrderLookup(found=False)
        order = self.store.get_order(oid)
        if order is None or not hmac.compare_digest(order.email.lower().encode(), mail.encode()):
            return OrderLookup(found=False)
        return OrderLookup(found=True, order=describe_order(order))
