"""Customers' satisfaction ratings (1-5) of their conversations.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_ratings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("handoff_id", sa.Integer, sa.ForeignKey("handoffs.id")),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_conversation_ratings_conversation_id", "conversation_ratings", ["conversation_id"])
    op.create_index("ix_conversation_ratings_at", "conversation_ratings", ["at"])


def downgrade() -> None:
    op.drop_table("conversation_ratings")
