"""Rounds, schemes and bids with their years, partners, narrative and stated totals

Revision ID: 0001
Revises:
Created: 2026-11-23 00:16:45.664775
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("pot_pence", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["scheme.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_table(
        "bid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("lead_organisation", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("award_sought_pence", sa.BigInteger(), nullable=False),
        sa.Column("savings_confidence", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "reference"),
    )
    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bid_lead_organisation"), ["lead_organisation"], unique=False)
        batch_op.create_index(batch_op.f("ix_bid_round_id"), ["round_id"], unique=False)

    op.create_table(
        "bid_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("award_costs_pence", sa.BigInteger(), nullable=False),
        sa.Column("match_costs_pence", sa.BigInteger(), nullable=False),
        sa.Column("recurring_costs_pence", sa.BigInteger(), nullable=False),
        sa.Column("savings_pence", sa.BigInteger(), nullable=False),
        sa.Column("savings_high_pence", sa.BigInteger(), nullable=True),
        sa.Column("other_benefits_pence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bid_id", "year"),
    )
    with op.batch_alter_table("bid_year", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bid_year_bid_id"), ["bid_id"], unique=False)

    op.create_table(
        "narrative_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bid_id", "key"),
    )
    with op.batch_alter_table("narrative_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_narrative_answer_bid_id"), ["bid_id"], unique=False)

    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_bid_id"), ["bid_id"], unique=False)

    op.create_table(
        "stated_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("figure", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stated_total", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stated_total_bid_id"), ["bid_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stated_total", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stated_total_bid_id"))

    op.drop_table("stated_total")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_bid_id"))

    op.drop_table("partner")
    with op.batch_alter_table("narrative_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_narrative_answer_bid_id"))

    op.drop_table("narrative_answer")
    with op.batch_alter_table("bid_year", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_year_bid_id"))

    op.drop_table("bid_year")
    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_round_id"))
        batch_op.drop_index(batch_op.f("ix_bid_lead_organisation"))

    op.drop_table("bid")
    op.drop_table("round")
    op.drop_table("scheme")
