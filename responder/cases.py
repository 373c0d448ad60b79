"""Cases: opened from events by the rules of config/responder.yaml, assigned by DOMAIN.md §6, upgraded with them.

One event has at most one case (a unique key), so a hot event with thousands of posts opens one case. An event
wholly outside the home jurisdiction is recorded with the locality that owns it and opens a case only when
`cases.open_outside_home` says so. When an open case's event rises to `critical`, the 5 h / 24 h obligations
start at the time of the post that showed the higher severity, and the 48 h obligation they supersede is
cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from responder.assignment import AssignmentRules, assign
from responder.bodies import Directory
from responder.events import critical_since
from responder.notices import concerns_home, notify
from responder.obligations import add_obligation, cancel, open_obligations
from yuqing import adcodes
from yuqing.audit import audit
from yuqing.records import Assignment, Body, CaseAssignment, EventIn, NamedBody
from yuqing.settings import Settings
from yuqing.storage.models import Case, Event, EventPost, Post
from yuqing.vocabulary import (
    SYSTEM_ACTOR,
    AlertKind,
    CaseStatus,
    ObligationKind,
    Priority,
    case_number,
    gravity,
    gravity_label,
)


@dataclass
class Responder:
    """What the case rules read: the settings, the body directory and the assignment rules."""

    settings: Settings
    directory: Directory = field(init=False)
    rules: AssignmentRules = field(init=False)

    def __post_init__(self) -> None:
        self.directory = Directory(self.settings)
        self.rules = AssignmentRules.from_settings(self.settings)


def owner_outside_home(event: Event, home: str) -> str | None:
    """The locality owning an event none of whose places is, contains or lies in the home jurisdiction."""
    if concerns_home(list(event.regions), home):
        return None
    return adcodes.lowest_common_ancestor(list(event.regions))


def should_open(session: Session, responder: Responder, event: Event) -> bool:
    rules = responder.settings.responder.cases
    if event.owner_adcode is not None and not rules.open_outside_home:
        return False
    if event.priority == "critical":
        return True
    if event.priority != "high":
        return False
    if event.post_count + event.reposts + event.comments >= rules.open_high_at_heat:
        return True
    carried = exists().where(
        EventPost.event_id == event.id, EventPost.post_id == Post.id, Post.media.in_(rules.open_high_when_media)
    )
    return bool(session.scalar(select(carried)))


def _event_record(event: Event) -> EventIn:
    return EventIn(
        id=event.id,
        category=event.category,
        severity=event.severity,
        handling=event.handling,
        domains=list(event.domains),
        regions=list(event.regions),
        policy_level=event.policy_level,
        t0=event.t0,
    )


def _named(assignment: Assignment, directory: Directory, event: Event) -> CaseAssignment:
    return CaseAssignment(
        title=event.title,
        regions=list(event.regions),
        level=assignment.level,
        lead=directory.named(assignment.lead),
        responders=[directory.named(b) for b in assignment.responders],
        coordinators=[directory.named(b) for b in assignment.coordinators],
        principal_leader=assignment.principal_leader,
        rules=assignment.rules,
    )


def apply_assignment(case: Case, event: Event, responder: Responder) -> None:
    case.assignment = _named(assign(_event_record(event), responder.rules), responder.directory, event)
    case.region_unknown = not event.regions and event.policy_level is None
    case.category, case.priority, case.severity, case.handling = (
        event.category,
        event.priority,
        event.severity,
        event.handling,
    )
    handling = responder.settings.categories.handling.get(event.handling) if event.handling else None
    case.recommended_action = handling.action if handling else None


def case_bodies(case: Case) -> list[Body]:
    """The lead body and the coordinators: who hears that a case was opened or upgraded."""
    assignment = case.assignment
    return list(dict.fromkeys(b.body() for b in [assignment.lead, *assignment.coordinators]))


def _tell(
    session: Session, responder: Responder, case: Case, bodies: list[Body], kind: AlertKind, key: str, message: str
) -> None:
    notify(session, responder.settings, responder.directory, case, bodies, kind=kind, key=key, message=message)


def _names(bodies: list[NamedBody]) -> str:
    return "、".join(body.name for body in bodies)


def handover(before: CaseAssignment, after: CaseAssignment) -> str | None:
    """Who answers now and who did before, when an upgrade moved the lead or the coordinators; None otherwise."""
    changes = []
    if before.lead.body() != after.lead.body():
        changes.append(f"回应主体由{before.lead.name}改为{after.lead.name}")
    if {body.body() for body in before.coordinators} != {body.body() for body in after.coordinators}:
        changes.append(f"组织协调由{_names(before.coordinators)}改为{_names(after.coordinators)}")
    return "；".join(changes) or None


def _schedule(session: Session, responder: Responder, case: Case, event: Event) -> None:
    timers = responder.settings.timers
    if case.priority == Priority.CRITICAL:
        starts = critical_since(session, event)
        add_obligation(session, case, ObligationKind.RELEASE, starts, timers)
        add_obligation(session, case, ObligationKind.PRESS_CONFERENCE, starts, timers)
    elif case.priority == Priority.HIGH:
        add_obligation(session, case, ObligationKind.RESPOND, event.t0, timers)


def open_case(session: Session, responder: Responder, event: Event, now: datetime) -> Case:
    case = Case(event_id=event.id, status="open", t0=event.t0, opened_at=now)
    apply_assignment(case, event, responder)
    session.add(case)
    session.flush()
    _schedule(session, responder, case, event)
    audit(session, SYSTEM_ACTOR, "case.open", "case", case.id, event_id=event.id, rules=case.assignment.rules)
    lead = case.assignment.lead.name
    _tell(
        session,
        responder,
        case,
        case_bodies(case),
        AlertKind.CASE_OPENED,
        f"case/{case.id}/opened",
        f"{case_number(case.id)}已立案：{gravity_label(case.priority, case.severity)}，回应主体：{lead}",
    )
    return case


def upgrade_case(session: Session, responder: Responder, case: Case, event: Event, now: datetime) -> None:
    """Raise the case to its event's labels; when that moves the lead or the coordinators (a county case taken
    over by the province), the bodies told before are told too, so nobody keeps working a case that has left
    them, and the alert says who answers now and who did before."""
    before = (case.priority, case.severity, case.assignment.lead.adcode, case.assignment.lead.domain)
    was, answered_before, told_before = gravity_label(case.priority, case.severity), case.assignment, case_bodies(case)
    became_critical = case.priority != "critical" and event.priority == "critical"
    apply_assignment(case, event, responder)
    if became_critical:
        for obligation in open_obligations(session, case.id, "respond"):
            cancel(obligation, now)
        _schedule(session, responder, case, event)
    audit(
        session,
        SYSTEM_ACTOR,
        "case.upgrade",
        "case",
        case.id,
        before=list(before),
        after=[case.priority, case.severity, case.assignment.lead.adcode, case.assignment.lead.domain],
    )
    moved = handover(answered_before, case.assignment)
    _tell(
        session,
        responder,
        case,
        list(dict.fromkeys([*case_bodies(case), *told_before])) if moved else case_bodies(case),
        AlertKind.CASE_UPGRADED,
        f"case/{case.id}/upgraded/{case.priority}/{case.severity}",
        f"{case_number(case.id)}由{was}升级为{gravity_label(case.priority, case.severity)}"
        + (f"；{moved}" if moved else ""),
    )


def _graver(event: Event, case: Case) -> bool:
    return gravity(event.priority, event.severity) > gravity(case.priority, case.severity)


def _follow_t0(session: Session, case: Case, event: Event) -> None:
    """An earlier publication found later moves the clocks that run from t0 (not those started by an upgrade)."""
    if event.t0 >= case.t0:
        return
    shift = event.t0 - case.t0
    for obligation in open_obligations(session, case.id):
        if obligation.starts_at == case.t0:
            obligation.starts_at += shift
            obligation.due_at += shift
            if obligation.next_alert_at is not None:
                obligation.next_alert_at += shift
    case.t0 = event.t0


def sync_cases(session: Session, responder: Responder, event_ids: set[int], now: datetime) -> dict[str, int]:
    """Open, upgrade or re-time the cases of the events a grouping run touched."""
    counts = {"opened": 0, "upgraded": 0}
    home = responder.rules.home
    for event_id in sorted(event_ids):
        event = session.get_one(Event, event_id)
        event.owner_adcode = owner_outside_home(event, home)
        case = session.scalar(select(Case).where(Case.event_id == event.id))
        if case is None:
            if should_open(session, responder, event):
                open_case(session, responder, event, now)
                counts["opened"] += 1
            continue
        if not CaseStatus(case.status).is_active:
            continue
        _follow_t0(session, case, event)
        if _graver(event, case):
            upgrade_case(session, responder, case, event, now)
            counts["upgraded"] += 1
    return counts
