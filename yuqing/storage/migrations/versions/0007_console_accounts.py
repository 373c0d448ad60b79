"""console accounts: the roles admin, duty and department, a department's bodies, sessions, milestone evidence

- `users.role`: `analyst` and `supervisor` become `duty` (both worked on every case); `admin` stays.
- `users.bodies`: the bodies ("ADCODE:DOMAIN") a `department` account answers for.
- `console_sessions`: one row per signed-in browser (the SHA-256 of its cookie token and its CSRF token).
- `obligations.evidence_url`: where the release, press conference or response that met it can be read.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("bodies", sa.JSON(), nullable=False, server_default="[]"))
    op.execute("UPDATE users SET role = 'duty' WHERE role IN ('analyst', 'supervisor')")
    with op.batch_alter_table("obligations") as batch_op:
        batch_op.add_column(sa.Column("evidence_url", sa.String(length=2000), nullable=True))
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_console_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
    )
    op.create_index(op.f("ix_console_sessions_user_id"), "console_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_console_sessions_user_id"), table_name="console_sessions")
    op.drop_table("console_sessions")
    with op.batch_alter_table("obligations") as batch_op:
        batch_op.drop_column("evidence_url")
    op.execute("UPDATE users SET role = 'supervisor' WHERE role IN ('duty', 'department')")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("bodies")
