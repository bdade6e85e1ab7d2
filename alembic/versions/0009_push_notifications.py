"""Web Push: the installation's VAPID key, devices that ring (staff and customers), and the
notifications waiting for the push worker.

Revision ID: 0009_push_notifications
Revises: 0007_guard_order_limits
Create Date: 2026-12-02 04:59:42.847057
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009_push_notifications"
down_revision: str | Sequence[str] | None = "0007_guard_order_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('pushkey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('private_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('pushsubscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('truck_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('endpoint_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('endpoint', sa.Text(), nullable=False),
    sa.Column('p256dh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('auth', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('device', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['staffsession.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staffmember.id'], ),
    sa.ForeignKeyConstraint(['truck_id'], ['truck.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('endpoint_hash')
    )
    with op.batch_alter_table('pushsubscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pushsubscription_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pushsubscription_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pushsubscription_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pushsubscription_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pushsubscription_truck_id'), ['truck_id'], unique=False)

    op.create_table('pushmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('ttl_seconds', sa.Integer(), nullable=False),
    sa.Column('urgency', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['pushsubscription.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pushmessage', schema=None) as batch_op:
        batch_op.create_index('ix_pushmessage_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pushmessage_subscription_id'), ['subscription_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('pushmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pushmessage_subscription_id'))
        batch_op.drop_index('ix_pushmessage_due')

    op.drop_table('pushmessage')
    with op.batch_alter_table('pushsubscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pushsubscription_truck_id'))
        batch_op.drop_index(batch_op.f('ix_pushsubscription_staff_id'))
        batch_op.drop_index(batch_op.f('ix_pushsubscription_session_id'))
        batch_op.drop_index(batch_op.f('ix_pushsubscription_order_id'))
        batch_op.drop_index(batch_op.f('ix_pushsubscription_business_id'))

    op.drop_table('pushsubscription')
    op.drop_table('pushkey')
