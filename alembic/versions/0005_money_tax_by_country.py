"""Tax by country: the business's country (its locale and GST rate) and each order's GST rate.

Orders priced before this revision carried Australian GST (one eleventh) when they had any.

Revision ID: 0005_money
Revises: 0004_session_handoff
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005_money"
down_revision: str | Sequence[str] | None = "0004_session_handoff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("business") as batch:
        batch.add_column(
            sa.Column(
                "country",
                sqlmodel.sql.sqltypes.AutoString(length=2),
                nullable=False,
                server_default="AU",
            )
        )
    with op.batch_alter_table("order") as batch:
        batch.add_column(sa.Column("tax_bp", sa.Integer(), nullable=False, server_default="0"))
    op.execute('UPDATE "order" SET tax_bp = 1000 WHERE gst_cents > 0')


def downgrade() -> None:
    with op.batch_alter_table("order") as batch:
        batch.drop_column("tax_bp")
    with op.batch_alter_table("business") as batch:
        batch.drop_column("country")
