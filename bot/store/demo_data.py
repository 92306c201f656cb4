"""Generate the fictional Alder & Pine demo store: catalog, customers, orders.

The output is committed under ``knowledge/`` so every machine sees the same store;
re-running with the same seed reproduces it byte for byte::

    python -m bot.store.demo_data --out knowledge --seed 7
"""
from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

AS_OF = datetime(2026, 11, 20, 12, 0)  # "today" in the demo store's data

# category -> (brands, base names, price range, sizes, colours, tags)
CATEGORIES: dict[str, dict] = {
    "hiking-boots": dict(
        brands=["Alder & Pine", "Merrell", "Salomon", "Lowa", "Keen"],
        names=["Trailblazer", "Ridgeback", "Summit Pro", "Canyon Mid", "Timberline", "Scree GTX"],
        price=(89, 249), sizes=[str(s) for s in range(38, 47)],
        colours=["brown", "black", "grey", "olive"],
        tags=["waterproof", "leather", "vibram sole", "ankle support", "lightweight", "wide fit"],
        kind="hiking boots"),
    "running-shoes": dict(
        brands=["Alder & Pine", "Nike", "Brooks", "Hoka", "Asics", "Saucony"],
        names=["Tempo", "Cloudrunner", "Pace 4", "Stride", "Ghostline", "Marathon Elite"],
        price=(69, 189), sizes=[str(s) for s in range(36, 47)],
        colours=["black", "white", "blue", "red", "neon yellow"],
        tags=["cushioned", "trail", "road", "breathable", "carbon plate", "stability"],
        kind="running shoes"),
    "jackets": dict(
        brands=["Alder & Pine", "Patagonia", "Arc'teryx", "The North Face", "Columbia"],
        names=["Stormshell", "Down Parka", "Windbreaker", "Rain Jacket", "Insulated Hoodie", "Softshell"],
        price=(59, 399), sizes=["XS", "S", "M", "L", "XL", "XXL"],
        colours=["black", "navy", "red", "green", "yellow", "blue"],
        tags=["waterproof", "windproof", "packable", "recycled", "down", "hooded"],
        kind="jacket"),
    "backpacks": dict(
        brands=["Alder & Pine", "Osprey", "Deuter", "Gregory"],
        names=["Daypack 22", "Trek 45", "Expedition 65", "Commuter 18", "Summit 30", "Hydration Pack 12"],
        price=(39, 289), sizes=["one size"],
        colours=["black", "grey", "blue", "orange", "green"],
        tags=["rain cover", "laptop sleeve", "hip belt", "ventilated back", "hydration compatible"],
        kind="backpack"),
    "tents": dict(
        brands=["Alder & Pine", "MSR", "Big Agnes", "Vango"],
        names=["Ultralight 1", "Backpacker 2", "Family Dome 4", "Basecamp 6", "Bivy", "Tunnel 3"],
        price=(99, 599), sizes=["one size"],
        colours=["green", "orange", "grey"],
        tags=["freestanding", "3-season", "4-season", "ultralight", "easy pitch"],
        kind="tent"),
    "sleeping-bags": dict(
        brands=["Alder & Pine", "Sea to Summit", "Marmot", "Mountain Hardwear"],
        names=["Comfort 0", "Down 800", "Summer Lite", "Alpine -10", "Mummy 5", "Quilt 2"],
        price=(49, 459), sizes=["regular", "long"],
        colours=["blue", "red", "green", "black"],
        tags=["down", "synthetic", "compressible", "mummy shape", "zip on both sides"],
        kind="sleeping bag"),
    "t-shirts": dict(
        brands=["Alder & Pine", "Patagonia", "Icebreaker", "Smartwool"],
        names=["Merino Tee", "Organic Cotton Tee", "Trail Tee", "Graphic Tee", "Long Sleeve Base"],
        price=(19, 89), sizes=["XS", "S", "M", "L", "XL", "XXL"],
        colours=["white", "black", "grey", "blue", "green", "red"],
        tags=["merino", "organic cotton", "quick dry", "odour resistant", "recycled"],
        kind="t-shirt"),
    "fleeces": dict(
        brands=["Alder & Pine", "Patagonia", "The North Face", "Columbia"],
        names=["Grid Fleece", "Sherpa Pullover", "Half-Zip Fleece", "Hooded Fleece", "Micro Fleece"],
        price=(39, 179), sizes=["XS", "S", "M", "L", "XL", "XXL"],
        colours=["grey", "navy", "green", "beige", "black"],
        tags=["warm", "recycled", "stretch", "midlayer", "thumb loops"],
        kind="fleece"),
    "coffee-gear": dict(
        brands=["Alder & Pine", "Stanley", "Aeropress", "Hario", "Fellow"],
        names=["Camp Kettle", "Pour-Over Set", "Travel Press", "Insulated Mug", "Hand Grinder", "Coffee Beans 1 kg"],
        price=(12, 149), sizes=["one size"],
        colours=["black", "steel", "white", "green"],
        tags=["insulated", "camping", "gift idea", "stainless steel", "fair trade"],
        kind="coffee gear"),
    "watches": dict(
        brands=["Garmin", "Suunto", "Coros", "Casio"],
        names=["Trail GPS", "Altimeter Pro", "Fitness Band", "Solar Adventure", "Dive Watch"],
        price=(59, 699), sizes=["one size"],
        colours=["black", "grey", "blue", "white"],
        tags=["gps", "heart rate", "solar charging", "waterproof", "altimeter", "long battery"],
        kind="watch"),
    "socks": dict(
        brands=["Alder & Pine", "Darn Tough", "Smartwool", "Falke"],
        names=["Hiker Crew", "Running Ankle", "Ski Sock", "Liner Sock", "Cushion Mid"],
        price=(9, 35), sizes=["S", "M", "L", "XL"],
        colours=["grey", "black", "blue", "red", "green"],
        tags=["merino", "cushioned", "blister free", "lifetime guarantee", "seamless"],
        kind="socks"),
    "headlamps": dict(
        brands=["Alder & Pine", "Petzl", "Black Diamond", "Ledlenser"],
        names=["Spot 400", "Night Run", "Kids Lamp", "Reactive 600", "Camp Lantern"],
        price=(19, 129), sizes=["one size"],
        colours=["black", "red", "blue", "yellow"],
        tags=["rechargeable", "waterproof", "red light", "lightweight", "usb-c"],
        kind="headlamp"),
}

