"""audit_chain: the audit trail made evidence: each record's seq, before and after values, and a hash chained to
the previous record's; a head per workspace; triggers refusing UPDATE and DELETE of audit records. The records
that exist already are chained in the order they were made (a data migration).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 21:10:00.000000
"""
import hashlib
import json
from datetime import timezone

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types
from models import audit_guard


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _digest(team_id, seq, at, actor, action, entity, entity_id, detail, before, after, prev_hash) -> str:
    """A frozen copy of bot.audit.chain.digest as it was when this migration was written."""
    at_text = at.astimezone(timezone.utc).isoformat(timespec="microseconds")
    content = [team_id, seq, at_text, actor, action, entity, entity_id, detail, before, after, prev_hash]
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('before', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('after', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_table(
        'audit_head',
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint('team_id'),
    )
    _chain_existing()
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_audit_event_seq', ['team_id', 'seq'])
        batch_op.create_index('ix_audit_event_thing', ['team_id', 'entity', 'entity_id', 'seq'], unique=False)
        batch_op.create_index('ix_audit_event_actor', ['team_id', 'actor', 'seq'], unique=False)
    for statement in audit_guard.create(op.get_bind().dialect.name):
        op.execute(statement)


def _chain_existing() -> None:
    """Number and hash the records there are, per workspace, in the order they were made. A record's "before"
    and "after" detail (settings, corrections) moves to the columns made for them."""
    conn = op.get_bind()
    events = sa.table('audit_event', sa.column('id', sa.Integer()), sa.column('team_id', sa.String()),
                      sa.column('at', models.types.UTCDateTime()), sa.column('actor', sa.String()),
                      sa.column('action', sa.String()), sa.column('entity', sa.String()),
                      sa.column('entity_id', sa.Integer()), sa.column('detail', sa.JSON()),
                      sa.column('before', sa.JSON()), sa.column('after', sa.JSON()),
                      sa.column('seq', sa.Integer()), sa.column('prev_hash', sa.String()),
                      sa.column('hash', sa.String()))
    heads = sa.table('audit_head', sa.column('team_id', sa.String()), sa.column('seq', sa.Integer()),
                     sa.column('hash', sa.String()))
    rows = conn.execute(sa.select(events).order_by(events.c.team_id, events.c.at, events.c.id)).mappings().all()
    last: dict[str, tuple[int, str]] = {}
    for row in rows:
        seq, prev = last.get(row['team_id'], (0, GENESIS))
        detail = dict(row['detail'] or {})
        before, after = detail.pop('before', None), detail.pop('after', None)
        made = _digest(row['team_id'], seq + 1, row['at'], row['actor'], row['action'], row['entity'],
                       row['entity_id'], detail, before, after, prev)
        conn.execute(sa.update(events).where(events.c.id == row['id']).values(
            seq=seq + 1, detail=detail, before=before, after=after, prev_hash=prev, hash=made))
        last[row['team_id']] = (seq + 1, made)
    for team_id, (seq, made) in last.items():
        conn.execute(sa.insert(heads).values(team_id=team_id, seq=seq, hash=made))


def downgrade() -> None:
    for statement in audit_guard.drop(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_actor')
        batch_op.drop_index('ix_audit_event_thing')
        batch_op.drop_constraint('uq_audit_event_seq', type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('after')
        batch_op.drop_column('before')
        batch_op.drop_column('seq')
    op.drop_table('audit_head')
