"""The demo storefront's product list (pure): a few well-rated products of each category from the catalog."""
from __future__ import annotations

import json
from pathlib import Path

PUBLIC_FIELDS = ("id", "title", "brand", "category", "price", "currency", "rating", "review_count", "image_url", "url")


def featured(products: list[dict], per_category: int = 1, limit: int = 12) -> list[dict]:
    """The best-rated product (by rating, then number of reviews) of each category, best first."""
    best: dict[str, list[dict]] = {}
    for p in sorted(products, key=lambda p: (-(p.get("rating") or 0), -(p.get("review_count") or 0), p["id"])):
        picked = best.setdefault(p.get("category") or "", [])
        if len(picked) < per_category:
            picked.append(p)
    ranked = sorted((p for group in best.values() for p in group),
                    key=lambda p: (-(p.get("rating") or 0), -(p.get("review_count") or 0), p["id"]))
    return [{k: p.get(k) for k in PUBLIC_FIELDS} for p in ranked[:limit]]


def load_featured(catalog_file: Path) -> list[dict]:
    return featured(json.loads(catalog_file.read_text(encoding="utf-8")))
