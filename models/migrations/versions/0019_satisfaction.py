"""satisfaction_ask: customers asked to rate a resolved ticket or a service review, and their answers (issue 17)

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-01 00:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.types


revision = '0019'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'satisfaction_ask',
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('review_id', sa.Integer(), nullable=True),
        sa.Column('agreement_id', sa.Integer(), nullable=True),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('user_id', sa.String(length=32), nullable=True),
        sa.Column('rated_for', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('rated_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'key', name='uq_satisfaction_ask_key'),
    )
    op.create_index('ix_satisfaction_ask_team_id', 'satisfaction_ask', ['team_id'], unique=False)
    op.create_index('ix_satisfaction_ask_user', 'satisfaction_ask', ['team_id', 'user_id', 'created_at'], unique=False)
    op.create_index('ix_satisfaction_ask_agreement', 'satisfaction_ask', ['agreement_id', 'rated_for'], unique=False)
    op.create_index('ix_satisfaction_ask_ticket', 'satisfaction_ask', ['ticket_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_satisfaction_ask_ticket', table_name='satisfaction_ask')
    op.drop_index('ix_satisfaction_ask_agreement', table_name='satisfaction_ask')
    op.drop_index('ix_satisfaction_ask_user', table_name='satisfaction_ask')
    op.drop_index('ix_satisfaction_ask_team_id', table_name='satisfaction_ask')
    op.drop_table('satisfaction_ask')
