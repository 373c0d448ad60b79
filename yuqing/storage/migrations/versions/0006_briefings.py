"""briefings: one row per written briefing (day, week or month), so the service writes and sends each once

- `briefings.period`: day, week or month; unique with `period_start` (was: `period_start`, `period_end`).
- `briefings.figures` (was `content`): the figures the briefing states, as JSON.
- `briefings.files`: format → the file written.
- `briefings.delivered_at`: when every recipient's copy had gone out through the outbox.
- `briefings.text` stays: the Markdown (chat) version.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("briefings") as batch_op:
        batch_op.add_column(sa.Column("period", sa.String(length=10), nullable=False, server_default="day"))
        batch_op.add_column(sa.Column("files", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("content", new_column_name="figures", existing_type=sa.JSON(), existing_nullable=False)
        batch_op.drop_constraint("uq_briefings_period_start", type_="unique")
        batch_op.create_unique_constraint("uq_briefings_period", ["period", "period_start"])


def downgrade() -> None:
    with op.batch_alter_table("briefings") as batch_op:
        batch_op.drop_constraint("uq_briefings_period", type_="unique")
        batch_op.create_unique_constraint("uq_briefings_period_start", ["period_start", "period_end"])
        batch_op.alter_column("figures", new_column_name="content", existing_type=sa.JSON(), existing_nullable=False)
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("files")
        batch_op.drop_column("period")
