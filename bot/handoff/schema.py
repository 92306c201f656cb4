"""SQL schema of the handoff store: agents, their sessions, handoff tickets, the messages of a handoff
and the activity feed that the agent API streams. Changes go through a migration in `migrations/`."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

agents = sa.Table(
    "agents", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(120), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),  # agent | admin
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen_at", sa.Float),
)

sessions = sa.Table(
    "agent_sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 of the bearer token; the token is not stored
    sa.Column("agent_id", sa.ForeignKey("agents.id"), nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, index=True),  # "user:<name>" or "ip:<address>"
    sa.Column("at", sa.Float, nullable=False),
)

handoffs = sa.Table(
    "handoffs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(60), nullable=False),
    sa.Column("status", sa.String(12), nullable=False, index=True),  # waiting | active | resolved
    sa.Column("mode", sa.String(8), nullable=False),  # live (conversation paused) | offline (reply by e-mail)
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("signals", sa.JSON, nullable=False),
    sa.Column("frustration", sa.Float, nullable=False),
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("transcript", sa.JSON, nullable=False),
    sa.Column("sentiment", sa.JSON, nullable=False),  # timeline: [{at, text, score}]
    sa.Column("sources", sa.JSON, nullable=False),
    sa.Column("customer_email", sa.String(200)),
    sa.Column("agent_id", sa.ForeignKey("agents.id"), index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("claimed_at", sa.Float),
    sa.Column("first_reply_at", sa.Float),
    sa.Column("resolved_at", sa.Float),
    sa.Column("disposition", sa.String(40)),
    sa.Column("tags", sa.JSON),
    sa.Column("note", sa.Text),
    sa.Column("feed_cursor", sa.Float, nullable=False),  # timestamp of the last conversation event taken in
)

messages = sa.Table(
    "handoff_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("handoff_id", sa.ForeignKey("handoffs.id"), nullable=False, index=True),
    sa.Column("sender", sa.String(10), nullable=False),  # customer | agent | system
    sa.Column("agent_id", sa.ForeignKey("agents.id")),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("sentiment", sa.Float),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("event_key", sa.String(300), unique=True),  # conversation event it came from: taken in once
)

activity = sa.Table(
    "handoff_activity", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("handoff_id", sa.ForeignKey("handoffs.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(30), nullable=False),  # handoff_created | customer_message | claimed | ...
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

ratings = sa.Table(
    "conversation_ratings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("rating", sa.Integer, nullable=False),  # 1..5
    sa.Column("handoff_id", sa.ForeignKey("handoffs.id")),  # the conversation's latest handoff, if any
    sa.Column("at", sa.Float, nullable=False, index=True),
)
