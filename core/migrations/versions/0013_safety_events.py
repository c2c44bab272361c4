"""the register of events reported to SSM and internal deviations; a finding may come from an event

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 02:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('safetyevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('ssm_reference', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('report_due', sa.Date(), nullable=True),
    sa.Column('report_sent_on', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('safetyevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safetyevent_clinic_id'), ['clinic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safetyevent_occurred_on'), ['occurred_on'], unique=False)
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safety_event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_finding_safety_event_id'), ['safety_event_id'], unique=False)
        batch_op.create_foreign_key('fk_finding_safety_event_id_safetyevent', 'safetyevent', ['safety_event_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_constraint('fk_finding_safety_event_id_safetyevent', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_finding_safety_event_id'))
        batch_op.drop_column('safety_event_id')
    with op.batch_alter_table('safetyevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safetyevent_occurred_on'))
        batch_op.drop_index(batch_op.f('ix_safetyevent_clinic_id'))
    op.drop_table('safetyevent')
