"""the change history becomes a hash chain: each entry carries its own SHA-256 and that of the entry before it

Revision ID: 0018c
Revises: 0017a
Create Date: 2026-12-04 09:00:00
"""
import hashlib
import json
from datetime import UTC
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0018c'
down_revision: Union[str, None] = '0017a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

GENESIS = '0' * 64
CONTENT = ('id', 'at', 'user_id', 'actor_name', 'entity', 'entity_id', 'operation', 'clinic_id', 'review_id',
           'old_values', 'new_values')
BATCH = 2000


def _sha256(row: dict, seq: int, previous: str) -> str:
    """Hash an entry as core/history_chain.py does (a copy: a migration stays as it was run)."""
    payload = {name: row[name] for name in CONTENT}
    at = row['at'].replace(tzinfo=UTC) if row['at'].utcoffset() is None else row['at'].astimezone(UTC)
    payload.update(at=at.isoformat(timespec='microseconds'), chain_seq=seq, previous_sha256=previous)
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(',', ':'))
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def _tables() -> tuple[sa.TableClause, sa.TableClause]:
    """Return the history and the chain's head as this migration sees them."""
    plain: list[sa.ColumnClause] = [sa.column(name) for name in CONTENT if name not in ('at', 'old_values', 'new_values')]
    entries = sa.table('historyentry', *plain, sa.column('at', sa.DateTime(timezone=True)),
                       sa.column('old_values', sa.JSON), sa.column('new_values', sa.JSON), sa.column('chain_seq'),
                       sa.column('previous_sha256'), sa.column('entry_sha256'))
    return entries, sa.table('historychain', sa.column('id'), sa.column('seq'), sa.column('sha256'))


def _chain_existing() -> None:
    """Chain every entry written before, in id order (the only order they have), batch by batch, and set the head."""
    conn = op.get_bind()
    entries, heads = _tables()
    statement = entries.update().where(entries.c.id == sa.bindparam('entry')).values(
        chain_seq=sa.bindparam('seq'), previous_sha256=sa.bindparam('previous'), entry_sha256=sa.bindparam('sha'))
    seq, previous, last_id = 0, GENESIS, None
    while True:
        query = sa.select(*(entries.c[name] for name in CONTENT)).order_by(entries.c.id).limit(BATCH)
        rows = conn.execute(query if last_id is None else query.where(entries.c.id > last_id)).mappings().all()
        if not rows:
            break
        links = []
        for row in rows:
            seq += 1
            sha = _sha256(dict(row), seq, previous)
            links.append({'entry': row['id'], 'seq': seq, 'previous': previous, 'sha': sha})
            previous = sha
        conn.execute(statement, links)
        last_id = rows[-1]['id']
    if seq:
        conn.execute(heads.insert().values(id=1, seq=seq, sha256=previous))


def upgrade() -> None:
    op.create_table('historychain',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('seq', sa.Integer(), nullable=False),
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('historyentry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previous_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_historyentry_chain_seq'), ['chain_seq'], unique=True)
    _chain_existing()


def downgrade() -> None:
    with op.batch_alter_table('historyentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_historyentry_chain_seq'))
        batch_op.drop_column('entry_sha256')
        batch_op.drop_column('previous_sha256')
        batch_op.drop_column('chain_seq')
    op.drop_table('historychain')
