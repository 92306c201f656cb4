"""Records the store hands out. Plain dataclasses, no database types leak out."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrderItem:
    product_id: str
    title: str
    quantity: int
    size: str
    colour: str
    unit_price: float


@dataclass(frozen=True)
class OrderEvent:
    type: str  # placed, shipped, out_for_delivery, delivered, return_requested, refunded, cancelled
    at: str  # ISO timestamp


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    email: str
    status: str
    placed_at: str
    total: float
    currency: str
    carrier: str | None = None
    tracking_number: str | None = None
    expected_delivery: str | None = None
    items: tuple[OrderItem, ...] = field(default_factory=tuple)
    events: tuple[OrderEvent, ...] = field(default_factory=tuple)

    def event_time(self, event_type: str) -> str | None:
        return next((e.at for e in reversed(self.events) if e.type == event_type), None)


@dataclass(frozen=True)
class Purchase:
    """One product in one order: the purchase histories that personalise recommendations."""

    customer_id: str
    email: str
    product_id: str
    placed_at: str  # ISO timestamp
