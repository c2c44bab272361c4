"""one code per bokslut and clinic (and organisation-wide) for goals, indicators and findings

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 08:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ('goal', 'indicator', 'finding')
ORGANISATION_WIDE = sa.text('clinic_id IS NULL')

# Two loads at once could store a code twice. Keep every row (a finding may have decisions) and give the later
# copies a code of their own, so the rule can be added; a later replace removes them or names them.
RENAME_DUPLICATES = """
UPDATE {table} SET code = substr(code, 1, 30) || ' (dubblett ' || id || ')'
WHERE EXISTS (SELECT 1 FROM {table} AS earlier
              WHERE earlier.annual_report_id = {table}.annual_report_id AND earlier.code = {table}.code
                AND earlier.id < {table}.id
                AND (earlier.clinic_id = {table}.clinic_id
                     OR (earlier.clinic_id IS NULL AND {table}.clinic_id IS NULL)))
"""


def upgrade() -> None:
    for table in TABLES:
        op.execute(RENAME_DUPLICATES.format(table=table))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(f'uq_{table}_report_clinic_code',
                                              ['annual_report_id', 'clinic_id', 'code'])
        op.create_index(f'uq_{table}_report_code_organisation', table, ['annual_report_id', 'code'], unique=True,
                        sqlite_where=ORGANISATION_WIDE, postgresql_where=ORGANISATION_WIDE)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f'uq_{table}_report_code_organisation', table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'uq_{table}_report_clinic_code', type_='unique')
