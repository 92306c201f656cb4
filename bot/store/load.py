"""Build the store database from the committed demo data in `knowledge/`.

    python -m bot.store.load            # uses STORE_DB_URL (default: var/store.db)
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import sqlalchemy as sa

from bot.store import schema


def load_demo_store(engine: sa.engine.Engine, knowledge_dir: Path) -> dict[str, int]:
    """Replace the database's content with the JSON files under `knowledge_dir`."""
    products = json.loads((knowledge_dir / "catalog" / "products.json").read_text(encoding="utf-8"))
    customers = json.loads((knowledge_dir / "store" / "customers.json").read_text(encoding="utf-8"))
    orders = json.loads((knowledge_dir / "store" / "orders.json").read_text(encoding="utf-8"))
    schema.metadata.drop_all(engine)
    schema.metadata.create_all(engine)
    product_cols = {c.name for c in schema.products.columns}
    customer_cols = {c.name for c in schema.customers.columns}
    order_cols = {c.name for c in schema.orders.columns}
    with engine.begin() as conn:
        conn.execute(schema.products.insert(), [{k: p[k] for k in product_cols} for p in products])
        conn.execute(schema.variants.insert(), [
            {"product_id": p["id"], "colour": key.split("/", 1)[0], "size": key.split("/", 1)[1], "stock": stock}
            for p in products for key, stock in p["stock"].items()])
        conn.execute(schema.customers.insert(), [{k: c[k] for k in customer_cols} for c in customers])
        conn.execute(schema.orders.insert(), [{k: o[k] for k in order_cols} for o in orders])
        conn.execute(schema.order_items.insert(), [
            {"order_id": o["id"], "line": n, **item} for o in orders for n, item in enumerate(o["items"])])
        conn.execute(schema.order_events.insert(), [
            {"order_id": o["id"], "seq": n, **ev} for o in orders for n, ev in enumerate(o["events"])])
    return {"products": len(products), "customers": len(customers), "orders": len(orders)}


def main(argv: list[str] | None = None) -> None:
    from bot.settings import Settings

    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description="Build the store database from knowledge/.")
    parser.add_argument("--url", default=settings.store_url, help="SQLAlchemy URL (default: %(default)s)")
    parser.add_argument("--knowledge", type=Path, default=settings.knowledge_dir)
    args = parser.parse_args(argv)
    if args.url.startswith("sqlite:///"):
        Path(args.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    counts = load_demo_store(sa.create_engine(args.url), args.knowledge)
    print(f"store database ready at {args.url}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
