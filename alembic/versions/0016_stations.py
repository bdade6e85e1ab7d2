"""Kitchen stations of a truck, where its categories and items are made, and their bumps.

Revision ID: 0016_stations
Revises: 0015_printers
Create Date: 2026-12-02 11:36:33.340171
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0016_stations'
down_revision: str | Sequence[str] | None = '0015_printers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('station',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('truck_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], ),
    sa.ForeignKeyConstraint(['truck_id'], ['truck.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_station_truck_id'), ['truck_id'], unique=False)

    op.create_table('stationbump',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('bumped_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('bumped_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['bumped_by'], ['staffmember.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id', 'station_id')
    )
    with op.batch_alter_table('stationbump', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stationbump_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stationbump_station_id'), ['station_id'], unique=False)

    op.create_table('stationroute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('truck_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['menucategory.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['menuitem.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.ForeignKeyConstraint(['truck_id'], ['truck.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('truck_id', 'category_id'),
    sa.UniqueConstraint('truck_id', 'item_id')
    )
    with op.batch_alter_table('stationroute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stationroute_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stationroute_truck_id'), ['truck_id'], unique=False)

    with op.batch_alter_table('orderline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('station_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_orderline_station_id', 'station', ['station_id'], ['id'])

    with op.batch_alter_table('printer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('station_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_printer_station_id', 'station', ['station_id'], ['id'])



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('printer', schema=None) as batch_op:
        batch_op.drop_constraint('fk_printer_station_id', type_='foreignkey')
        batch_op.drop_column('station_id')

    with op.batch_alter_table('orderline', schema=None) as batch_op:
        batch_op.drop_constraint('fk_orderline_station_id', type_='foreignkey')
        batch_op.drop_column('station_id')

    with op.batch_alter_table('stationroute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stationroute_truck_id'))
        batch_op.drop_index(batch_op.f('ix_stationroute_station_id'))

    op.drop_table('stationroute')
    with op.batch_alter_table('stationbump', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stationbump_station_id'))
        batch_op.drop_index(batch_op.f('ix_stationbump_order_id'))

    op.drop_table('stationbump')
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_truck_id'))
        batch_op.drop_index(batch_op.f('ix_station_business_id'))

    op.drop_table('station')
