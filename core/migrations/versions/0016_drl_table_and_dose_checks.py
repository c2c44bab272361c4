"""SSM's DRL table: a DRL row names its equipment and the table version its national level comes from;
a clinic's own investigation levels for personal doses

Revision ID: 0016d
Revises: 0015e
Create Date: 2026-12-03 13:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0016d'
down_revision: Union[str, None] = '0015e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TEXT = sqlmodel.sql.sqltypes.AutoString
DOSES = ('investigation_hp10', 'investigation_hp3', 'investigation_extremity')


def upgrade() -> None:
    with op.batch_alter_table('drlstatus', schema=None) as batch_op:
        batch_op.add_column(sa.Column('equipment', TEXT(length=100), nullable=True))
        batch_op.add_column(sa.Column('national_source', TEXT(length=100), nullable=True))
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        for name in DOSES:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        for name in reversed(DOSES):
            batch_op.drop_column(name)
    with op.batch_alter_table('drlstatus', schema=None) as batch_op:
        batch_op.drop_column('national_source')
        batch_op.drop_column('equipment')
