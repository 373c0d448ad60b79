"""events: places weighed by the posts that name them, and merges followed; cases: the decisions people made

- `events.region_weights`: how many posts (with their copies) name each place, so an event's regions are where it
  happens, not every place one post mentions.
- `events.merged_into_id`: an event whose case a person merged into another; later posts follow it there.
- `events.deaths`, `events.injuries`: the casualty figures its well-supported posts report (the highest).
- `events.title_rank`: how good its title is (a news or official headline beats a post's first words).
- `cases.decisions`: what people decided about a case (its lead, its category) that automatic updates keep.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("region_weights", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("deaths", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("injuries", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("title_rank", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_foreign_key(
            batch_op.f("fk_events_merged_into_id_events"), "events", ["merged_into_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("decisions", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("decisions")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_merged_into_id_events"), type_="foreignkey")
        batch_op.drop_column("title_rank")
        batch_op.drop_column("injuries")
        batch_op.drop_column("deaths")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("region_weights")
