"""SQL schema of the store database (SQLite by default, any SQLAlchemy URL works)."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

products = sa.Table(
    "products", metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("brand", sa.String(100), nullable=False),
    sa.Column("category", sa.String(60), nullable=False, index=True),
    sa.Column("price", sa.Float, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("rating", sa.Float),
    sa.Column("review_count", sa.Integer),
    sa.Column("description", sa.Text),
    sa.Column("tags", sa.JSON),
    sa.Column("sizes", sa.JSON),
    sa.Column("colours", sa.JSON),
    sa.Column("image_url", sa.String(300)),
    sa.Column("url", sa.String(300)),
)

variants = sa.Table(
    "variants", metadata,
    sa.Column("product_id", sa.ForeignKey("products.id"), primary_key=True),
    sa.Column("colour", sa.String(40), primary_key=True),
    sa.Column("size", sa.String(20), primary_key=True),
    sa.Column("stock", sa.Integer, nullable=False),
)

customers = sa.Table(
    "customers", metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("email", sa.String(200), nullable=False, unique=True),
    sa.Column("country", sa.String(2)),
    sa.Column("city", sa.String(100)),
    sa.Column("region", sa.String(20)),
    sa.Column("trail_club", sa.Boolean, nullable=False, default=False),
)

orders = sa.Table(
    "orders", metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("email", sa.String(200), nullable=False),
    sa.Column("status", sa.String(30), nullable=False),
    sa.Column("placed_at", sa.String(20), nullable=False),
    sa.Column("subtotal", sa.Float, nullable=False),
    sa.Column("shipping", sa.Float, nullable=False),
    sa.Column("total", sa.Float, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("country", sa.String(2)),
    sa.Column("carrier", sa.String(40)),
    sa.Column("tracking_number", sa.String(40)),
    sa.Column("expected_delivery", sa.String(10)),
)

order_items = sa.Table(
    "order_items", metadata,
    sa.Column("order_id", sa.ForeignKey("orders.id"), primary_key=True),
    sa.Column("line", sa.Integer, primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("size", sa.String(20)),
    sa.Column("colour", sa.String(40)),
    sa.Column("unit_price", sa.Float, nullable=False),
)

order_events = sa.Table(
    "order_events", metadata,
    sa.Column("order_id", sa.ForeignKey("orders.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("type", sa.String(30), nullable=False),
    sa.Column("at", sa.String(20), nullable=False),
)
