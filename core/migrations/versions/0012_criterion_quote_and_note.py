"""criteria v2: a verified criterion keeps the sentence it rests on (quote), and every criterion its note

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 01:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('quote')
