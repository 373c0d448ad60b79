"""What a person does to a case from the console or the API: one `ActionInput`, one `perform`, calling the
responder's own functions (the ones `yuqing cases …` calls), in one transaction with the audit entry, as the
signed-in user.

Who may do what: `duty` (the press office) everything; `department` the milestones of its own cases
(acknowledge, release published, press conference held, responded), which is its part of the work; ending,
moving and re-labelling a case is the press office's decision. `admin` administers accounts and does not act
on cases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from fastapi import HTTPException
from pydantic import BaseModel, Field, HttpUrl, field_validator
from sqlalchemy.orm import Session

from monitor.console.auth import Principal, visible_case
from responder.cases import Responder
from responder.lifecycle import (
    CaseError,
    acknowledge,
    attach,
    close,
    correct,
    dismiss,
    merge,
    reassign,
    record_press_conference,
    record_release,
    record_response,
    split,
)
from yuqing import adcodes
from yuqing.records import Body
from yuqing.settings import Settings
from yuqing.storage.models import Case
from yuqing.users import Role
from yuqing.vocabulary import CASE_ACTION_TEXT, Category, Handling, case_number

T = TypeVar("T")


class Action(StrEnum):
    """The actions, by the audit trail's names without `case.`."""

    ACK = "ack"
    RELEASE = "release"
    PRESS = "press"
    RESPOND = "respond"
    CLOSE = "close"
    DISMISS = "dismiss"
    REASSIGN = "reassign"
    CORRECT = "correct"
    MERGE = "merge"
    SPLIT = "split"
    ATTACH = "attach"


MILESTONES = frozenset({Action.RELEASE, Action.PRESS, Action.RESPOND})
ALLOWED = {
    Role.DUTY: frozenset(Action),
    Role.DEPARTMENT: frozenset({Action.ACK, *MILESTONES}),
    Role.ADMIN: frozenset(),
}


class ActionInput(BaseModel):
    """The fields an action reads (the others are ignored): `at` when it really happened (with a zone; default
    now), `evidence_url` where it can be read, `reason`, the new body (`adcode`, `domain`), `posts`, `event`,
    `into` (a case number), `category` and `handling`."""

    at: datetime | None = None
    evidence_url: HttpUrl | None = None
    reason: str = ""
    adcode: str | None = None
    domain: str | None = None
    posts: list[int] = Field(default_factory=list)
    event: int | None = None
    into: int | None = None
    category: Category | None = None
    handling: Handling | None = None

    @field_validator("at")
    @classmethod
    def _with_zone(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the time with its zone, e.g. 2026-11-18T13:00:00+08:00")
        return value


class Done(BaseModel):
    """What an action did, in words, and the case to look at next (the merged-into or the split-off one)."""

    message: str
    case: int


def _need(value: T | None, what: str) -> T:
    """The value an action cannot do without, or the refusal saying which field to fill."""
    if value is None or value == "":
        raise CaseError(f"请填写{what}")
    return value


def perform(
    session: Session, settings: Settings, who: Principal, case: Case, action: Action, given: ActionInput
) -> Done:
    """Do the action; what it did, in words. CaseError when it does not fit the case, HTTP 403 when
    the role may not do it; the caller commits."""
    if action not in ALLOWED[who.role]:
        raise HTTPException(403, "当前账号无权进行此操作")
    now = datetime.now(UTC)
    at = given.at or now
    evidence = str(given.evidence_url) if given.evidence_url else None
    responder = Responder(settings)
    actor = who.username
    match action:
        case Action.ACK:
            acknowledge(session, case, actor, at)
        case Action.RELEASE:
            record_release(session, responder, case, actor, at, now, evidence)
        case Action.PRESS:
            record_press_conference(session, responder, case, actor, at, now, evidence)
        case Action.RESPOND:
            record_response(session, case, actor, at, now, evidence)
        case Action.CLOSE:
            close(session, case, actor, now)
        case Action.DISMISS:
            dismiss(session, case, actor, _need(given.reason.strip(), "排除理由"), who.user_id, now)
        case Action.REASSIGN:
            adcode = _need(given.adcode, "新的回应主体的行政区划代码")
            if not adcodes.is_adcode(adcode):
                raise CaseError(f"行政区划代码“{adcode}”应为6位数字")
            domain = _need(given.domain, "主管领域")
            if domain not in settings.organisations.domains:
                raise CaseError(f"没有主管领域“{domain}”")
            reassign(session, responder, case, actor, Body(adcode=adcode, domain=domain), given.reason, now)
        case Action.CORRECT:
            category = _need(given.category, "类别")
            correct(
                session, responder, case, actor, who.user_id, category, given.handling, _need(given.reason, "理由"), now
            )
        case Action.MERGE:
            target = visible_case(session, who, _need(given.into, "并入的案件编号"))
            merge(session, responder, case, target, actor, now)
            return Done(message=f"{case_number(case.id)}已并入{case_number(target.id)}", case=target.id)
        case Action.SPLIT:
            new = split(session, responder, case, given.posts, actor, now)
            return Done(message=f"已从{case_number(case.id)}拆出帖文，新建{case_number(new.id)}", case=new.id)
        case Action.ATTACH:
            attach(session, responder, case, actor, now, post_ids=given.posts or None, event_id=given.event)
    return Done(message=f"{case_number(case.id)}：已{CASE_ACTION_TEXT['case.' + action]}", case=case.id)
