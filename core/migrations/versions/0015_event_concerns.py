"""an event records whom it concerns and when it was first reported to SSM

Revision ID: 0015e
Revises: 0014
Create Date: 2026-12-03 10:00:00

Existing events get no `concerns` (NULL, shown as "Ej angivet") and no `notified_on`: the portal never
recorded either, and guessing "patient" would put a fact in the register nobody entered. Their `report_due`
is kept as it is: until someone says whom the event concerns, safety_events.report_deadline treats an
unknown concerns like before (a written report due three months after an event reported to SSM), so no
deadline disappears by upgrading. The edit form requires choosing, and saving recomputes the deadline.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0015e'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('safetyevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('concerns', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('notified_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('safetyevent', schema=None) as batch_op:
        batch_op.drop_column('notified_on')
        batch_op.drop_column('concerns')
