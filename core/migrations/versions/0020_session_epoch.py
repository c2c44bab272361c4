"""a user's sessions and login cookies end when the password changes: when it last changed

Revision ID: 0020s
Revises: 0019w
Create Date: 2026-12-03 17:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0020s'
down_revision: Union[str, None] = '0019w'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Unset for every user so far: sessions opened before the upgrade stay valid until the next password change.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('password_changed_at')
