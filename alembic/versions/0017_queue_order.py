"""Queue places by the truck's count of stage moves instead of the wall clock: the move number
of an order's last stage move and of its joining the kitchen's queue (services/queue_order.py).

Orders already stored are numbered per truck in the order their times say (the clock they were
stamped by is all there is for them).

Revision ID: 0017_queue_order
Revises: 0016_stations
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_queue_order"
down_revision: str | Sequence[str] | None = "0016_stations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LAST_MOVE = (
    "COALESCE(closed_at, delivered_at, ready_at, cooking_done_at, accepted_at, placed_at)"
)


def _number(column: str, by: str, where: str) -> None:
    op.execute(
        f'UPDATE "order" SET {column} = (SELECT n FROM (SELECT id, ROW_NUMBER() OVER '
        f"(PARTITION BY truck_id ORDER BY {by}, id) AS n FROM \"order\" WHERE {where}) AS r "
        f'WHERE r.id = "order".id) WHERE {where}'
    )


def upgrade() -> None:
    with op.batch_alter_table("order") as batch:
        batch.add_column(sa.Column("moved_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("kitchen_seq", sa.Integer(), nullable=True))
        batch.create_index("ix_order_truck_moved_seq", ["truck_id", "moved_seq"], unique=False)
    _number("moved_seq", _LAST_MOVE, "TRUE")
    _number("kitchen_seq", "accepted_at", "accepted_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("order") as batch:
        batch.drop_index("ix_order_truck_moved_seq")
        batch.drop_column("kitchen_seq")
        batch.drop_column("moved_seq")