FIRST = ["Ava", "Liam", "Mia", "Noah", "Emma", "Lucas", "Sofia", "Ethan", "Chloe", "Mateo", "Zoe", "Leo",
         "Nora", "Owen", "Lena", "Felix", "Hana", "Ravi", "Yuki", "Wei", "Amara", "Jonas", "Elif", "Diego"]
LAST = ["Smith", "Garcia", "Chen", "Müller", "Okafor", "Rossi", "Novak", "Kim", "Dubois", "Patel", "Silva",
        "Nguyen", "Johansson", "Brown", "Kowalski", "Haddad", "Tanaka", "Martin", "Lopez", "Walsh"]
REGIONS = [("US", "Portland", "ME"), ("US", "Denver", "CO"), ("US", "Austin", "TX"), ("US", "Seattle", "WA"),
           ("CA", "Toronto", "ON"), ("GB", "Manchester", ""), ("DE", "Munich", ""), ("FR", "Lyon", "")]
CARRIERS = {"US": ["UPS", "FedEx", "USPS"], "CA": ["DHL Express"], "GB": ["DHL Express"],
            "DE": ["DHL Express"], "FR": ["DHL Express"]}
TRANSIT_DAYS = {"US": 5, "CA": 8, "GB": 10, "DE": 10, "FR": 10}
STATUS_WEIGHTS = {"processing": 30, "shipped": 45, "out_for_delivery": 15, "delivered": 80,
                  "return_requested": 12, "refunded": 12, "cancelled": 14}


def _tracking(carrier: str, rng: random.Random) -> str:
    if carrier == "UPS":
        return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXY") for _ in range(16))
    if carrier == "USPS":
        return "9400" + "".join(rng.choice("0123456789") for _ in range(18))
    return "".join(rng.choice("0123456789") for _ in range(12 if carrier == "FedEx" else 10))


def make_products(rng: random.Random, per_category: int = 26) -> list[dict]:
    products = []
    for cat, spec in CATEGORIES.items():
        seen: set[str] = set()
        while len([p for p in products if p["category"] == cat]) < per_category:
            brand = rng.choice(spec["brands"])
            name = rng.choice(spec["names"])
            variant = rng.choice(["", " II", " 2.0", " Lite", " Plus", " X"])
            title = f"{brand} {name}{variant}"
            if title in seen:
                continue
            seen.add(title)
            pid = f"P{len(products) + 1:04d}"
            lo, hi = spec["price"]
            price = round(rng.uniform(lo, hi)) - 0.01
            colours = rng.sample(spec["colours"], k=min(len(spec["colours"]), rng.randint(1, 3)))
            all_sizes = spec["sizes"]
            start = rng.randint(0, max(0, len(all_sizes) - 4))
            sizes = all_sizes[start: start + max(2, len(all_sizes) - rng.randint(0, 3))] or all_sizes
            tags = sorted(rng.sample(spec["tags"], k=rng.randint(2, 4)))
            stock = {f"{c}/{s}": (0 if rng.random() < 0.15 else rng.randint(1, 40)) for c in colours for s in sizes}
            rating = round(min(5.0, max(2.5, rng.gauss(4.2, 0.45))), 1)
            products.append(
                {
                    "id": pid,
                    "title": title,
                    "brand": brand,
                    "category": cat,
                    "price": price,
                    "currency": "USD",
                    "sizes": sizes,
                    "colours": colours,
                    "stock": stock,
                    "rating": rating,
                    "review_count": rng.randint(0, 1200),
                    "description": (
                        f"The {title} is a {', '.join(tags[:-1]) + ' and ' + tags[-1] if len(tags) > 1 else tags[0]} "
                        f"{spec['kind']} from {brand}, available in {', '.join(colours)}."
                    ),
                    "tags": tags,
                    "image_url": f"/static/img/{cat}.svg",
                    "url": f"https://alderandpine.example/p/{pid.lower()}",
                }
            )
    return products


