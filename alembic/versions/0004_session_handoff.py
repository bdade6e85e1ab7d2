"""Session hand-off: single-use codes a sign-in over the websocket hands to the HTTP route that
sets the HttpOnly session cookie.

Revision ID: 0004_session_handoff
Revises: 0003_sign_in_limits
Create Date: 2026-11-27 16:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_session_handoff"
down_revision: str | Sequence[str] | None = "0003_sign_in_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sessionhandoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staffmember.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index(
        op.f("ix_sessionhandoff_staff_id"), "sessionhandoff", ["staff_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sessionhandoff_staff_id"), table_name="sessionhandoff")
    op.drop_table("sessionhandoff")
