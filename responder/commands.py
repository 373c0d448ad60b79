"""The responder's commands: `yuqing assign` (the rules alone) and `yuqing cases ...` (the case register from the
command line; the console offers the same actions)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from responder.assignment import AssignmentRules
from responder.assignment import assign as assign_event
from responder.cases import Responder
from responder.lifecycle import (
    CaseError,
    acknowledge,
    attach,
    close,
    correct,
    dismiss,
    merge,
    raise_to_case,
    reassign,
    record_press_conference,
    record_release,
    record_response,
    split,
)
from yuqing.caseview import (
    case_lines,
    case_view,
    case_with_posts,
    obligation_label,
    obligation_text,
    obligation_view,
)
from yuqing.cli_support import EXIT_SKIPPED_LINES, InputFile, actor, engine_at_head, fail, open_input, settings_or_exit
from yuqing.jsonl import process
from yuqing.known_divisions import is_known_division
from yuqing.records import Body, CaseView, EventIn
from yuqing.settings import Settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Case, EventPost, Obligation, User
from yuqing.users import Role
from yuqing.vocabulary import (
    ACTIVE_CASE_STATUSES,
    CASE_ACTION_TEXT,
    CASE_STATUS_TEXT,
    OBLIGATION_TEXT,
    OWED_OBLIGATION_STATUSES,
    PRIORITY_TEXT,
    SYSTEM_ACTOR,
    SYSTEM_ACTOR_TEXT,
    Category,
    Handling,
    ObligationStatus,
    case_number,
    local_time,
)

ISO_WITH_ZONE = "%Y-%m-%dT%H:%M:%S%z"
commands = typer.Typer()
cases_app = typer.Typer(
    help="Work on cases: list, show, ack, release, press, respond, close, dismiss, reassign, correct, merge, split, "
    "attach, raise.",
    no_args_is_help=True,
)
commands.add_typer(cases_app, name="cases")

CaseId = Annotated[int, typer.Argument(help="The case number.")]
By = Annotated[str | None, typer.Option("--by", help="The console user acting (default: the shell user).")]
At = Annotated[
    datetime | None,
    typer.Option(
        "--at", help="When it happened, ISO 8601 with a zone (default: now).", formats=["%Y-%m-%dT%H:%M:%S%z"]
    ),
]

Evidence = Annotated[str | None, typer.Option("--evidence", help="Where the release or response can be read (a link).")]


def _now() -> datetime:
    return datetime.now(UTC)


def _user(session: Session, by: str | None) -> User | None:
    if by is None:
        return None
    user = session.scalar(select(User).where(User.username == by))
    if user is None:
        fail(f"--by：没有控制台用户“{by}”，请先创建：yuqing users add {by} --role {Role.DUTY}")
    if not user.active:
        fail(f"--by：控制台用户“{by}”已停用，请换一位在用的用户（yuqing users list）")
    return user


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        fail(f"no case {case_id}")
    return case


def _act(by: str | None, work: Callable[[Session, Settings, Case | None, str, User | None], str], case_id: int | None):
    """Run one audited change in one transaction; a refused action changes nothing and exits 1."""

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    try:
        with transaction(session_factory(engine)) as session:
            user = _user(session, by)
            case = _case(session, case_id) if case_id is not None else None
            message = work(session, settings, case, actor(by), user)
    except CaseError as error:
        fail(str(error))
    typer.echo(message)


def _json(view: CaseView, settings: Settings, indent: int | None = None) -> str:
    """A case as JSON, its times ISO 8601 in the service's time zone with their offset (DOMAIN.md §7)."""
    return json.dumps(
        view.model_dump(),
        ensure_ascii=False,
        indent=indent,
        default=lambda moment: moment.astimezone(settings.timezone).isoformat(),
    )


