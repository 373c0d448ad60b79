"""The audit trail: every change a person or the system makes to a case, a user or a label, with who and when.

An entry is added in the same transaction as the change it records, so the trail never claims a change that was
rolled back nor misses one that was kept.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yuqing.storage.models import AuditEntry


def audit(session: Session, actor: str, action: str, entity: str, entity_id: Any, **details: Any) -> None:
    session.add(AuditEntry(actor=actor, action=action, entity=entity, entity_id=str(entity_id), details=details))
