"""one moderation per criterion, round aliases, round history

Revision ID: 0005
Revises: 0004
Created: 2026-12-03 13:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Two leads saving at once could store two moderations of one criterion: keep the later one.
    op.execute(
        "DELETE FROM score WHERE moderated AND id NOT IN "
        "(SELECT MAX(id) FROM score WHERE moderated GROUP BY bid_id, criterion)"
    )
    op.create_index(
        "uq_score_moderation",
        "score",
        ["bid_id", "criterion"],
        unique=True,
        sqlite_where=sa.text("moderated"),
        postgresql_where=sa.text("moderated"),
    )

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aliases", sa.JSON(), nullable=False, server_default="[]"))

    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
    op.execute("UPDATE history SET round_id = (SELECT round_id FROM bid WHERE bid.id = history.bid_id)")
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.alter_column("round_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("bid_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_history_round_id"), ["round_id"], unique=False)
        batch_op.create_foreign_key("fk_history_round_id", "round", ["round_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.drop_constraint("fk_history_round_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_history_round_id"))
        batch_op.drop_column("round_id")
    op.execute("DELETE FROM history WHERE bid_id IS NULL")
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.alter_column("bid_id", existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("aliases")

    op.drop_index("uq_score_moderation", table_name="score")
