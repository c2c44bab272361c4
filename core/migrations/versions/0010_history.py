"""the change log is called the history: table auditevent becomes historyentry (ClinicalAudit keeps "audit")

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 01:10:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXED = ['at', 'clinic_id', 'entity', 'entity_id', 'review_id']


def _rename(old: str, new: str) -> None:
    """Rename the table and its indexes (named after the table, as SQLModel names them)."""
    for column in INDEXED:
        op.drop_index(f'ix_{old}_{column}', table_name=old)
    op.rename_table(old, new)
    for column in INDEXED:
        op.create_index(f'ix_{new}_{column}', new, [column])


def upgrade() -> None:
    _rename('auditevent', 'historyentry')


def downgrade() -> None:
    _rename('historyentry', 'auditevent')
