"""target.ladder: a target's own escalation ladder is one of its agreement's terms (issue 17), stated by the versions
and proposed like any change. The ladders set by command before (target_ladder) are copied in, so the next version
states them; until a version stating ladders is agreed, those rows stay the ones alerts climb (bot.breaches.ladders).

Revision ID: 0027
Revises: 0025 (the lead re-chains it at merge)
Create Date: 2026-12-01 04:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0027'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ladder', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
    op.execute("UPDATE target SET ladder = (SELECT target_ladder.steps FROM target_ladder "
               "WHERE target_ladder.target_id = target.id) "
               "WHERE id IN (SELECT target_id FROM target_ladder)")


def downgrade() -> None:
    # Not a batch copy: on SQLite that DROPs `target` with foreign keys on, and SQLite deletes its rows first,
    # cascading to every row referencing a target (breaches, coverage, target_ladder). SQLite drops a plain column
    # in place since 3.35, as PostgreSQL does.
    op.drop_column('target', 'ladder')
