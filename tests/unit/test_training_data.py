"""The Rasa training data covers every intent and entity the assistant needs."""
import re

import yaml

from tests.conftest import ROOT

REQUIRED_INTENTS = {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "chitchat", "ask_store_info",
                    "check_order_status", "start_return", "cancel_order", "recommend_products", "product_question",
                    "request_human", "complain", "out_of_scope"}
REQUIRED_ENTITIES = {"order_id", "email", "category", "brand", "budget", "colour", "size"}


def nlu_examples() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                lines = [ln[2:].strip() for ln in block["examples"].splitlines() if ln.strip().startswith("- ")]
                found.setdefault(block["intent"], []).extend(lines)
    return found


def test_every_intent_has_25_distinct_examples():
    examples = nlu_examples()
    assert REQUIRED_INTENTS <= examples.keys()
    for intent in REQUIRED_INTENTS:
        assert len(set(examples[intent])) >= 25, intent


def test_domain_lists_intents_and_entities_and_every_entity_is_annotated():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert REQUIRED_INTENTS | {"nlu_fallback"} <= set(domain["intents"])
    assert REQUIRED_ENTITIES <= set(domain["entities"])
    annotated = {m for lines in nlu_examples().values() for ex in lines for m in re.findall(r"\]\((\w+)\)", ex)}
    assert REQUIRED_ENTITIES <= annotated


def test_conversation_tests():
    stories = yaml.safe_load((ROOT / "tests" / "test_stories.yml").read_text())["stories"]
    assert len(stories) >= 15


def test_the_customer_test_split_shares_no_message_with_the_training_data():
    """bench/nlu_customers_test.csv measures the served model on messages it never saw (make bench-nlu-customers)."""
    import csv
    import re

    import yaml

    from tests.conftest import ROOT

    seen = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in (item.get("examples") or "").splitlines():
                seen.add(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:].strip()).lower())
    with open(ROOT / "bench" / "nlu_customers_test.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 80
    assert [r["text"] for r in rows if r["text"].lower() in seen] == []
