"""What an alert about a case says, and to whom it goes (through the outbox)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from responder.bodies import Directory
from yuqing.caseview import case_view, obligation_view
from yuqing.outbox import enqueue_to_channels
from yuqing.records import Body, CaseAlert
from yuqing.settings import Settings
from yuqing.storage.models import Case, Obligation
from yuqing.vocabulary import AlertKind


def notify(
    session: Session,
    settings: Settings,
    directory: Directory,
    case: Case,
    bodies: list[Body],
    *,
    kind: AlertKind,
    key: str,
    message: str,
    obligation: Obligation | None = None,
    level: str | None = None,
) -> int:
    """Enqueue one alert per recipient of each body; a recipient shared by several bodies gets it once."""
    payload = CaseAlert(
        kind=kind,
        message=message,
        case=case_view(session, settings, case),
        to=[directory.named(body) for body in bodies],
        level=level,
        obligation=obligation_view(obligation) if obligation is not None else None,
    )
    return sum(
        enqueue_to_channels(
            session,
            directory.channels(body),
            key=key,
            payload=payload,
            case_id=case.id,
            obligation_id=obligation.id if obligation else None,
            level=level,
        )
        for body in bodies
    )
