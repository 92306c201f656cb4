"""Where handoffs, agents and their sessions live: the `HandoffStore` protocol and its SQL implementation
(SQLite by default, PostgreSQL or any SQLAlchemy URL by `HANDOFF_DB_URL`), with Alembic migrations."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from bot.handoff.schema import activity, agents, handoffs, login_failures, messages, metadata, ratings, sessions

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
OPEN = ("waiting", "active")


@dataclass(frozen=True)
class Agent:
    id: int
    username: str
    display_name: str
    role: str  # agent | admin
    active: bool
    password_hash: str = field(repr=False, default="")
    last_seen_at: float | None = None

    def public(self) -> dict:
        return {"id": self.id, "username": self.username, "display_name": self.display_name, "role": self.role,
                "active": self.active, "last_seen_at": self.last_seen_at}


@dataclass(frozen=True)
class NewHandoff:
    """A ticket as the assistant opens it."""
    conversation_id: str
    channel: str
    mode: str  # live | offline
    reason: str
    signals: dict
    frustration: float
    summary: dict
    transcript: list[dict]
    sentiment: list[dict]
    sources: list[dict]
    customer_email: str | None
    created_at: float
    feed_cursor: float  # the last conversation event the ticket already holds


@dataclass(frozen=True)
class Handoff(NewHandoff):
    """A stored ticket: what the assistant opened, plus where agents have taken it."""
    id: int
    status: str  # waiting | active | resolved
    agent_id: int | None
    claimed_at: float | None
    first_reply_at: float | None
    resolved_at: float | None
    disposition: str | None
    tags: list[str] | None
    note: str | None


@dataclass(frozen=True)
class HandoffMessage:
    id: int
    handoff_id: int
    sender: str  # customer | agent | system
    agent_id: int | None
    text: str
    sentiment: float | None
    at: float


@dataclass(frozen=True)
class Activity:
    """One entry of the live feed: a new handoff, a customer message, a claim, a transfer, a resolution."""
    id: int
    handoff_id: int
    kind: str
    data: dict
    at: float


@dataclass(frozen=True)
class Rating:
    """A customer's satisfaction rating of a conversation (1-5), tied to its latest handoff if it had one."""
    id: int
    conversation_id: str
    rating: int
    handoff_id: int | None
    at: float


class HandoffStore(Protocol):
    def create_agent(self, username: str, display_name: str, password_hash: str, role: str, at: float) -> Agent: ...
    def agent(self, agent_id: int) -> Agent | None: ...
    def agent_by_username(self, username: str) -> Agent | None: ...
    def agents(self) -> list[Agent]: ...
    def update_agent(self, agent_id: int, **values) -> Agent | None: ...
    def agents_online(self, since: float, now: float) -> int: ...
    def create_session(self, token_hash: str, agent_id: int, at: float, expires_at: float) -> None: ...
    def session_agent(self, token_hash: str, now: float) -> Agent | None: ...
    def delete_session(self, token_hash: str) -> None: ...
    def delete_sessions_of(self, agent_id: int) -> None: ...
    def record_login_failure(self, key: str, at: float) -> None: ...
    def login_failures_since(self, key: str, since: float) -> int: ...
    def clear_login_failures(self, key: str) -> None: ...
    def open_handoff(self, ticket: NewHandoff) -> tuple[Handoff, bool]: ...
    def handoff(self, handoff_id: int) -> Handoff | None: ...
    def open_handoffs(self) -> list[Handoff]: ...
    def handoffs(self, statuses: tuple[str, ...], agent_id: int | None = None, limit: int = 200) -> list[Handoff]: ...
    def count(self, status: str) -> int: ...
    def search(self, text: str, limit: int = 50) -> list[Handoff]: ...
    def created_since(self, since: float) -> list[Handoff]: ...
    def queue_position(self, handoff_id: int) -> int: ...
    def claim(self, handoff_id: int, agent_id: int, at: float) -> bool: ...
    def transfer(self, handoff_id: int, from_agent: int | None, to_agent: int) -> bool: ...
    def resolve(self, handoff_id: int, at: float, disposition: str, tags: list[str], note: str) -> bool: ...
    def set_customer_email(self, handoff_id: int, email: str) -> None: ...
    def advance_cursor(self, handoff_id: int, cursor: float) -> None: ...
    def mark_first_reply(self, handoff_id: int, at: float) -> None: ...
    def add_message(self, handoff_id: int, sender: str, text: str, at: float, agent_id: int | None = None,
                    sentiment: float | None = None, event_key: str | None = None) -> HandoffMessage | None: ...
    def messages(self, handoff_id: int) -> list[HandoffMessage]: ...
    def add_activity(self, handoff_id: int, kind: str, data: dict, at: float) -> Activity: ...
    def activity_after(self, last_id: int, limit: int = 200) -> list[Activity]: ...
    def last_activity_id(self) -> int: ...
    def add_rating(self, conversation_id: str, rating: int, at: float) -> Rating: ...
    def ratings_since(self, since: float) -> list[Rating]: ...


