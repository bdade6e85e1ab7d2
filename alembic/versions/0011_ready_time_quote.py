"""The ready time quoted to the customer when an order is placed (the on-time report's promise),
and the truck's choice to show first names on its pickup board.

Revision ID: 0011_ready_time_quote
Revises: 0010_order_reminders
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_ready_time_quote"
down_revision: str | Sequence[str] | None = "0010_order_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order") as batch:
        batch.add_column(sa.Column("quoted_ready_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("truck") as batch:
        batch.add_column(
            sa.Column(
                "board_first_names", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("truck") as batch:
        batch.drop_column("board_first_names")
    with op.batch_alter_table("order") as batch:
        batch.drop_column("quoted_ready_at")
