"""Orders keep a hash of the request their idempotency key first came with; the outbox is
indexed by recipient, for the per-address limit on order confirmations.

Revision ID: 0007_guard_order_limits
Revises: 0006_portions_audit
Create Date: 2026-12-02 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_guard_order_limits"
down_revision: str | Sequence[str] | None = "0006_portions_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order") as batch:
        batch.add_column(
            sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
    op.create_index(
        "ix_outboxemail_to_kind_created", "outboxemail", ["to", "kind", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_outboxemail_to_kind_created", table_name="outboxemail")
    with op.batch_alter_table("order") as batch:
        batch.drop_column("request_hash")