def _json(value) -> str:
    """JSON columns keep text as written (not \\u-escaped), so search finds words in any script."""
    return json.dumps(value, ensure_ascii=False)


def migrate(engine: sa.engine.Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with the Alembic migrations (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


class SqlHandoffStore:
    """`HandoffStore` on SQLAlchemy Core; every method is one short transaction."""

    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> "SqlHandoffStore":
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(url, connect_args={"timeout": 30}, json_serializer=_json)
        else:
            if url.startswith(
                ("postgresql://", "postgres://")
            ):  # the driver we ship (SQLAlchemy 2.1 assumes psycopg 3)
                url = "postgresql+psycopg2://" + url.split("://", 1)[1]
            engine = sa.create_engine(url, pool_pre_ping=True, json_serializer=_json)
        return cls(engine)

    def migrate(self) -> None:
        migrate(self.engine)

    # --- agents and sessions ---------------------------------------------------
    @staticmethod
    def _agent(row) -> Agent | None:
        if row is None:
            return None
        return Agent(row.id, row.username, row.display_name, row.role, bool(row.active), row.password_hash,
                     row.last_seen_at)

    def create_agent(self, username: str, display_name: str, password_hash: str, role: str, at: float) -> Agent:
        with self.engine.begin() as c:
            agent_id = c.execute(agents.insert().values(username=username, display_name=display_name,
                                                        password_hash=password_hash, role=role, active=True,
                                                        created_at=at)).inserted_primary_key[0]
        return self.agent(agent_id)

    def agent(self, agent_id: int) -> Agent | None:
        with self.engine.connect() as c:
            return self._agent(c.execute(agents.select().where(agents.c.id == agent_id)).first())

    def agent_by_username(self, username: str) -> Agent | None:
        with self.engine.connect() as c:
            return self._agent(c.execute(agents.select().where(agents.c.username == username)).first())

    def agents(self) -> list[Agent]:
        with self.engine.connect() as c:
            return [self._agent(r) for r in c.execute(agents.select().order_by(agents.c.username))]

    def update_agent(self, agent_id: int, **values) -> Agent | None:
        allowed = {"display_name", "password_hash", "role", "active", "last_seen_at"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        with self.engine.begin() as c:
            c.execute(agents.update().where(agents.c.id == agent_id).values(**values))
        return self.agent(agent_id)

    def agents_online(self, since: float, now: float) -> int:
        """Active agents seen since `since` who are still logged in (signing out takes one offline at once)."""
        logged_in = sa.select(sessions.c.agent_id).where(sessions.c.expires_at > now)
        with self.engine.connect() as c:
            return c.execute(sa.select(sa.func.count()).select_from(agents).where(
                agents.c.active.is_(True), agents.c.last_seen_at >= since, agents.c.id.in_(logged_in))).scalar_one()

    def create_session(self, token_hash: str, agent_id: int, at: float, expires_at: float) -> None:
        with self.engine.begin() as c:
            c.execute(sessions.delete().where(sessions.c.expires_at < at))
            c.execute(sessions.insert().values(token_hash=token_hash, agent_id=agent_id, created_at=at,
                                               expires_at=expires_at))

    def session_agent(self, token_hash: str, now: float) -> Agent | None:
        with self.engine.connect() as c:
            row = c.execute(sa.select(agents).join(sessions, sessions.c.agent_id == agents.c.id).where(
                sessions.c.token_hash == token_hash, sessions.c.expires_at > now, agents.c.active.is_(True))).first()
        return self._agent(row)

    def delete_session(self, token_hash: str) -> None:
        with self.engine.begin() as c:
            c.execute(sessions.delete().where(sessions.c.token_hash == token_hash))

    def delete_sessions_of(self, agent_id: int) -> None:
        with self.engine.begin() as c:
            c.execute(sessions.delete().where(sessions.c.agent_id == agent_id))

    def record_login_failure(self, key: str, at: float) -> None:
        with self.engine.begin() as c:
            c.execute(login_failures.insert().values(key=key, at=at))

    def login_failures_since(self, key: str, since: float) -> int:
        with self.engine.connect() as c:
            return c.execute(sa.select(sa.func.count()).select_from(login_failures).where(
                login_failures.c.key == key, login_failures.c.at >= since)).scalar_one()

    def clear_login_failures(self, key: str) -> None:
        with self.engine.begin() as c:
            c.execute(login_failures.delete().where(login_failures.c.key == key))

    # --- handoffs -----------------------------------------------------------------
    @staticmethod
    def _handoff(row) -> Handoff | None:
        return None if row is None else Handoff(**row._mapping)

    def open_handoff(self, ticket: NewHandoff) -> tuple[Handoff, bool]:
        """Open a ticket, or return the conversation's ticket that is still open (and False: not new)."""
        with self.engine.begin() as c:
            row = c.execute(handoffs.select().where(handoffs.c.conversation_id == ticket.conversation_id,
                                                    handoffs.c.status.in_(OPEN))).first()
            if row is not None:
                return self._handoff(row), False
            values = {k: getattr(ticket, k) for k in NewHandoff.__dataclass_fields__}
            handoff_id = c.execute(handoffs.insert().values(status="waiting", **values)).inserted_primary_key[0]
            row = c.execute(handoffs.select().where(handoffs.c.id == handoff_id)).first()
        return self._handoff(row), True

    def handoff(self, handoff_id: int) -> Handoff | None:
        with self.engine.connect() as c:
            return self._handoff(c.execute(handoffs.select().where(handoffs.c.id == handoff_id)).first())

    def open_handoffs(self) -> list[Handoff]:
        return self.handoffs(OPEN)

    def handoffs(self, statuses: tuple[str, ...], agent_id: int | None = None, limit: int = 200) -> list[Handoff]:
        query = handoffs.select().where(handoffs.c.status.in_(statuses))
        if agent_id is not None:
            query = query.where(handoffs.c.agent_id == agent_id)
        with self.engine.connect() as c:
            rows = c.execute(query.order_by(handoffs.c.created_at.desc()).limit(limit))
            return [self._handoff(r) for r in rows]

    def search(self, text: str, limit: int = 50) -> list[Handoff]:
        """Handoffs whose conversation, summary, e-mail, tags, note or messages mention `text`, newest first."""
        like = f"%{text.strip().lower()}%"
        said = sa.select(messages.c.handoff_id).where(sa.func.lower(messages.c.text).like(like))
        fields = [sa.cast(handoffs.c.transcript, sa.Text), sa.cast(handoffs.c.summary, sa.Text),
                  sa.cast(handoffs.c.tags, sa.Text), handoffs.c.note, handoffs.c.customer_email,
                  handoffs.c.conversation_id]
        query = handoffs.select().where(sa.or_(*[sa.func.lower(f).like(like) for f in fields],
                                               handoffs.c.id.in_(said)))
        with self.engine.connect() as c:
            return [self._handoff(r) for r in c.execute(query.order_by(handoffs.c.created_at.desc()).limit(limit))]

    def created_since(self, since: float) -> list[Handoff]:
        with self.engine.connect() as c:
            return [self._handoff(r) for r in c.execute(handoffs.select().where(handoffs.c.created_at >= since))]

    def count(self, status: str) -> int:
        with self.engine.connect() as c:
            return c.execute(sa.select(sa.func.count()).select_from(handoffs).where(handoffs.c.status == status)
                             ).scalar_one()

    def queue_position(self, handoff_id: int) -> int:
        """1 for the oldest live ticket waiting (customers waiting in the chat go before e-mail tickets);
        0 when the ticket is not a waiting live one."""
        with self.engine.connect() as c:
            row = c.execute(sa.select(handoffs.c.created_at, handoffs.c.status, handoffs.c.mode)
                            .where(handoffs.c.id == handoff_id)).first()
            if row is None or row.status != "waiting" or row.mode != "live":
                return 0
            return c.execute(sa.select(sa.func.count()).select_from(handoffs).where(
                handoffs.c.status == "waiting", handoffs.c.mode == "live",
                handoffs.c.created_at <= row.created_at)).scalar_one()

    def claim(self, handoff_id: int, agent_id: int, at: float) -> bool:
        """Take a waiting ticket; False when someone else took it first (one conditional update)."""
        with self.engine.begin() as c:
            done = c.execute(handoffs.update().where(handoffs.c.id == handoff_id, handoffs.c.status == "waiting")
                             .values(status="active", agent_id=agent_id, claimed_at=at)).rowcount
        return done == 1

    def transfer(self, handoff_id: int, from_agent: int | None, to_agent: int) -> bool:
        """Give an open ticket to another agent; `from_agent` None: whoever holds it (an admin's transfer)."""
        query = handoffs.update().where(handoffs.c.id == handoff_id, handoffs.c.status.in_(OPEN))
        if from_agent is not None:
            query = query.where(handoffs.c.agent_id == from_agent)
        with self.engine.begin() as c:
            done = c.execute(query.values(status="active", agent_id=to_agent,
                                          claimed_at=sa.func.coalesce(handoffs.c.claimed_at, handoffs.c.created_at))
                             ).rowcount
        return done == 1

    def resolve(self, handoff_id: int, at: float, disposition: str, tags: list[str], note: str) -> bool:
        with self.engine.begin() as c:
            done = c.execute(handoffs.update().where(handoffs.c.id == handoff_id, handoffs.c.status.in_(OPEN))
                             .values(status="resolved", resolved_at=at, disposition=disposition, tags=tags,
                                     note=note)).rowcount
        return done == 1

    def set_customer_email(self, handoff_id: int, email: str) -> None:
        with self.engine.begin() as c:
            c.execute(handoffs.update().where(handoffs.c.id == handoff_id).values(customer_email=email))

    def advance_cursor(self, handoff_id: int, cursor: float) -> None:
        with self.engine.begin() as c:
            c.execute(handoffs.update().where(handoffs.c.id == handoff_id, handoffs.c.feed_cursor < cursor)
                      .values(feed_cursor=cursor))

    def mark_first_reply(self, handoff_id: int, at: float) -> None:
        with self.engine.begin() as c:
            c.execute(handoffs.update().where(handoffs.c.id == handoff_id, handoffs.c.first_reply_at.is_(None))
                      .values(first_reply_at=at))

    # --- messages and activity -------------------------------------------------------
    def add_message(self, handoff_id: int, sender: str, text: str, at: float, agent_id: int | None = None,
                    sentiment: float | None = None, event_key: str | None = None) -> HandoffMessage | None:
        """Store a message; None when `event_key` was already taken in (another console instance did)."""
        try:
            with self.engine.begin() as c:
                message_id = c.execute(messages.insert().values(
                    handoff_id=handoff_id, sender=sender, agent_id=agent_id, text=text, sentiment=sentiment, at=at,
                    event_key=event_key)).inserted_primary_key[0]
        except sa.exc.IntegrityError:
            return None
        return HandoffMessage(message_id, handoff_id, sender, agent_id, text, sentiment, at)

    def messages(self, handoff_id: int) -> list[HandoffMessage]:
        with self.engine.connect() as c:
            rows = c.execute(messages.select().where(messages.c.handoff_id == handoff_id).order_by(messages.c.id))
            return [HandoffMessage(r.id, r.handoff_id, r.sender, r.agent_id, r.text, r.sentiment, r.at) for r in rows]

    def add_activity(self, handoff_id: int, kind: str, data: dict, at: float) -> Activity:
        with self.engine.begin() as c:
            activity_id = c.execute(activity.insert().values(handoff_id=handoff_id, kind=kind, data=data, at=at)
                                    ).inserted_primary_key[0]
        return Activity(activity_id, handoff_id, kind, data, at)

    def activity_after(self, last_id: int, limit: int = 200) -> list[Activity]:
        with self.engine.connect() as c:
            rows = c.execute(activity.select().where(activity.c.id > last_id).order_by(activity.c.id).limit(limit))
            return [Activity(r.id, r.handoff_id, r.kind, r.data, r.at) for r in rows]

    def last_activity_id(self) -> int:
        with self.engine.connect() as c:
            return c.execute(sa.select(sa.func.coalesce(sa.func.max(activity.c.id), 0))).scalar_one()


    # --- satisfaction ratings ------------------------------------------------------
    def add_rating(self, conversation_id: str, rating: int, at: float) -> Rating:
        with self.engine.begin() as c:
            handoff_id = c.execute(sa.select(handoffs.c.id).where(handoffs.c.conversation_id == conversation_id)
                                   .order_by(handoffs.c.id.desc()).limit(1)).scalar()
            rating_id = c.execute(ratings.insert().values(conversation_id=conversation_id, rating=rating,
                                                          handoff_id=handoff_id, at=at)).inserted_primary_key[0]
        return Rating(rating_id, conversation_id, rating, handoff_id, at)

    def ratings_since(self, since: float) -> list[Rating]:
        with self.engine.connect() as c:
            rows = c.execute(ratings.select().where(ratings.c.at >= since).order_by(ratings.c.at)).all()
        return [Rating(r.id, r.conversation_id, r.rating, r.handoff_id, r.at) for r in rows]


__all__ = ["Activity", "Agent", "Handoff", "HandoffMessage", "HandoffStore", "NewHandoff", "Rating",
           "SqlHandoffStore", "metadata", "migrate"]