def _owed(session: Session, case: Case, settings: Settings) -> str:
    """The case's owed deadlines as `cases list` words them: 发布权威信息 2026-11-18 13:00前、…"""
    owed = session.scalars(
        select(Obligation)
        .where(Obligation.case_id == case.id, Obligation.status.in_(OWED_OBLIGATION_STATUSES))
        .order_by(Obligation.due_at)
    )
    deadlines = (f"{obligation_label(obligation_view(o))} {local_time(o.due_at, settings.timezone)}前" for o in owed)
    return "、".join(deadlines) or "无"


@cases_app.command("list")
def list_cases(
    all_cases: Annotated[bool, typer.Option("--all", help="Include closed, dismissed and merged cases.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="One case a line: every field of `cases show --json`, plus its posts.")
    ] = False,
) -> None:
    """Cases with their lead body and next deadline, most urgent first."""

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    with session_factory(engine)() as session:
        query = select(Case).order_by(Case.id)
        if not all_cases:
            query = query.where(Case.status.in_(ACTIVE_CASE_STATUSES))
        rows = []
        for case in session.scalars(query):
            due = session.scalar(
                select(Obligation)
                .where(Obligation.case_id == case.id, Obligation.status.in_(OWED_OBLIGATION_STATUSES))
                .order_by(Obligation.due_at)
                .limit(1)
            )
            rows.append((due.due_at if due else datetime.max.replace(tzinfo=UTC), case, due))
        rows.sort(key=lambda row: (row[0], row[1].id))
        if as_json:
            for _, case, _ in rows:
                typer.echo(_json(case_with_posts(session, settings, case), settings))
            return
    for _, case, due in rows:
        next_due = "-"
        if due:
            late = "（已超时）" if due.status == ObligationStatus.BREACHED else ""
            next_due = f"{OBLIGATION_TEXT[due.kind]} {local_time(due.due_at, settings.timezone)}前{late}"
        typer.echo(
            "\t".join(
                [
                    str(case.id),
                    CASE_STATUS_TEXT[case.status],
                    PRIORITY_TEXT[case.priority],
                    settings.categories.categories[case.category].name,
                    case.assignment.lead.name,
                    next_due,
                    case.assignment.title,
                ]
            )
        )


@cases_app.command("show")
def show(case_id: CaseId, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """A case: who answers and why (the rule trail), what people decided, its deadlines, the recommended action,
    its history."""
    settings = settings_or_exit()
    engine = engine_at_head(settings)
    with session_factory(engine)() as session:
        view = case_view(session, settings, _case(session, case_id), with_history=True)
    if as_json:
        typer.echo(_json(view, settings, indent=2))
        return
    zone, now = settings.timezone, _now()
    typer.echo(f"{case_number(view.id)}  {view.title}")
    for label, value in case_lines(view, zone):
        typer.echo(f"  {label}：{value}")
    typer.echo(f"  适用规则：第{'、'.join(str(rule) for rule in view.rules)}条")
    lead, category = view.decisions.lead, view.decisions.category
    if lead is not None:
        typer.echo(f"  人工指定回应主体：{lead.body.name}（{lead.by}，{local_time(lead.at, zone)}）{lead.reason}")
    if category is not None:
        typer.echo(
            f"  人工认定类别：{settings.categories.categories[category.category].name}"
            f"（{category.by}，{local_time(category.at, zone)}）{category.reason}"
        )
    if view.post is not None:
        typer.echo(
            f"  代表帖文：{view.post.title or view.post.text[:40]}" + (f" {view.post.url}" if view.post.url else "")
        )
    typer.echo("  时限：" if view.obligations else "  时限：无")
    for o in view.obligations:
        typer.echo(f"    {obligation_label(o)}：{obligation_text(o, zone, now)}")
    typer.echo("  经过：")
    for h in view.history:
        who = SYSTEM_ACTOR_TEXT if h.actor == SYSTEM_ACTOR else h.actor
        reason = f"（{h.details['reason']}）" if h.details.get("reason") else ""
        typer.echo(f"    {local_time(h.at, zone)}  {who}  {CASE_ACTION_TEXT.get(h.action, h.action)}{reason}")


@cases_app.command("ack")
def ack(case_id: CaseId, by: By = None, at: At = None) -> None:
    """Acknowledge a case (the responsible body has seen it)."""

    def work(session, settings, case, who, user):
        acknowledge(session, case, who, at or _now())
        return f"case {case.id} acknowledged"

    _act(by, work, case_id)


@cases_app.command("release")
def release(case_id: CaseId, by: By = None, at: At = None, evidence: Evidence = None) -> None:
    """Record an authoritative release (the 5 h obligation, or a follow-up after the press conference)."""

    def work(session, settings, case, who, user):
        met = record_release(session, Responder(settings), case, who, at or _now(), _now(), evidence)
        return f"case {case.id}: release recorded (meets: {met})"

    _act(by, work, case_id)


@cases_app.command("press")
def press(case_id: CaseId, by: By = None, at: At = None, evidence: Evidence = None) -> None:
    """Record the press conference (the 24 h obligation); follow-up releases start."""

    def work(session, settings, case, who, user):
        record_press_conference(session, Responder(settings), case, who, at or _now(), _now(), evidence)
        return f"case {case.id}: press conference recorded"

    _act(by, work, case_id)


@cases_app.command("respond")
def respond(case_id: CaseId, by: By = None, at: At = None, evidence: Evidence = None) -> None:
    """Record the response (the 48 h obligation)."""

    def work(session, settings, case, who, user):
        record_response(session, case, who, at or _now(), _now(), evidence)
        return f"case {case.id}: response recorded"

    _act(by, work, case_id)


@cases_app.command("close")
def close_case(case_id: CaseId, by: By = None) -> None:
    """Close a case; its open obligations are cancelled."""

    def work(session, settings, case, who, user):
        close(session, case, who, _now())
        return f"case {case.id} closed"

    _act(by, work, case_id)


@cases_app.command("dismiss")
def dismiss_case(
    case_id: CaseId,
    reason: Annotated[str, typer.Option("--reason", help="Why it is a false positive.")],
    by: By = None,
) -> None:
    """Dismiss a false positive; its posts become training corrections (category `other`)."""

    def work(session, settings, case, who, user):
        corrected = dismiss(session, case, who, reason, user.id if user else None, _now())
        return f"case {case.id} dismissed; {corrected} posts corrected to `other` for the next training"

    _act(by, work, case_id)


@cases_app.command("reassign")
def reassign_case(
    case_id: CaseId,
    adcode: Annotated[str, typer.Option("--adcode", help="Division code of the new responsible body.")],
    domain: Annotated[str, typer.Option("--domain", help="Domain id of the new responsible body.")],
    reason: Annotated[str, typer.Option("--reason", help="Why.")] = "",
    by: By = None,
) -> None:
    """Hand a case to another responsible body."""

    if not is_known_division(adcode):
        fail(f"--adcode: got {adcode!r}; expected the 6-digit code of an existing division")

    def work(session, settings, case, who, user):
        reassign(session, Responder(settings), case, who, Body(adcode=adcode, domain=domain), reason, _now())
        return f"case {case.id} reassigned to {case.assignment.lead.name}"

    _act(by, work, case_id)


@cases_app.command("correct")
def correct_case(
    case_id: CaseId,
    category: Annotated[Category, typer.Option("--category", help="The category the case really is.")],
    reason: Annotated[str, typer.Option("--reason", help="Why.")],
    handling: Annotated[
        Handling | None, typer.Option("--handling", help="The handling type (default: the case's stays).")
    ] = None,
    by: By = None,
) -> None:
    """Correct a case's category (and handling type): automatic updates keep it, and its posts become training
    corrections. A false positive is `dismiss`ed instead."""

    def work(session, settings, case, who, user):
        corrected = correct(
            session, Responder(settings), case, who, user.id if user else None, category, handling, reason, _now()
        )
        names = settings.categories
        action = names.handling[case.handling].name if case.handling else "无"
        return (
            f"{case_number(case.id)}类别已更正为“{names.categories[case.category].name}”（处置类型：{action}），"
            f"{corrected}条帖文记为训练更正；时限：{_owed(session, case, settings)}"
        )

    _act(by, work, case_id)


@cases_app.command("merge")
def merge_case(
    case_id: CaseId,
    into: Annotated[int, typer.Option("--into", help="The case that absorbs this one.")],
    by: By = None,
) -> None:
    """Merge a case into another about the same happening."""

    def work(session, settings, case, who, user):
        merge(session, Responder(settings), case, _case(session, into), who, _now())
        return f"case {case.id} merged into {into}"

    _act(by, work, case_id)


PostIds = Annotated[list[int] | None, typer.Option("--post", help="A post number (repeatable).")]


@cases_app.command("split")
def split_case(case_id: CaseId, post: PostIds = None, by: By = None) -> None:
    """Move posts (with their linked copies) out of a case into a new case, opened at once."""

    def work(session, settings, case, who, user):
        new = split(session, Responder(settings), case, post or [], who, _now())
        moved = session.scalar(select(func.count()).select_from(EventPost).where(EventPost.event_id == new.event_id))
        return (
            f"已从{case_number(case.id)}拆出{moved}条帖文（含转载），新建{case_number(new.id)}“{new.assignment.title}”，"
            f"回应主体：{new.assignment.lead.name}；时限：{_owed(session, new, settings)}"
        )

    _act(by, work, case_id)


@cases_app.command("attach")
def attach_case(
    case_id: CaseId,
    post: PostIds = None,
    event: Annotated[int | None, typer.Option("--event", help="An event that has no case.")] = None,
    by: By = None,
) -> None:
    """Add stray posts (with their linked copies) or a whole event that has no case to a case. To bring in
    another case, use `merge`."""

    def work(session, settings, case, who, user):
        moved = attach(session, Responder(settings), case, who, _now(), post_ids=post, event_id=event)
        what = f"事件#{event}" if event is not None else "帖文" + "、".join(f"#{p}" for p in dict.fromkeys(post or []))
        return (
            f"已将{what}（共{len(moved)}条帖文，含转载）并入{case_number(case.id)}；"
            f"回应主体：{case.assignment.lead.name}；时限：{_owed(session, case, settings)}"
        )

    _act(by, work, case_id)


@cases_app.command("raise")
def raise_case(
    post: Annotated[int, typer.Option("--post", help="The post number that needs an answer.")],
    by: By = None,
) -> None:
    """Open a case for a post at once, whatever its heat or place (the console's 人工立案): the case of the event
    it is in, or of a new event of the post and its copies when grouping has not reached it."""

    def work(session, settings, case, who, user):
        new = raise_to_case(session, Responder(settings), post, who, _now())
        return (
            f"已据帖文#{post}立案：{case_number(new.id)}“{new.assignment.title}”，"
            f"回应主体：{new.assignment.lead.name}；时限：{_owed(session, new, settings)}"
        )

    _act(by, work, None)


@commands.command()
def assign(
    file: InputFile = None,
    home: Annotated[
        str | None, typer.Option("--home", help="Home jurisdiction ADCODE (default: organisations.yaml).")
    ] = None,
) -> None:
    """Assign each event to its responsible body and compute its deadlines, from the rules alone (no database)."""
    settings = settings_or_exit()
    if home is not None and not is_known_division(home):
        fail(f"--home: got {home!r}; expected the 6-digit code of an existing division, such as 331100")
    rules = AssignmentRules.from_settings(settings, home)
    with ExitStack() as stack:
        stream, name = open_input(stack, file)
        skipped = process(stream, name, EventIn, lambda event: assign_event(event, rules))
    if skipped:
        raise typer.Exit(EXIT_SKIPPED_LINES)
