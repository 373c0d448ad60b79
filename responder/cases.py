"""Cases: opened from events by the rules of config/responder.yaml, assigned by DOMAIN.md §6, upgraded with them.

One event has at most one case (a unique key), so a hot event with thousands of posts opens one case. An event
wholly outside the home jurisdiction is recorded with the locality that owns it and opens a case only when
`cases.open_outside_home` says so. When an open case's event rises to `critical`, the 5 h / 24 h obligations
start at the time of the post that showed the higher severity, and the 48 h obligation they supersede is
cancelled.

A person's decision outranks the machine's (`records.CaseDecisions`): an automatic update keeps a lead a person
chose and a category a person set, and says in the upgrade alert what the rules would now say. A rumour stays a
rumour until an official post confirms otherwise (`automatic_labels`), and every automatic change of category is
in the case's history with the post that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from responder.assignment import AssignmentRules, assign
from responder.bodies import Directory
from responder.events import EventBuilder, critical_since, current_labels
from responder.notices import concerns_home, notify
from responder.obligations import add_obligation, cancel, open_obligations
from responder.regroup import posts_of
from yuqing import adcodes
from yuqing.audit import audit
from yuqing.records import Assignment, Body, CaseAssignment, CaseDecisions, EventIn, NamedBody
from yuqing.settings import Settings
from yuqing.storage.models import Case, Event, EventPost, EventUpgrade, Obligation, Post
from yuqing.vocabulary import (
    SYSTEM_ACTOR,
    AlertKind,
    CaseStatus,
    Category,
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


@dataclass(frozen=True)
class CaseLabels:
    """The labels a case acts on: category and handling say what to do, severity and priority how fast."""

    category: str
    handling: str | None
    severity: str | None
    priority: str

    @classmethod
    def of_event(cls, event: Event) -> CaseLabels:
        return cls(event.category, event.handling, event.severity, event.priority)

    @classmethod
    def of_case(cls, case: Case) -> CaseLabels:
        return cls(case.category, case.handling, case.severity, case.priority)

    def gravity(self) -> tuple[int, int]:
        return gravity(self.priority, self.severity)


def automatic_labels(case: Case, event: Event, official: bool) -> CaseLabels:
    """The labels an automatic update gives a case whose event has new labels; `official`: an official post
    (a government source, or one an official or central medium carried) gives the event its category.

    - A rumour stays a rumour (DOMAIN.md §1: a refuted claim is `rumor`): a repeat of it, even one claiming
      casualties, changes nothing, so the police and the network regulator keep coordinating (rule 9) and the
      recommended action stays. Only an official confirmation lets the case move on.
    - A category a person set never changes automatically; severity and priority still rise, but only when the
      event has become graver than it was when the person decided.
    - Otherwise the case takes the event's labels, category included.
    """
    if case.category == Category.RUMOR and event.category != Category.RUMOR and not official:
        return CaseLabels.of_case(case)
    decided = case.decisions.category
    if decided is None:
        return CaseLabels.of_event(event)
    if gravity(event.priority, event.severity) > gravity(decided.event_priority, decided.event_severity):
        return CaseLabels(decided.category, decided.handling, event.severity, event.priority)
    return CaseLabels(decided.category, decided.handling, case.severity, case.priority)


def _event_record(event: Event, labels: CaseLabels) -> EventIn:
    return EventIn(
        id=event.id,
        category=labels.category,
        severity=labels.severity,
        handling=labels.handling,
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


def apply_labels(case: Case, event: Event, labels: CaseLabels, responder: Responder) -> CaseAssignment:
    """Give the case these labels and the assignment DOMAIN.md §6 makes of them with the event's places and
    domains, keeping a lead a person chose; returns what the rules alone say, so a kept lead can be explained."""
    by_rules = _named(assign(_event_record(event, labels), responder.rules), responder.directory, event)
    decided = case.decisions.lead
    case.assignment = by_rules if decided is None else by_rules.model_copy(update={"lead": decided.body})
    case.region_unknown = not event.regions and event.policy_level is None
    case.category, case.priority, case.severity, case.handling = (
        labels.category,
        labels.priority,
        labels.severity,
        labels.handling,
    )
    handling = responder.settings.categories.handling.get(labels.handling) if labels.handling else None
    case.recommended_action = handling.action if handling else None
    return by_rules


def case_bodies(case: Case) -> list[Body]:
    """The lead body and the coordinators: who hears that a case was opened or upgraded."""
    assignment = case.assignment
    return list(dict.fromkeys(b.body() for b in [assignment.lead, *assignment.coordinators]))


def with_told_before(case: Case, told_before: list[Body]) -> list[Body]:
    """Who answers the case now and who was told of it before a change of hands: both hear of the change."""
    return list(dict.fromkeys([*case_bodies(case), *told_before]))


def tell(
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


CLOCKS = {
    Priority.CRITICAL: (ObligationKind.RELEASE, ObligationKind.PRESS_CONFERENCE),
    Priority.HIGH: (ObligationKind.RESPOND,),
    Priority.LOW: (),
}


def replan(session: Session, responder: Responder, case: Case, event: Event, before: str, now: datetime) -> None:
    """The clocks that fit the case's priority, after it changed from `before`: obligations of another priority
    that are still owed are cancelled (follow-up releases with the 5 h and 24 h ones); the 5 h and 24 h ones start
    at the time of the post that showed the critical level, the 48 h one at t0. Only a person's correction lowers
    a case, and a lowered case owes the 48 h response from t0 again."""
    if before == case.priority:
        return
    wanted = CLOCKS[Priority(case.priority)]
    for obligation in open_obligations(session, case.id):
        if obligation.kind not in wanted:
            cancel(obligation, now)
    starts = critical_since(session, event) if case.priority == Priority.CRITICAL else case.t0
    for kind in wanted:
        used = session.scalar(
            select(func.max(Obligation.sequence)).where(Obligation.case_id == case.id, Obligation.kind == kind)
        )
        add_obligation(session, case, kind, starts, responder.settings.timers, 0 if used is None else used + 1)


def open_case(session: Session, responder: Responder, event: Event, now: datetime, actor: str = SYSTEM_ACTOR) -> Case:
    """A new case for the event, with the clocks of its priority (as for a case rising from `low`, which has
    none); `actor` is the person who opened it by hand (a split), else the system."""
    case = Case(event_id=event.id, status="open", t0=event.t0, opened_at=now, decisions=CaseDecisions())
    apply_labels(case, event, CaseLabels.of_event(event), responder)
    session.add(case)
    session.flush()
    replan(session, responder, case, event, Priority.LOW, now)
    audit(session, actor, "case.open", "case", case.id, event_id=event.id, rules=case.assignment.rules)
    lead = case.assignment.lead.name
    tell(
        session,
        responder,
        case,
        case_bodies(case),
        AlertKind.CASE_OPENED,
        f"case/{case.id}/opened",
        f"{case_number(case.id)}已立案：{gravity_label(case.priority, case.severity)}，回应主体：{lead}",
    )
    return case


def _upgrading_post(session: Session, event: Event) -> Post | None:
    """The post whose labels last raised the event (its latest upgrade)."""
    return session.scalar(
        select(Post)
        .join(EventUpgrade, EventUpgrade.post_id == Post.id)
        .where(EventUpgrade.event_id == event.id)
        .order_by(EventUpgrade.id.desc())
        .limit(1)
    )


def _official_confirmation(session: Session, responder: Responder, event: Event) -> Post | None:
    """The earliest official post (the event's own test: a government source, or carried by an official or
    central medium) whose well-supported labels give the event its current category."""
    rules = responder.settings.responder.events
    builder = EventBuilder.loaded(session, rules)
    posts = posts_of(session, event)
    labels = current_labels(session, [p.id for p in posts], responder.settings.categories.critical_severities)
    for post in posts:
        label = labels.get(post.id)
        if label and label.category == event.category and label.supported(rules) and builder.official(post):
            return post
    return None


def _category_name(responder: Responder, category: str) -> str:
    return responder.settings.categories.categories[category].name


def _overruled(responder: Responder, case: Case, event: Event, by_rules: CaseAssignment, cause: Post | None) -> str:
    """What the rules would now say where a person's decision was kept, and why: for the duty officer."""
    notes = []
    decided_lead = case.decisions.lead
    if decided_lead is not None and by_rules.lead.body() != decided_lead.body.body():
        rules = "、".join(str(rule) for rule in by_rules.rules)
        notes.append(f"按规则现应由{by_rules.lead.name}牵头（规则{rules}），已保留人工指定的{decided_lead.body.name}")
    decided_category = case.decisions.category
    if decided_category is not None and event.category != decided_category.category:
        why = f"（帖文“{cause.title or cause.text[:40]}”）" if cause is not None else ""
        notes.append(
            f"按规则现应归为“{_category_name(responder, event.category)}”{why}，"
            f"已保留人工认定的“{_category_name(responder, decided_category.category)}”"
        )
    return "".join(f"；{note}" for note in notes)


