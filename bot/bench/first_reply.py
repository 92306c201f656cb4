"""`make bench-first-reply`: the first reply to real-world first messages, on the running stack.

    python -m bot.bench.first_reply [--data ../shared/datasets/bitext_ecommerce/dev.csv] [--per-intent 12]

Bitext's e-commerce customer-service sample (27 intents any online store has, in a vendor's wording) is sampled
per intent (seeded), and each message opens a new conversation through the REST channel of the same servers
`make run` starts. The first reply is judged appropriate per intent (`APPROPRIATE`): a cited answer from the
help page that covers it, the order-number question, a handoff when a person is asked for, the complaint
reply, or (to place an order) the question of what the shopper is looking for. Writes reports/first_reply.json
and .md (per intent, and the replies that missed).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bot.bench.report import percentile, write_report
from bot.settings import PROJECT_ROOT, Settings

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"

# what counts as an appropriate first reply: "page:<help page>" (a cited answer from it), "order" (the order-number
# question), "handoff" (a person is brought in), "complaint" (the apology with the offer of a person), "shopping"
# (what the shopper is looking for, to recommend it)
ACCOUNT = {"page:account-privacy"}
APPROPRIATE = {
    "cancel_order": {"page:order-changes", "order"},
    "change_order": {"page:order-changes", "order"},
    "change_shipping_address": {"page:order-changes", "page:account-privacy", "order"},
    "check_cancellation_fee": {"page:order-changes"},
    "check_invoice": {"page:invoices"},
    "get_invoice": {"page:invoices"},
    "check_payment_methods": {"page:payments"},
    "check_refund_policy": {"page:returns"},
    "get_refund": {"page:returns", "order"},
    "track_refund": {"page:returns", "order"},
    "complaint": {"complaint", "handoff", "page:contact"},
    "contact_customer_service": {"page:contact", "handoff"},
    "contact_human_agent": {"handoff"},
    "create_account": ACCOUNT, "delete_account": ACCOUNT, "edit_account": ACCOUNT, "recover_password": ACCOUNT,
    "registration_problems": ACCOUNT, "switch_account": ACCOUNT, "set_up_shipping_address": ACCOUNT,
    "delivery_options": {"page:shipping"},
    "delivery_period": {"page:shipping", "order"},
    "newsletter_subscription": {"page:newsletter"},
    "payment_issue": {"page:ordering", "page:payments", "handoff"},
    "place_order": {"page:ordering", "shopping"},
    "review": {"page:reviews"},
    "track_order": {"order"},
    # CLINC150's out-of-scope rows (--data .../clinc150/dev.csv --only oos): not the store's business
    "oos": {"out_of_scope", "refusal", "fallback"},
}
MARKERS = (("handoff", ("bring in a person", "passing it to our customer team", "opened ticket")),
           ("order", ("what's your order number",)),
           ("shopping", ("what are you shopping for",)),
           ("complaint", ("i'm really sorry about this",)),
           ("refusal", ("i don't have that information", "i don't have that in our help pages")),
           ("out_of_scope", ("outside what i can help with",)),
           ("fallback", ("didn't quite understand",)))


def outcome(messages: list[dict]) -> str:
    """What the first reply did: page:<slug> for a cited answer, else the first marker found, else other."""
    for m in messages:
        sources = (m.get("custom") or {}).get("sources") if isinstance(m.get("custom"), dict) else None
        if sources:
            return "page:" + sources[0]["url"].rstrip("/").rsplit("/", 1)[-1]
    text = " ".join(m.get("text") or "" for m in messages).lower()
    for name, phrases in MARKERS:
        if any(p in text for p in phrases):
            return name
    return "other"


def sample(path: Path, per_intent: int, seed: int, only: str | None = None) -> list[tuple[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = [(r["text"].strip(), r["intent"].strip()) for r in csv.DictReader(f) if r.get("text")]
    if only:
        rows = [(t, i) for t, i in rows if i == only]
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in rows:
        by_intent[intent].append(text)
    rng = random.Random(seed)
    return [(t, i) for i in sorted(by_intent) for t in rng.sample(by_intent[i], min(per_intent, len(by_intent[i])))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.bench.first_reply", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATASETS / "bitext_ecommerce" / "dev.csv")
    parser.add_argument("--per-intent", type=int, default=12)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--name", default="first_reply")
    parser.add_argument("--only", help="keep only the rows of this intent (e.g. CLINC150's oos)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"{args.data} does not exist")
    rows = sample(args.data, args.per_intent, args.seed, args.only)
    if not rows:
        parser.error(f"{args.data}: no rows" + (f" with the intent {args.only!r}" if args.only else ""))
    unknown = sorted({i for _, i in rows} - set(APPROPRIATE))
    if unknown:
        parser.error(f"no appropriate replies defined for the intents {unknown}")
    from bot.bench.load import post, project_specs, stack_env
    from bot.cli.processes import ProcessGroup

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-first-reply-") as tmp:
        env = stack_env(Path(tmp))
        settings = Settings.from_env(env={**os.environ, **env})
        specs = project_specs(settings)
        group = ProcessGroup(log_dir=Path(tmp) / "logs", env_overrides=env)
        try:
            print(f"starting {', '.join(s.name for s in specs)} ...", flush=True)
            for spec in specs:
                group.start(spec)
            group.wait_ready(specs, timeout=300)
            url = f"http://127.0.0.1:{settings.rasa_port}/webhooks/rest/webhook"
            for n, (text, intent) in enumerate(rows, 1):
                t0 = time.perf_counter()
                messages = post(url, f"first-{n}", text)
                ms = (time.perf_counter() - t0) * 1000
                got = outcome(messages) if messages else "error"
                results.append((text, intent, got, got in APPROPRIATE[intent], ms))
                if n % 50 == 0:
                    print(f"  {n}/{len(rows)} messages", flush=True)
        finally:
            group.stop()
    per_intent = {}
    for intent in sorted(APPROPRIATE):
        mine = [r for r in results if r[1] == intent]
        if mine:
            per_intent[intent] = round(sum(r[3] for r in mine) / len(mine), 4)
    flat = {
        "data": str(args.data),
        "only": args.only or "",
        "messages": len(results),
        "per_intent": args.per_intent,
        "seed": args.seed,
        "llm": settings.llm_backend,
        "appropriate_rate": sum(r[3] for r in results) / max(1, len(results)),
        "errors": sum(r[2] == "error" for r in results),
        "reply_p50_ms": percentile([r[4] for r in results], 50),
        "reply_p95_ms": percentile([r[4] for r in results], 95),
        **{f"appropriate_{k}": v for k, v in per_intent.items()},
    }
    md = ["# First replies to real-world first messages", "",
          f"`{args.data}`{f' (rows of {args.only} only)' if args.only else ''}: {args.per_intent} messages per intent, "
          f"seed {args.seed}, {len(results)} in all, each the first message of a new conversation through the REST "
          "channel of the real servers. Appropriate: a cited answer from the page that covers the intent, the "
          "order-number question, a handoff when a person is asked for, or the complaint reply (see "
          "`APPROPRIATE` in `bot/bench/first_reply.py`); for out-of-scope rows, the out-of-scope reply, an honest "
          "refusal or the request to rephrase. Bitext's e-commerce sample (CDLA-Sharing-1.0) has no published "
          "figures: vendor data, a sanity check.", "",
          f"Appropriate first replies: **{flat['appropriate_rate']:.3f}**; reply p50 {flat['reply_p50_ms']:.0f} ms, "
          f"p95 {flat['reply_p95_ms']:.0f} ms.", "", "| intent | appropriate |", "|---|---|"]
    md += [f"| {k} | {v:.2f} |" for k, v in per_intent.items()]
    md += ["", "## Misses", ""] + [f"- {i}: {t!r} -> {g}" for t, i, g, ok, _ in results if not ok]
    json_path, md_path = write_report(args.name, flat, "\n".join(md), PROJECT_ROOT / "reports")
    print(f"appropriate first replies: {flat['appropriate_rate']:.3f} ({len(results)} messages)")
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