def make_customers(rng: random.Random, n: int = 90) -> list[dict]:
    customers, emails = [], set()
    while len(customers) < n:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}".lower().replace("ü", "ue") + f"{rng.randint(1, 99)}@example.com"
        if email in emails:
            continue
        emails.add(email)
        country, city, state = rng.choice(REGIONS)
        customers.append({"id": f"C{len(customers) + 1:04d}", "name": f"{first} {last}", "email": email,
                          "country": country, "city": city, "region": state,
                          "trail_club": rng.random() < 0.3})
    return customers


def make_orders(rng: random.Random, customers: list[dict], products: list[dict], n: int = 240) -> list[dict]:
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    # Each customer has a taste: two favourite categories, so purchase histories carry signal.
    cats = list(CATEGORIES)
    taste = {c["id"]: rng.sample(cats, 2) for c in customers}
    by_cat: dict[str, list[dict]] = {}
    for p in products:
        by_cat.setdefault(p["category"], []).append(p)
    orders = []
    for i in range(n):
        cust = customers[i % len(customers)] if i < len(customers) else rng.choice(customers)
        status = rng.choices(statuses, weights)[0]
        age_days = {"processing": rng.uniform(0, 1.5), "shipped": rng.uniform(1, 4),
                    "out_for_delivery": rng.uniform(2, 6)}.get(status, rng.uniform(7, 120))
        placed = AS_OF - timedelta(days=age_days, minutes=rng.randint(0, 600))
        items = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            cat = rng.choice(taste[cust["id"]]) if rng.random() < 0.8 else rng.choice(cats)
            p = rng.choice(by_cat[cat])
            items.append({"product_id": p["id"], "title": p["title"], "quantity": rng.choice([1, 1, 1, 2]),
                          "size": rng.choice(p["sizes"]), "colour": rng.choice(p["colours"]),
                          "unit_price": p["price"]})
        subtotal = round(sum(it["unit_price"] * it["quantity"] for it in items), 2)
        shipping = 0.0 if cust["country"] == "US" and subtotal >= 75 else (6.95 if cust["country"] == "US" else 19.95)
        order = {"id": f"{10001 + i}", "customer_id": cust["id"], "email": cust["email"], "status": status,
                 "placed_at": placed.isoformat(timespec="minutes"), "items": items, "subtotal": subtotal,
                 "shipping": shipping, "total": round(subtotal + shipping, 2), "currency": "USD",
                 "country": cust["country"], "carrier": None, "tracking_number": None,
                 "expected_delivery": None, "events": []}
        events = [("placed", placed)]
        if status != "processing" and status != "cancelled":
            carrier = rng.choice(CARRIERS[cust["country"]])
            shipped = placed + timedelta(hours=rng.randint(4, 30))
            order["carrier"] = carrier
            order["tracking_number"] = _tracking(carrier, rng)
            order["expected_delivery"] = (shipped + timedelta(days=TRANSIT_DAYS[cust["country"]])).date().isoformat()
            events.append(("shipped", shipped))
            if status in ("out_for_delivery", "delivered", "return_requested", "refunded"):
                delivered = shipped + timedelta(days=rng.randint(2, TRANSIT_DAYS[cust["country"]]))
                if status == "out_for_delivery":
                    events.append(("out_for_delivery", min(delivered, AS_OF - timedelta(hours=2))))
                else:
                    events.append(("delivered", delivered))
                if status in ("return_requested", "refunded"):
                    events.append(("return_requested", delivered + timedelta(days=rng.randint(1, 20))))
                if status == "refunded":
                    events.append(("refunded", delivered + timedelta(days=rng.randint(22, 30))))
        elif status == "processing":
            order["expected_delivery"] = (placed + timedelta(days=TRANSIT_DAYS[cust["country"]] + 1)).date().isoformat()
        else:
            events.append(("cancelled", placed + timedelta(minutes=rng.randint(5, 55))))
        order["events"] = [{"type": t, "at": at.isoformat(timespec="minutes")} for t, at in events]
        orders.append(order)
    return orders


def generate(seed: int = 7) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    products = make_products(rng)
    customers = make_customers(rng)
    orders = make_orders(rng, customers, products)
    return {"products": products, "customers": customers, "orders": orders}


def write(out: Path, data: dict[str, list[dict]]) -> None:
    (out / "catalog").mkdir(parents=True, exist_ok=True)
    (out / "store").mkdir(parents=True, exist_ok=True)
    targets = {"products": out / "catalog" / "products.json", "customers": out / "store" / "customers.json",
               "orders": out / "store" / "orders.json"}
    for key, path in targets.items():
        path.write_text(json.dumps(data[key], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("knowledge"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    data = generate(args.seed)
    write(args.out, data)
    print(f"wrote {len(data['products'])} products, {len(data['customers'])} customers, "
          f"{len(data['orders'])} orders to {args.out}")


if __name__ == "__main__":
    main()
