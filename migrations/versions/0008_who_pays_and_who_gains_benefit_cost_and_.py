"""who pays and who gains: benefit lines, cost lines and outcome-based lines of a bid

Revision ID: 0008
Revises: 0007
Created: 2026-12-06 03:12:35.321861
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "benefit_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("agency", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("benefit_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_benefit_line_bid_id"), ["bid_id"], unique=False)

    op.create_table(
        "cost_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("agency", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cost_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cost_line_bid_id"), ["bid_id"], unique=False)

    op.create_table(
        "outcome_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("agency", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("cohort", sa.Integer(), nullable=False),
        sa.Column("engagement_rate_bp", sa.Integer(), nullable=False),
        sa.Column("success_rate_bp", sa.Integer(), nullable=False),
        sa.Column("deadweight_bp", sa.Integer(), nullable=False),
        sa.Column("drop_off_bp", sa.Integer(), nullable=False),
        sa.Column("unit_cost_pence", sa.BigInteger(), nullable=False),
        sa.Column("unit_cost_source", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outcome_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_line_bid_id"), ["bid_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outcome_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_line_bid_id"))

    op.drop_table("outcome_line")
    with op.batch_alter_table("cost_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cost_line_bid_id"))

    op.drop_table("cost_line")
    with op.batch_alter_table("benefit_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_benefit_line_bid_id"))

    op.drop_table("benefit_line")
