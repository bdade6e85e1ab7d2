"""Mail delivery: a worker's claim on an outbox email, and an index to find the due ones.

Revision ID: 0002_mail_delivery
Revises: 0001_initial
Create Date: 2026-11-27 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002_mail_delivery"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "outboxemail",
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.create_index(
        "ix_outboxemail_due", "outboxemail", ["status", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_outboxemail_due", table_name="outboxemail")
    with op.batch_alter_table("outboxemail") as batch_op:
        batch_op.drop_column("claimed_by")
