"""Network receipt printers of a truck, and the print jobs waiting for the print worker.

Revision ID: 0015_printers
Revises: 0012_slots_and_preorders
Create Date: 2026-12-02 08:21:03.211047
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0015_printers'
down_revision: str | Sequence[str] | None = "0012_slots_and_preorders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('printer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('truck_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('prints_kitchen', sa.Boolean(), nullable=False),
    sa.Column('prints_receipts', sa.Boolean(), nullable=False),
    sa.Column('failing_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('last_printed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], ),
    sa.ForeignKeyConstraint(['truck_id'], ['truck.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('printer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_printer_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_printer_truck_id'), ['truck_id'], unique=False)

    op.create_table('printjob',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('printer_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('printed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], ),
    sa.ForeignKeyConstraint(['printer_id'], ['printer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('printjob', schema=None) as batch_op:
        batch_op.create_index('ix_printjob_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_printjob_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_printjob_printer_id'), ['printer_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('printjob', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_printjob_printer_id'))
        batch_op.drop_index(batch_op.f('ix_printjob_order_id'))
        batch_op.drop_index('ix_printjob_due')

    op.drop_table('printjob')
    with op.batch_alter_table('printer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_printer_truck_id'))
        batch_op.drop_index(batch_op.f('ix_printer_business_id'))

    op.drop_table('printer')
