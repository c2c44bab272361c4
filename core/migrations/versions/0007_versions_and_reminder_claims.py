"""versions for notes, attendance and answers; reminders claimed before sending

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 07:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

VERSIONED = ('agendaitem', 'attendance', 'answer')


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('sent_at', existing_type=sa.DateTime(timezone=True), nullable=True)
    op.execute("UPDATE reminder SET claimed_at = sent_at")


def downgrade() -> None:
    op.execute("DELETE FROM reminder WHERE sent_at IS NULL")
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.alter_column('sent_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_column('claimed_at')
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
