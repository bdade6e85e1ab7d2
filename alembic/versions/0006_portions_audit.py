"""Portions held by orders, the truck's low-portions threshold, and the audit page's index.

Orders already In Progress or later took their portions at Accept (the old rule), so they are
marked as holding them; Received and Awaiting Payment orders did not, and hold none.

Revision ID: 0006_portions_audit
Revises: 0005_money
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_portions_audit"
down_revision: str | Sequence[str] | None = "0005_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("truck") as batch_op:
        batch_op.add_column(
            sa.Column("low_portions_at", sa.Integer(), nullable=False, server_default="5")
        )
    with op.batch_alter_table("order") as batch_op:
        batch_op.add_column(
            sa.Column("portions_held", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        sa.text(
            "UPDATE \"order\" SET portions_held = :held "
            "WHERE stage IN ('in_progress', 'cooking_done', 'ready_for_pickup')"
        ).bindparams(held=True)
    )
    op.create_index("ix_auditevent_business_at", "auditevent", ["business_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_auditevent_business_at", table_name="auditevent")
    with op.batch_alter_table("order") as batch_op:
        batch_op.drop_column("portions_held")
    with op.batch_alter_table("truck") as batch_op:
        batch_op.drop_column("low_portions_at")
