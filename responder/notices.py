"""What an alert about a case says, and to whom it goes (through the outbox).

Besides the bodies an alert is for, the home press office's duty channel hears every alert about a case in its
jurisdiction, whichever level leads it: the office answers for what happens on its ground and must know when the
province takes a case over, as much as when a county lets a deadline pass.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from responder.bodies import Directory
from yuqing import adcodes
from yuqing.caseview import case_view, obligation_view
from yuqing.config_models import Channels
from yuqing.outbox import enqueue_to_channels
from yuqing.records import Body, CaseAlert
from yuqing.settings import Settings
from yuqing.storage.models import Case, Obligation
from yuqing.vocabulary import AlertKind


def concerns_home(regions: list[str], home: str) -> bool:
    """A case in the home jurisdiction: one of its regions is, contains or lies in it, or it names none (rule 11
    sends such a case home)."""
    return not regions or any(adcodes.related(region, home) for region in regions)


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
    """Enqueue one alert per recipient of each body, and of the duty channel for a case in the home jurisdiction;
    a recipient shared by several bodies (or by a body and the duty channel) gets it once."""
    payload = CaseAlert(
        kind=kind,
        message=message,
        case=case_view(session, settings, case),
        to=[directory.named(body) for body in bodies],
        without_channel=[directory.named(body) for body in bodies if directory.own_channels(body) == Channels()],
        level=level,
        obligation=obligation_view(obligation) if obligation is not None else None,
    )
    addresses = [directory.channels(body) for body in bodies]
    if directory.duty != Channels() and concerns_home(case.assignment.regions, settings.organisations.home.adcode):
        addresses.append(directory.duty)
    return sum(
        enqueue_to_channels(
            session,
            channels,
            key=key,
            payload=payload,
            case_id=case.id,
            obligation_id=obligation.id if obligation else None,
            level=level,
        )
        for channels in addresses
    )
