"""wifi gateways, announcements, grant log and hourly counts

Revision ID: 0006_wifi
Revises: 0001
Create Date: 2026-11-27 05:45:30.665409
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006_wifi'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wifi_once',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )
    with op.batch_alter_table('wifi_once', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wifi_once_expires_at'), ['expires_at'], unique=False)

    op.create_table('wifi_pending_auth',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gatewayhash', sa.String(length=64), nullable=False),
    sa.Column('rhid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('entry', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('gatewayhash', 'rhid')
    )
    with op.batch_alter_table('wifi_pending_auth', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wifi_pending_auth_gatewayhash'), ['gatewayhash'], unique=False)

    op.create_table('wifi_announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['wifi_location.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('wifi_announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wifi_announcement_location_id'), ['location_id'], unique=False)

    op.create_table('wifi_gateway',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('controller', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('identifier', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('secret_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['wifi_location.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('controller', 'identifier')
    )
    with op.batch_alter_table('wifi_gateway', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wifi_gateway_location_id'), ['location_id'], unique=False)

    op.create_table('wifi_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('controller', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('terms_version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('pseudonym', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['wifi_location.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('wifi_grant', schema=None) as batch_op:
        batch_op.create_index('ix_wifi_grant_granted_at', ['granted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_wifi_grant_location_id'), ['location_id'], unique=False)

    op.create_table('wifi_hourly',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('connections', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['wifi_location.id'], ),
    sa.PrimaryKeyConstraint('location_id', 'hour')
    )
    with op.batch_alter_table('wifi_location', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings', sa.JSON(), server_default='{}', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('wifi_location', schema=None) as batch_op:
        batch_op.drop_column('settings')

    op.drop_table('wifi_hourly')
    with op.batch_alter_table('wifi_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wifi_grant_location_id'))
        batch_op.drop_index('ix_wifi_grant_granted_at')

    op.drop_table('wifi_grant')
    with op.batch_alter_table('wifi_gateway', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wifi_gateway_location_id'))

    op.drop_table('wifi_gateway')
    with op.batch_alter_table('wifi_announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wifi_announcement_location_id'))

    op.drop_table('wifi_announcement')
    with op.batch_alter_table('wifi_pending_auth', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wifi_pending_auth_gatewayhash'))

    op.drop_table('wifi_pending_auth')
    with op.batch_alter_table('wifi_once', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wifi_once_expires_at'))

    op.drop_table('wifi_once')
