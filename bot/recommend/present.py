"""Recommendations for channels: a carousel payload for the widget, numbered text for text-only channels."""
from __future__ import annotations

from bot.recommend.service import Recommendations

# what an alternative lacks, as the shopper reads it (violations() gives the codes; "not waterproof" reads as it is)
UNMET_LABELS = {"category": "another kind of product", "over budget": "over your budget",
                "under the price range": "below your price range", "brand": "another brand",
                "excluded brand": "a brand you ruled out", "colour": "not in your colour", "size": "not in your size"}


def unmet_labels(unmet) -> list[str]:
    return [UNMET_LABELS.get(u, u) for u in unmet]


QUICK_REPLIES = [{"title": "Show more", "payload": "show me more"},
                 {"title": "Cheaper", "payload": "something cheaper"}]


def carousel(recs: Recommendations) -> dict:
    return {"type": "carousel", "alternatives": recs.alternatives,
            "items": [{"id": r.product_id, "title": r.title, "brand": r.brand, "price": r.price,
                       "currency": r.currency, "rating": r.rating, "review_count": r.review_count,
                       "image_url": r.image_url, "url": r.url, "reason": r.reason, "unmet": unmet_labels(r.unmet),
                       "personalised": r.personalised > 0,
                       "buttons": [{"title": "More like this", "payload": f"more like {r.title}"}]}
                      for r in recs.items]}


def numbered_text(recs: Recommendations) -> str:
    lines = []
    for n, r in enumerate(recs.items, 1):
        line = f"{n}. [{r.title}]({r.url}): {r.reason.split(': ', 1)[-1]}"
        if r.unmet:
            line += f" ({', '.join(unmet_labels(r.unmet))})"
        lines.append(line)
    return "\n".join(lines)
