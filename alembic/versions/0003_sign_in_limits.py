"""Sign-in limits: one row per failed sign-in, counted per hashed email and client address.

Revision ID: 0003_sign_in_limits
Revises: 0001_initial
Create Date: 2026-11-27 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003_sign_in_limits"
down_revision: str | Sequence[str] | None = "0002_mail_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signinfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_signinfailure_key_hash"), "signinfailure", ["key_hash"], unique=False
    )
    op.create_index(
        op.f("ix_signinfailure_failed_at"), "signinfailure", ["failed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_signinfailure_failed_at"), table_name="signinfailure")
    op.drop_index(op.f("ix_signinfailure_key_hash"), table_name="signinfailure")
    op.drop_table("signinfailure")
