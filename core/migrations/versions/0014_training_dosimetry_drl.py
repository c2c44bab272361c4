"""bokslut format 1.1: training per staff group, personal dosimetry and DRL status per examination type

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 02:10:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def _owned(name: str, *columns: sa.Column) -> None:
    """A table of bokslut rows: its bokslut and clinic, indexed."""
    op.create_table(name,
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('annual_report_id', sa.Integer(), nullable=False),
                    sa.Column('clinic_id', sa.Integer(), nullable=True),
                    *columns,
                    sa.ForeignKeyConstraint(['annual_report_id'], ['annualreport.id'], ),
                    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], ),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_annual_report_id'), ['annual_report_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{name}_clinic_id'), ['clinic_id'], unique=False)


def upgrade() -> None:
    _owned('trainingrecord',
           sa.Column('staff_group', TEXT(length=32), nullable=False),
           sa.Column('staff_count', sa.Float(), nullable=False),
           sa.Column('trained_count', sa.Float(), nullable=False),
           sa.Column('comment', TEXT(length=500), nullable=True))
    _owned('dosimetryrecord',
           sa.Column('staff_group', TEXT(length=32), nullable=False),
           sa.Column('category_a_count', sa.Float(), nullable=True),
           sa.Column('max_hp10', sa.Float(), nullable=True),
           sa.Column('max_hp3', sa.Float(), nullable=True),
           sa.Column('max_extremity', sa.Float(), nullable=True),
           sa.Column('comment', TEXT(length=500), nullable=True))
    _owned('drlstatus',
           sa.Column('examination', TEXT(length=200), nullable=False),
           sa.Column('quantity', TEXT(length=50), nullable=True),
           sa.Column('unit', TEXT(length=30), nullable=True),
           sa.Column('local_level', sa.Float(), nullable=True),
           sa.Column('national_drl', sa.Float(), nullable=True),
           sa.Column('determined_on', sa.Date(), nullable=True),
           sa.Column('comment', TEXT(length=500), nullable=True))


def downgrade() -> None:
    for name in ('drlstatus', 'dosimetryrecord', 'trainingrecord'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{name}_clinic_id'))
            batch_op.drop_index(batch_op.f(f'ix_{name}_annual_report_id'))
        op.drop_table(name)
