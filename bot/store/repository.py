"""The store interface and its SQL implementation."""
from __future__ import annotations

from typing import Protocol

import sqlalchemy as sa

from bot.store import schema
from bot.store.models import Order, OrderEvent, OrderItem, Purchase


class OrderStore(Protocol):
    def get_order(self, order_id: str) -> Order | None: ...


class PurchaseStore(Protocol):
    def purchases(self) -> list[Purchase]: ...


class SqlStore:
    """Orders, customers and catalog in any SQLAlchemy database."""

    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> "SqlStore":
        return cls(sa.create_engine(url))

    def get_order(self, order_id: str) -> Order | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(schema.orders).where(schema.orders.c.id == order_id)).mappings().first()
            if row is None:
                return None
            items = conn.execute(
                sa.select(schema.order_items).where(schema.order_items.c.order_id == order_id)
                .order_by(schema.order_items.c.line)
            ).mappings().all()
            events = conn.execute(
                sa.select(schema.order_events).where(schema.order_events.c.order_id == order_id)
                .order_by(schema.order_events.c.seq)
            ).mappings().all()
        return Order(
            id=row["id"], customer_id=row["customer_id"], email=row["email"], status=row["status"],
            placed_at=row["placed_at"], total=row["total"], currency=row["currency"], carrier=row["carrier"],
            tracking_number=row["tracking_number"], expected_delivery=row["expected_delivery"],
            items=tuple(OrderItem(product_id=i["product_id"], title=i["title"], quantity=i["quantity"],
                                  size=i["size"], colour=i["colour"], unit_price=i["unit_price"]) for i in items),
            events=tuple(OrderEvent(type=e["type"], at=e["at"]) for e in events),
        )

    def purchases(self) -> list[Purchase]:
        """Every product bought and kept, oldest order first (cancelled and refunded orders do not count)."""
        o, i = schema.orders, schema.order_items
        query = (sa.select(o.c.customer_id, o.c.email, i.c.product_id, o.c.placed_at)
                 .join(i, i.c.order_id == o.c.id).where(o.c.status.not_in(("cancelled", "refunded")))
                 .order_by(o.c.placed_at, o.c.id, i.c.line))
        with self.engine.connect() as conn:
            return [Purchase(r.customer_id, r.email.lower(), r.product_id, r.placed_at) for r in conn.execute(query)]
