"""Reminders for orders waiting unaccepted: each truck's threshold, and when an order waiting in
Received is due to be pushed to its Order Managers again.

Orders already waiting in Received get no reminder until they are placed again or stepped back
(their next reminder is unknown): they are on the board and rang when they came in.

Revision ID: 0010_order_reminders
Revises: 0009_push_notifications
Create Date: 2026-12-02 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_order_reminders"
down_revision: str | Sequence[str] | None = "0009_push_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("truck") as batch_op:
        batch_op.add_column(
            sa.Column("reminder_minutes", sa.Integer(), nullable=False, server_default="3")
        )
    with op.batch_alter_table("order") as batch_op:
        batch_op.add_column(sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_order_remind_at", "order", ["remind_at"])


def downgrade() -> None:
    op.drop_index("ix_order_remind_at", table_name="order")
    with op.batch_alter_table("order") as batch_op:
        batch_op.drop_column("remind_at")
    with op.batch_alter_table("truck") as batch_op:
        batch_op.drop_column("reminder_minutes")
