"""The product catalog in its own Chroma collection: text for semantic match, metadata for filtering."""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.chroma_index import ChromaIndex
from bot.knowledge.embeddings import Embedder
from bot.recommend.preferences import Preferences, in_stock


def product_text(p: dict) -> str:
    return (f"{p['title']}. {p['description']} Category: {p['category'].replace('-', ' ')}. "
            f"Tags: {', '.join(p.get('tags', []))}. Colours: {', '.join(p.get('colours', []))}.")


def product_metadata(p: dict) -> dict:
    return {"category": p["category"], "brand": p["brand"], "price": float(p["price"]),
            "rating": float(p.get("rating", 0.0)), "in_stock": in_stock(p),
            "content_hash": hashlib.sha256(json.dumps(p, sort_keys=True).encode()).hexdigest()[:16]}


@dataclass(frozen=True)
class CatalogReport:
    products: int
    embedded: int
    deleted: int


def index_catalog(products: list[dict], index: ChromaIndex, embedder: Embedder) -> CatalogReport:
    """Embed new or changed products, delete removed ones (incremental, like the documents)."""
    stored = index.hashes()
    metas = {p["id"]: product_metadata(p) for p in products}
    changed = [p for p in products if stored.get(p["id"]) != metas[p["id"]]["content_hash"]]
    removed = sorted(set(stored) - set(metas))
    index.delete(removed)
    for start in range(0, len(changed), 64):
        batch = changed[start:start + 64]
        texts = [product_text(p) for p in batch]
        index.upsert([p["id"] for p in batch], texts, embedder.embed(texts), [metas[p["id"]] for p in batch])
    return CatalogReport(len(products), len(changed), len(removed))


def load_products(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    from bot.services import Services

    services = Services()
    parser = argparse.ArgumentParser(prog="python -m bot.recommend.catalog",
                                     description="Index the product catalog into its Chroma collection (incremental).")
    parser.add_argument("catalog", nargs="?", type=Path, default=services.settings.catalog_file,
                        help="products JSON file (default: %(default)s)")
    args = parser.parse_args(argv)
    if not args.catalog.is_file():
        parser.error(f"{args.catalog} does not exist")
    start = time.monotonic()
    report = index_catalog(load_products(args.catalog), services.catalog_index, services.embedder)
    print(f"catalog index {services.settings.catalog_collection!r}: {report.products} products, "
          f"{report.embedded} embedded, {report.deleted} deleted in {time.monotonic() - start:.1f} s")
    return 0


def prefilter(prefs: Preferences) -> dict | None:
    """The constraints Chroma can apply itself; sizes, colours and stock per variant are checked after."""
    clauses: list[dict] = [{"in_stock": True}]
    if prefs.category:
        clauses.append({"category": prefs.category})
    if prefs.max_price is not None:
        clauses.append({"price": {"$lte": float(prefs.max_price)}})
    if prefs.min_price is not None:
        clauses.append({"price": {"$gte": float(prefs.min_price)}})
    if prefs.brands:
        clauses.append({"brand": {"$in": sorted(prefs.brands)}})
    if prefs.excluded_brands:
        clauses.append({"brand": {"$nin": sorted(prefs.excluded_brands)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


if __name__ == "__main__":
    sys.exit(main())
