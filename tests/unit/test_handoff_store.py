"""The handoff store on SQLite and on the local PostgreSQL (127.0.0.1:5432), through its migrations."""
import os
import time
import uuid

import pytest
import sqlalchemy as sa

from bot.handoff.store import NewHandoff, SqlHandoffStore, metadata

PG = "postgresql+psycopg2://postgres@127.0.0.1:5432"


def _postgres_url():
    """A fresh database on the local PostgreSQL; CI must have it, elsewhere the test is skipped without it."""
    admin = sa.create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            name = f"concierge_test_{uuid.uuid4().hex[:10]}"
            c.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is needed in CI: {exc}")
        pytest.skip("no PostgreSQL at 127.0.0.1:5432")
    return admin, name


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = SqlHandoffStore.from_url(f"sqlite:///{tmp_path / 'handoff.db'}")
        s.migrate()
        yield s
        return
    admin, name = _postgres_url()
    s = SqlHandoffStore.from_url(f"{PG}/{name}")
    s.migrate()
    yield s
    s.engine.dispose()
    with admin.connect() as c:
        c.execute(sa.text(f"DROP DATABASE {name}"))


def ticket(conversation="c1", at=None, **kw):
    values = dict(conversation_id=conversation, channel="socketio", mode="live", reason="frustration",
                  signals={"negative": True}, frustration=0.4, summary={"text": "wants a refund"},
                  transcript=[{"sender": "customer", "text": "hi"}], sentiment=[{"at": 1.0, "score": -0.5}],
                  sources=[{"title": "Returns"}], customer_email=None, created_at=at or time.time(), feed_cursor=1.0)
    return NewHandoff(**{**values, **kw})


def test_migrations_build_the_schema_the_code_uses(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store.migrate()  # idempotent
    with store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), metadata)
        version = c.execute(sa.text("select version_num from alembic_version")).scalar_one()
    assert version == "0002"
    assert [d for d in diff if d[0] not in ("add_index", "remove_index")] == []


def test_one_open_ticket_per_conversation(store):
    first, new = store.open_handoff(ticket())
    again, new_again = store.open_handoff(ticket())
    assert new and not new_again and again.id == first.id
    assert first.summary == {"text": "wants a refund"} and first.signals == {"negative": True}
    assert store.resolve(first.id, time.time(), "solved", ["refund"], "done")
    third, new_third = store.open_handoff(ticket())
    assert new_third and third.id != first.id


def test_only_one_agent_can_claim_and_transfers_are_conditional(store):
    now = time.time()
    a = store.create_agent("ann", "Ann", "x", "agent", now)
    b = store.create_agent("bob", "Bob", "x", "agent", now)
    h, _ = store.open_handoff(ticket())
    assert store.claim(h.id, a.id, now) and not store.claim(h.id, b.id, now)
    assert not store.transfer(h.id, b.id, b.id)  # bob does not hold it
    assert store.transfer(h.id, a.id, b.id) and store.handoff(h.id).agent_id == b.id
    assert store.resolve(h.id, now, "solved", [], "") and not store.resolve(h.id, now, "solved", [], "")
    assert not store.claim(h.id, a.id, now)


def test_queue_position_and_views(store):
    now = time.time()
    first, _ = store.open_handoff(ticket("c1", at=now - 60))
    second, _ = store.open_handoff(ticket("c2", at=now))
    email, _ = store.open_handoff(ticket("c3", at=now - 120, mode="offline"))
    assert (store.queue_position(first.id), store.queue_position(second.id)) == (1, 2)  # chat customers first
    assert store.queue_position(email.id) == 0
    a = store.create_agent("ann", "Ann", "x", "agent", now)
    store.claim(first.id, a.id, now)
    assert store.queue_position(second.id) == 1 and store.queue_position(first.id) == 0
    assert (store.count("active"), store.count("waiting")) == (1, 2)
    assert [h.id for h in store.handoffs(("active",), agent_id=a.id)] == [first.id]
    assert {h.id for h in store.open_handoffs()} == {first.id, second.id, email.id}


def test_messages_are_taken_in_once_and_activity_is_ordered(store):
    h, _ = store.open_handoff(ticket())
    assert store.add_message(h.id, "customer", "hello?", 2.0, event_key="1:2.0") is not None
    assert store.add_message(h.id, "customer", "hello?", 2.0, event_key="1:2.0") is None
    store.add_message(h.id, "agent", "hi, I'm here", 3.0)
    assert [m.text for m in store.messages(h.id)] == ["hello?", "hi, I'm here"]
    start = store.last_activity_id()
    store.add_activity(h.id, "claimed", {"agent": "ann"}, 1.0)
    store.add_activity(h.id, "resolved", {}, 2.0)
    assert [a.kind for a in store.activity_after(start)] == ["claimed", "resolved"]
    store.advance_cursor(h.id, 5.0)
    store.advance_cursor(h.id, 4.0)  # never goes back
    assert store.handoff(h.id).feed_cursor == 5.0


def test_sessions_expire_and_end_with_the_account(store):
    now = time.time()
    a = store.create_agent("ann", "Ann", "x", "agent", now)
    store.create_session("t1", a.id, now, now + 60)
    assert store.session_agent("t1", now + 30).id == a.id
    assert store.session_agent("t1", now + 61) is None
    store.update_agent(a.id, active=False)
    assert store.session_agent("t1", now + 30) is None
    store.record_login_failure("user:ann", now)
    assert store.login_failures_since("user:ann", now - 1) == 1 and store.login_failures_since("user:ann", now + 1) == 0
    store.update_agent(a.id, last_seen_at=now, active=True)
    assert store.agents_online(now - 10, now) == 1 and store.agents_online(now + 10, now) == 0
    store.delete_sessions_of(a.id)  # signed out: offline at once
    assert store.agents_online(now - 10, now) == 0


def test_search_finds_words_in_the_conversation_its_messages_tags_and_notes(store):
    first, _ = store.open_handoff(
        ticket(
            "c1",
            transcript=[{"sender": "customer", "text": "Die Lieferung ist kaputt, Größe 42"}],
            customer_email="jo@example.com",
        )
    )
    second, _ = store.open_handoff(ticket("c2"))
    store.add_message(second.id, "customer", "my TENT poles are missing", 2.0)
    store.resolve(second.id, 3.0, "replacement_sent", ["poles"], "sent new poles by courier")
    assert [h.id for h in store.search("größe")] == [first.id]  # words in any script
    assert [h.id for h in store.search("jo@example")] == [first.id]
    assert [h.id for h in store.search("tent poles")] == [second.id]
    assert [h.id for h in store.search("courier")] == [second.id]
    assert store.search("nothing like this") == []
    assert {h.id for h in store.created_since(0)} == {first.id, second.id}


def test_ratings_are_kept_with_the_conversation_and_its_latest_handoff(store):
    h, _ = store.open_handoff(ticket(conversation="rated-1"))
    first = store.add_rating("rated-1", 4, at=1000.0)
    other = store.add_rating("web-no-handoff", 2, at=2000.0)
    assert (first.handoff_id, first.rating) == (h.id, 4) and other.handoff_id is None
    assert [r.rating for r in store.ratings_since(1500.0)] == [2]
    assert [r.conversation_id for r in store.ratings_since(0)] == ["rated-1", "web-no-handoff"]
