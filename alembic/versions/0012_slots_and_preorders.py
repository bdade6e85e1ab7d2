"""Pacing and pre-orders: a truck's limits per 15-minute slot; an order's pickup time, when it
goes to the kitchen and when it went.

Revision ID: 0012_slots_and_preorders
Revises: 0011_ready_time_quote
Create Date: 2026-12-02 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_slots_and_preorders"
down_revision: str | Sequence[str] | None = "0011_ready_time_quote"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("truck") as batch:
        batch.add_column(sa.Column("slot_order_limit", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("slot_item_limit", sa.Integer(), nullable=True))
    with op.batch_alter_table("order") as batch:
        batch.add_column(sa.Column("pickup_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("release_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_order_release_at", ["release_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("order") as batch:
        batch.drop_index("ix_order_release_at")
        batch.drop_column("released_at")
        batch.drop_column("release_at")
        batch.drop_column("pickup_at")
    with op.batch_alter_table("truck") as batch:
        batch.drop_column("slot_item_limit")
        batch.drop_column("slot_order_limit")
