"""one winner on every save: a staff group once per bokslut and clinic, an event raised as one finding, a version
for the staffing form

Revision ID: 0019w
Revises: 0018c
Create Date: 2026-12-05 09:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0019w'
down_revision: Union[str, None] = '0018c'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

GROUP_TABLES = ('trainingrecord', 'dosimetryrecord')
ORGANISATION_WIDE = sa.text('clinic_id IS NULL')
RAISED = sa.text('safety_event_id IS NOT NULL')

# Two saves at once could store a staff group twice. The figures are only read per group, so the newest row
# (the last save's) is the one kept; nothing refers to these rows.
DELETE_OLDER_GROUPS = """
DELETE FROM {table}
WHERE EXISTS (SELECT 1 FROM {table} AS later
              WHERE later.annual_report_id = {table}.annual_report_id AND later.staff_group = {table}.staff_group
                AND later.id > {table}.id
                AND (later.clinic_id = {table}.clinic_id
                     OR (later.clinic_id IS NULL AND {table}.clinic_id IS NULL)))
"""

# The findings raised twice from one event, with whether a review has decided on each (an action or "ingen åtgärd").
RAISED_TWICE = """
SELECT f.id, f.safety_event_id,
       EXISTS (SELECT 1 FROM action WHERE action.finding_id = f.id)
       OR EXISTS (SELECT 1 FROM findingdecision WHERE findingdecision.finding_id = f.id) AS decided
FROM finding AS f
WHERE f.safety_event_id IN (SELECT safety_event_id FROM finding WHERE safety_event_id IS NOT NULL
                            GROUP BY safety_event_id HAVING count(*) > 1)
ORDER BY f.safety_event_id, f.id
"""


def _one_finding_per_event() -> None:
    """Keep one finding per event: one a review decided on, else the newest.

    Another copy nobody decided on is removed; one a review decided on stays as a finding of its own (its
    decision is part of minutes), without the link to the event.
    """
    conn = op.get_bind()
    by_event: dict[int, list[tuple[int, bool]]] = {}
    for finding_id, event_id, decided in conn.execute(sa.text(RAISED_TWICE)):
        by_event.setdefault(event_id, []).append((finding_id, bool(decided)))
    for copies in by_event.values():
        kept = max(copies, key=lambda copy: (copy[1], copy[0]))
        for finding_id, decided in copies:
            if finding_id == kept[0]:
                continue
            statement = ("UPDATE finding SET safety_event_id = NULL WHERE id = :id" if decided
                         else "DELETE FROM finding WHERE id = :id")
            conn.execute(sa.text(statement), {'id': finding_id})


def upgrade() -> None:
    for table in GROUP_TABLES:
        op.execute(DELETE_OLDER_GROUPS.format(table=table))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(f'uq_{table}_report_clinic_group',
                                              ['annual_report_id', 'clinic_id', 'staff_group'])
        op.create_index(f'uq_{table}_report_group_organisation', table, ['annual_report_id', 'staff_group'],
                        unique=True, sqlite_where=ORGANISATION_WIDE, postgresql_where=ORGANISATION_WIDE)
    _one_finding_per_event()
    op.drop_index('ix_finding_safety_event_id', table_name='finding')
    op.create_index('uq_finding_safety_event', 'finding', ['safety_event_id'], unique=True,
                    sqlite_where=RAISED, postgresql_where=RAISED)
    with op.batch_alter_table('selfassessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('selfassessment', schema=None) as batch_op:
        batch_op.drop_column('version')
    op.drop_index('uq_finding_safety_event', table_name='finding')
    op.create_index('ix_finding_safety_event_id', 'finding', ['safety_event_id'], unique=False)
    for table in GROUP_TABLES:
        op.drop_index(f'uq_{table}_report_group_organisation', table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'uq_{table}_report_clinic_group', type_='unique')
