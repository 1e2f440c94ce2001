"""contract_care, contract_review, supplier_dispute: each underpinning contract's (and OLA's) owner and review
cadence, what each review decided, and disputes with suppliers (issue 17, suppliers)

Revision ID: 0024
Revises: 0016
Create Date: 2026-12-01 00:20:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0024'
down_revision = '0022'
branch_labels = None
depends_on = None


def _stamps() -> list:
    return [
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        'contract_care',
        *_stamps(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('owner_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('review_months', sa.Integer(), nullable=True),
        sa.Column('next_review_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('agreement_id', name='uq_contract_care_agreement'),
    )
    with op.batch_alter_table('contract_care', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_care_team_id'), ['team_id'], unique=False)
    op.create_table(
        'contract_review',
        *_stamps(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('notice_by', sa.Date(), nullable=True),
        sa.Column('next_review_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('agreement_id', 'due_on', name='uq_contract_review_due'),
    )
    with op.batch_alter_table('contract_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_review_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_review_agreement_id'), ['agreement_id'], unique=False)
    op.create_table(
        'supplier_dispute',
        *_stamps(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('party_id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=True),
        sa.Column('what', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('owner_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column('closed_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(['party_id'], ['party.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'number', name='uq_supplier_dispute_number'),
    )
    with op.batch_alter_table('supplier_dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_dispute_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_dispute_party_id'), ['party_id'], unique=False)


def downgrade() -> None:
    for table, indexes in (('supplier_dispute', ('party_id', 'team_id')),
                           ('contract_review', ('agreement_id', 'team_id')), ('contract_care', ('team_id',))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexes:
                batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
