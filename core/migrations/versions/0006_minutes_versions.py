"""minutes versions, licence number, decisions on gaps, postponed follow-ups

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 06:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'minutesversion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('content_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('frozen_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('pdf_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reopened_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('reopen_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['frozen_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['review_id'], ['review.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('review_id', 'version'),
    )
    op.create_index(op.f('ix_minutesversion_review_id'), 'minutesversion', ['review_id'], unique=False)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('licence_number', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True))
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('original_due_date', sa.Date(), nullable=True))
    with op.batch_alter_table('findingdecision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criterion_id', sa.Integer(), nullable=True))
        batch_op.alter_column('finding_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint('uq_findingdecision_review_criterion', ['review_id', 'criterion_id'])
        batch_op.create_foreign_key('fk_findingdecision_criterion_id', 'criterion', ['criterion_id'], ['id'])


def downgrade() -> None:
    op.execute("DELETE FROM findingdecision WHERE finding_id IS NULL")
    with op.batch_alter_table('findingdecision', schema=None) as batch_op:
        batch_op.drop_constraint('fk_findingdecision_criterion_id', type_='foreignkey')
        batch_op.drop_constraint('uq_findingdecision_review_criterion', type_='unique')
        batch_op.alter_column('finding_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('criterion_id')
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.drop_column('original_due_date')
        batch_op.drop_column('new_due_date')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('licence_number')
    op.drop_index(op.f('ix_minutesversion_review_id'), table_name='minutesversion')
    op.drop_table('minutesversion')
