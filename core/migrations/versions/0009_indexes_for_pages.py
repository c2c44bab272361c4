"""indexes for the queries the pages make at a region's size: open actions by due date, reviews by year

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:30:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = {
    'ix_action_status_due_date': ('action', ['status', 'due_date']),
    'ix_action_clinic_status_due_date': ('action', ['clinic_id', 'status', 'due_date']),
    'ix_review_year': ('review', ['year']),
    'ix_indicator_clinic_code': ('indicator', ['clinic_id', 'code']),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