def update_case(
    session: Session, responder: Responder, case: Case, event: Event, now: datetime, actor: str = SYSTEM_ACTOR
) -> bool:
    """Bring the case in step with its event as far as `automatic_labels` allows: graver labels raise it (an
    upgrade), another category changes it (not an upgrade: its own history entry, with the post that caused it,
    e.g. an official refutation turning a complaint into a rumour). False when nothing changes (a rumour held, a
    person's category kept at the gravity they saw). When the update moves the lead or the coordinators (a
    county case taken over by the province), the bodies told before are told too, so nobody keeps working a case
    that has left them, and the alert says who answers now and who did before, and what the rules would say
    where a person's decision was kept. `actor`: who added the posts that changed the event (a person attaching
    or merging), else the system."""
    confirmation = None
    if case.category == Category.RUMOR and event.category != Category.RUMOR:
        confirmation = _official_confirmation(session, responder, event)
    labels = automatic_labels(case, event, official=confirmation is not None)
    category_changed = labels.category != case.category
    rose = labels.gravity() > gravity(case.priority, case.severity)
    if not (category_changed or rose):
        return False
    before = (case.category, case.priority, case.severity, case.assignment.lead.adcode, case.assignment.lead.domain)
    was, answered_before, told_before = gravity_label(case.priority, case.severity), case.assignment, case_bodies(case)
    by_rules = apply_labels(case, event, labels, responder)
    replan(session, responder, case, event, before[1], now)
    cause = confirmation or _upgrading_post(session, event)
    rules_say = {  # what the rules alone say, where a person's decision was kept
        "rules_category": event.category,
        "rules_level": by_rules.level,
        "rules_lead": by_rules.lead.model_dump(),
        "rules": by_rules.rules,
    }
    changes = []
    if rose:
        after = [case.category, case.priority, case.severity, case.assignment.lead.adcode, case.assignment.lead.domain]
        post = cause.id if cause else None
        audit(session, actor, "case.upgrade", "case", case.id, before=list(before), after=after, post=post, **rules_say)
        changes.append(f"由{was}升级为{gravity_label(case.priority, case.severity)}")
    if category_changed:
        official = cause is not None and EventBuilder.loaded(session, responder.settings.responder.events).official(
            cause
        )
        details = {} if rose else rules_say
        post = cause.id if cause else None
        audit(
            session,
            actor,
            "case.category",
            "case",
            case.id,
            before=before[0],
            after=case.category,
            post=post,
            official=official,
            **details,
        )
        how = "帖文"
        if official:
            how = "官方辟谣" if case.category == Category.RUMOR else "官方发布确认"
        what = f"（{how}：“{cause.title or cause.text[:40]}”）" if cause is not None else ""
        changes.append(
            f"类别由“{_category_name(responder, before[0])}”改为“{_category_name(responder, case.category)}”{what}"
        )
    moved = handover(answered_before, case.assignment)
    if moved:
        changes.append(moved)
    tell(
        session,
        responder,
        case,
        with_told_before(case, told_before) if moved else case_bodies(case),
        AlertKind.CASE_UPGRADED,
        f"case/{case.id}/upgraded/{case.category}/{case.priority}/{case.severity}/{cause.id if cause else '-'}",
        case_number(case.id) + "；".join(changes) + _overruled(responder, case, event, by_rules, cause),
    )
    return True


