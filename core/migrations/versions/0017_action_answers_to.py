"""a free action (no finding, no gap) says what it answers

Revision ID: 0017a
Revises: 0016d
Create Date: 2026-12-03 13:10:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0017a'
down_revision: Union[str, None] = '0016d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Actions decided before keep no answer ("–" in their minutes, as printed); new free actions must give one.
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers_to', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_column('answers_to')
