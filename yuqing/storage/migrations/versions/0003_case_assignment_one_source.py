"""cases: the lead is read from the stored assignment only; outbox payloads carry their kind

The `lead_adcode`, `lead_domain` and `level` columns repeated what the assignment JSON holds, and a
reassignment had to keep both in step. Outbox payloads now have one type per alert kind (records.AlertPayload),
so rows written before are rewritten into that shape: nothing stored is lost.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASE_KINDS = ("case_opened", "case_upgraded", "warning", "breach")


def _case_alert(payload: dict[str, Any], kind: str, case: Any) -> dict[str, Any]:
    """An alert about a case written by the previous version (a flat summary) in the nested shape."""
    assignment = dict(case.assignment) if case is not None else {}
    deadline = payload.get("obligation") or {}
    obligations = [
        {
            "kind": d["kind"],
            "sequence": d.get("sequence", 0),
            "starts_at": d.get("starts_at", d["due_at"]),
            "due_at": d["due_at"],
            "status": d["status"],
            "met_at": None,
            "on_time": None,
        }
        for d in payload.get("deadlines", [])
    ]
    view = {
        "id": payload.get("case_id", case.id if case is not None else 0),
        "status": case.status if case is not None else "open",
        "title": payload.get("title", ""),
        "category": payload.get("category", "other"),
        "category_name": payload.get("category_name", ""),
        "priority": payload.get("priority", "low"),
        "severity": payload.get("severity"),
        "handling": case.handling if case is not None else None,
        "t0": (case.t0.isoformat() if hasattr(case.t0, "isoformat") else str(case.t0)) if case is not None else None,
        "regions": payload.get("regions", []),
        "region_unknown": payload.get("region_unknown", False),
        "recommended_action": payload.get("recommended_action"),
        "assignment": assignment,
        "merged_into": None,
        "dismissed_reason": None,
        "obligations": obligations,
        "post": payload.get("post"),
        "console_url": payload.get("console_url", ""),
    }
    obligation = None
    if deadline:
        obligation = {**deadline, "status": "open", "met_at": None, "on_time": None}
        obligation.pop("id", None)
    return {
        "kind": kind,
        "message": payload.get("message", ""),
        "case": view,
        "to": payload.get("to", []),
        "level": payload.get("level"),
        "obligation": obligation,
    }


def upgrade() -> None:
    connection = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("handling", sa.String),
        sa.column("t0", sa.DateTime(timezone=True)),
        sa.column("assignment", sa.JSON),
    )
    notifications = sa.table(
        "notifications",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("case_id", sa.Integer),
        sa.column("payload", sa.JSON),
    )
    by_id = {row.id: row for row in connection.execute(sa.select(cases))}
    for row in connection.execute(sa.select(notifications)).all():
        payload = dict(row.payload or {})
        if "kind" in payload and (row.kind not in CASE_KINDS or "case" in payload):
            continue  # already in the new shape
        if row.kind in CASE_KINDS:
            payload = _case_alert(payload, row.kind, by_id.get(row.case_id))
        else:
            payload = {"kind": row.kind, **payload}
        connection.execute(sa.update(notifications).where(notifications.c.id == row.id).values(payload=payload))
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_lead_adcode"))
        batch_op.drop_column("lead_adcode")
        batch_op.drop_column("lead_domain")
        batch_op.drop_column("level")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("lead_domain", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("lead_adcode", sa.String(length=6), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_lead_adcode"), ["lead_adcode"], unique=False)
    connection = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer),
        sa.column("assignment", sa.JSON),
        sa.column("level", sa.String),
        sa.column("lead_adcode", sa.String),
        sa.column("lead_domain", sa.String),
    )
    for row in connection.execute(sa.select(cases.c.id, cases.c.assignment)).all():
        assignment = row.assignment or {}
        lead = assignment.get("lead", {})
        connection.execute(
            sa.update(cases)
            .where(cases.c.id == row.id)
            .values(level=assignment.get("level"), lead_adcode=lead.get("adcode"), lead_domain=lead.get("domain"))
        )
