"""events: the competent domains weighed by the posts that name them first

- `events.domain_weights`: how many well-supported posts of the event's category (with their copies) name each
  domain first, so the department that answers is the one the posts that carry the event point to, not the first
  post's guess (an eyewitness's "吃出人命" read as emergency management, where the police's refutation and the
  health commission's statement say food safety).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("domain_weights", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("domain_weights")