def follow_answerers(session: Session, responder: Responder, case: Case, event: Event) -> bool:
    """Who answers follows where the event happens and which department it concerns, as the posts that carry it
    settle them (a first post naming no place sends a case home by rule 11, a later report names the county; the
    police's refutation shows which department a rumour concerns), with the case's own labels and a lead a person
    chose kept. When the lead or the coordinators change, the bodies told before and those now answering hear a
    案件改派 alert that says who answers now and who did before; a better title alone changes silently. False when
    the rules give the same answer."""
    before, told_before = case.assignment, case_bodies(case)
    by_rules = apply_labels(case, event, CaseLabels.of_case(case), responder)
    if case.assignment.model_dump(exclude={"title"}) == before.model_dump(exclude={"title"}):
        return False
    after = case.assignment
    audit(
        session,
        SYSTEM_ACTOR,
        "case.answerers",
        "case",
        case.id,
        before=before.lead.body().model_dump(),
        after=after.lead.body().model_dump(),
        regions=after.regions,
        rules=by_rules.rules,
    )
    moved = handover(before, after)
    if moved:
        lead, coordinators = after.lead.body(), sorted(f"{b.adcode}:{b.domain}" for b in after.coordinators)
        tell(
            session,
            responder,
            case,
            with_told_before(case, told_before),
            AlertKind.CASE_REASSIGNED,
            f"case/{case.id}/answerers/{lead.adcode}/{lead.domain}/{','.join(coordinators)}",
            f"{case_number(case.id)}据后续帖文更新地点和主管部门：{moved}"
            + _overruled(responder, case, event, by_rules, None),
        )
    return True


def update_due(event: Event, case: Case) -> bool:
    """The event's labels are graver than the case's, or of another category: an update is due, if the rules
    allow it (`update_case`)."""
    graver = gravity(event.priority, event.severity) > gravity(case.priority, case.severity)
    return graver or event.category != case.category


def follow_t0(session: Session, case: Case, event: Event) -> None:
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
        follow_t0(session, case, event)
        if update_due(event, case) and update_case(session, responder, case, event, now):
            counts["upgraded"] += 1
        else:
            follow_answerers(session, responder, case, event)
    return counts
