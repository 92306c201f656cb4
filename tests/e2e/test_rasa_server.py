"""The Rasa server as Concierge starts it (bot/rasa_addons/server.py), in Rasa's own environment: action
server replies are validated against Rasa's schema exactly as stock Rasa 3.6 does, with the schema compiled
once; its tracker store (bot/rasa_addons/tracker_store.py). Form turns through the running server are in
test_conversations.py."""
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.e2e

CHECK = r"""
import json
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from bot.rasa_addons.server import install_cached_action_validation

action = RemoteAction("action_check_order_status", None)
good = {"events": [{"event": "slot", "name": "email", "value": "a@b.example"}],
        "responses": [{"response": "utter_order_not_found", "order_id": "10023"}]}
bad = [{"events": [{"event": "slot", "name": 3}], "responses": []}, {"events": [], "responses": "nope"},
       {"events": [{"event": "no_such_event"}]}]

def outcome(reply):
    try:
        return action._validate_action_result(reply)
    except ValidationError as e:
        return e.message

stock = [outcome(r) for r in [good, *bad]]
install_cached_action_validation()
install_cached_action_validation()  # twice is the same as once
cached = [outcome(r) for r in [good, *bad]] + [outcome(good)]
print(json.dumps({"stock": stock, "cached": cached,
                  "installed": getattr(RemoteAction._validate_action_result, "concierge", False)}))
"""


def in_rasa_env(script: str, *args: str) -> dict:
    """Runs `script` with Rasa's Python and the project on its path; its last line of output, as JSON."""
    python = Settings.from_env().rasa_bin.parent / "python"
    done = subprocess.run([str(python), "-c", script, *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": str(PROJECT_ROOT), "TF_CPP_MIN_LOG_LEVEL": "3",
                                            "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_action_replies_are_validated_as_stock_rasa_does_with_the_schema_compiled_once():
    result = in_rasa_env(CHECK)
    assert result["installed"]
    assert result["stock"][0] is True and all(isinstance(m, str) for m in result["stock"][1:])
    assert result["cached"] == [*result["stock"], True]  # same verdicts, same messages (Rasa's hint included)
    assert all("Failed to validate Action server response" in m for m in result["cached"][1:4])


STORE_CHECK = r"""
import asyncio, json, sqlite3, sys
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

def store(url):
    return create_tracker_store(EndpointConfig(url=url, type="bot.rasa_addons.tracker_store.WALSQLTrackerStore"))

async def roundtrip(url):
    tracker = DialogueStateTracker("c1", [])
    for text in ("hello", "where is my order?"):
        tracker.update(UserUttered(text))
        tracker.update(ActionExecuted("action_listen"))
        await store(url).save(tracker)
    back = await store(url).retrieve("c1")  # a new store (a restarted server) reads it back
    return [e.text for e in back.events if isinstance(e, UserUttered)]

def postgres_texts():
    # the same against a throwaway PostgreSQL database: Rasa's store, no SQLite pragmas
    import uuid
    import sqlalchemy as sa
    from bot.rasa_addons.tracker_store import tune_sqlite
    admin = sa.create_engine("postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    name = f"concierge_tracker_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        texts = asyncio.run(roundtrip(url))
        engine = store(url).engine
        tuned = sa.event.contains(engine, "connect", tune_sqlite)
        engine.dispose()
        return texts, tuned
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

path = sys.argv[1]
texts = asyncio.run(roundtrip(f"sqlite:///{path}"))
db = sqlite3.connect(path)
pg_texts, pg_tuned = postgres_texts()
print(json.dumps({"class": type(store(f"sqlite:///{path}")).__name__, "texts": texts,
                  "journal": db.execute("PRAGMA journal_mode").fetchone()[0],
                  "postgres_texts": pg_texts, "postgres_tuned": pg_tuned}))
"""


def test_the_tracker_store_keeps_conversations_in_sqlite_wal_mode_and_leaves_other_databases_alone(tmp_path):
    result = in_rasa_env(STORE_CHECK, str(tmp_path / "tracker.db"))
    assert result["class"] == "WALSQLTrackerStore"  # not Rasa's silent in-memory fallback for an unknown type
    assert result["texts"] == ["hello", "where is my order?"]
    assert result["journal"] == "wal"
    assert result["postgres_texts"] == ["hello", "where is my order?"] and result["postgres_tuned"] is False


def test_the_running_server_stores_conversations_in_its_wal_mode_sqlite_tracker_store(concierge, sender):
    concierge.say(sender, "hello")
    db = sqlite3.connect(Path(concierge.env["CONCIERGE_DATA_DIR"]) / "tracker.db")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        texts = [json.loads(data).get("text") for (data,) in
                 db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,))]
    finally:
        db.close()
    assert texts == ["hello"]
