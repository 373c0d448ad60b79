"""Typed records passed between stages, stored in JSON columns, and written through the CLI's JSON Lines
(DOMAIN.md §7; field names there are fixed).

- `PostIn` → `classify` → `PostLabels`; `EventIn` → `assign` → `Assignment`.
- `CaseAssignment`: who answers a case, with names, as the case row stores it (validated when read back).
- `CaseDecisions`: what people decided about a case (its lead, its category), which automatic updates keep.
- `CaseView`: one case as people and other systems see it: `cases show`, the alerts, the briefing, the console;
  `CaseWithPosts` adds the case's posts (`cases list --json`, DOMAIN.md §7).
- `AlertPayload`: what an outbox row carries, one type per alert kind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from yuqing.config_models import Adcode
from yuqing.vocabulary import (
    AlertKind,
    CaseStatus,
    Category,
    Handling,
    Level,
    ObligationKind,
    ObligationStatus,
    Priority,
    Severity,
)


class Incoming(BaseModel):
    """Input lines may carry more fields than a stage reads; those are ignored, not refused."""

    model_config = ConfigDict(extra="ignore")


class PostIn(Incoming):
    """A post as input to `classify`."""

    id: str | int
    text: str
    title: str = ""
    source: str | None = None
    url: str | None = None
    published_at: datetime | None = None


class EventIn(Incoming):
    """An event as input to `assign`."""

    id: str | int
    category: Category
    severity: Severity | None = None
    handling: Handling | None = None
    domains: list[str] = []
    regions: list[Adcode] = []
    policy_level: Literal["national", "province"] | None = None
    t0: datetime | None = None


class Body(BaseModel):
    """A responsible body: a division and a competent domain (谁主管)."""

    model_config = ConfigDict(frozen=True)

    adcode: str
    domain: str


class Deadlines(BaseModel):
    release: datetime | None = None
    press_conference: datetime | None = None
    respond: datetime | None = None


class Assignment(BaseModel):
    """Who must answer and by when, with the numbers of the rules that decided it."""

    id: str | int
    level: Level
    lead: Body
    responders: list[Body]
    coordinators: list[Body]
    principal_leader: bool
    rules: list[int]
    deadlines: Deadlines


# --- labels -------------------------------------------------------------------------------------------------


class Casualties(BaseModel):
    deaths: int | None = None
    injuries: int | None = None


class PostLabels(BaseModel):
    """A post's labels: one `classify` output line, exactly DOMAIN.md §7's fields in its order."""

    id: str | int
    category: Category
    priority: Priority
    severity: Severity | None
    handling: Handling | None
    domains: list[str]
    regions: list[str]
    confidence: float
    casualties: Casualties


# --- cases --------------------------------------------------------------------------------------------------


class NamedBody(Body):
    """A body as people read it: its name from organisations.yaml, or one generated (莲都区城市管理部门)."""

    name: str
    contact: str | None = None

    def body(self) -> Body:
        return Body(adcode=self.adcode, domain=self.domain)


class CaseAssignment(BaseModel):
    """Who answers a case and why, as the case stores it: the lead is read from here and nowhere else."""

    model_config = ConfigDict(frozen=True)

    title: str
    regions: list[str]
    level: Level
    lead: NamedBody
    responders: list[NamedBody]
    coordinators: list[NamedBody]
    principal_leader: bool
    rules: list[int]


class LeadDecision(BaseModel):
    """The body a person handed the case to (`cases reassign`)."""

    body: NamedBody
    by: str
    at: datetime
    reason: str


class CategoryDecision(BaseModel):
    """The category (and handling type) a person set (`cases correct`), with how grave the event was when they
    decided: only an event graver than that raises the case's severity and priority afterwards."""

    category: Category
    handling: Handling | None
    by: str
    at: datetime
    reason: str
    event_priority: Priority
    event_severity: Severity | None


class CaseDecisions(BaseModel):
    """What people decided about a case. A person's decision outranks the machine's: an automatic update may still
    raise severity, priority and clocks, but keeps a decided lead and category (responder.cases). Every field is
    optional, so a case nobody has decided about is `{}`."""

    model_config = ConfigDict(frozen=True)

    lead: LeadDecision | None = None
    category: CategoryDecision | None = None


class Region(BaseModel):
    adcode: str
    name: str


class ObligationView(BaseModel):
    kind: ObligationKind
    sequence: int
    starts_at: datetime
    due_at: datetime
    status: ObligationStatus
    met_at: datetime | None
    on_time: bool | None  # None until met
    evidence_url: str | None = None  # where the release or response that met it can be read


class PostSummary(BaseModel):
    title: str
    text: str
    url: str | None
    media: str = ""  # the fields with defaults came later: alerts stored before read back
    published_at: datetime | None = None


class HistoryEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]


class CaseView(BaseModel):
    """A case with everything a person acting on it needs; times are absolute, with their zone. Who answers is
    at the top level (`lead`, `responders`, `coordinators`, `rules`), as DOMAIN.md §7 names the fields."""

    id: int
    status: CaseStatus
    title: str
    category: Category
    category_name: str
    priority: Priority
    severity: Severity | None
    handling: Handling | None
    t0: datetime
    regions: list[Region]
    region_unknown: bool
    recommended_action: str | None
    level: Level
    lead: NamedBody
    responders: list[NamedBody]
    coordinators: list[NamedBody]
    principal_leader: bool
    rules: list[int]
    merged_into: int | None
    dismissed_reason: str | None
    obligations: list[ObligationView]
    post: PostSummary | None  # the most widely spread post
    console_url: str | None  # the case's page, once the console answers there
    # Added after the first alerts were stored: defaults, so those read back.
    upgraded_by: PostSummary | None = None  # the post whose labels last raised the event
    deaths: int | None = None
    injuries: int | None = None
    post_count: int = 0  # the posts of the case's event, copies included
    copy_count: int = 0  # of which linked copies
    source_count: int = 0
    official_seen: bool = False  # an official channel or central media has carried it
    history: list[HistoryEntry] = []
    decisions: CaseDecisions = CaseDecisions()

    @model_validator(mode="before")
    @classmethod
    def _lift_stored_assignment(cls, data: Any) -> Any:
        """Alerts stored before who-answers moved to the top level carry it nested under `assignment`; their
        payloads are read back as they are, so the outbox needs no rewrite."""
        if isinstance(data, dict) and "assignment" in data:
            stored = CaseAssignment.model_validate(data["assignment"])
            data = {k: v for k, v in data.items() if k != "assignment"}
            for name in ("level", "lead", "responders", "coordinators", "principal_leader", "rules"):
                data.setdefault(name, getattr(stored, name))
        return data


class CasePost(BaseModel):
    """A post of a case as outside checks read it (DOMAIN.md §7): `source` is the source's name, or the post's
    media when no source row is known; `duplicate_of` is the post it copies."""

    id: int
    url: str | None
    title: str
    source: str
    published_at: datetime | None
    duplicate_of: int | None


class CaseWithPosts(CaseView):
    """A case with every post of its event, linked copies included: `cases list --json`."""

    posts: list[CasePost]


# --- alerts -------------------------------------------------------------------------------------------------


class CaseAlert(BaseModel):
    """An alert about a case: opened, upgraded, a deadline warning or a breach, with the case as it then stood."""

    kind: Literal[
        AlertKind.CASE_OPENED, AlertKind.CASE_UPGRADED, AlertKind.CASE_REASSIGNED, AlertKind.WARNING, AlertKind.BREACH
    ]
    message: str
    case: CaseView
    to: list[NamedBody]
    level: str | None = None  # warning_50, warning_80, breach
    obligation: ObligationView | None = None
    without_channel: list[NamedBody] = []  # of `to`: no channel of their own, so the duty office must tell them


class SourceHealthAlert(BaseModel):
    """A source that stopped delivering (failed runs in a row, or a collapse in volume), for the operators."""

    kind: Literal[AlertKind.SOURCE_HEALTH] = AlertKind.SOURCE_HEALTH
    title: str
    message: str
    source: str
    reason: str | None
    error: str | None
    consecutive_failures: int
    items: int
    last_success_at: datetime | None


class BriefingAlert(BaseModel):
    """A briefing to its recipients: the chat version in Markdown and in Slack's mrkdwn, and the files written
    (the HTML is an email's body, the Word file goes along as an attachment); paths, so the outbox row stays small."""

    kind: Literal[AlertKind.BRIEFING] = AlertKind.BRIEFING
    title: str  # 舆情日报（2026年11月20日）
    message: str  # CommonMark, for the robots and as the plain-text part
    slack: str  # Slack mrkdwn
    html_file: str | None = None
    docx_file: str | None = None


class TestAlert(BaseModel):
    """A message sent to check that a channel works."""

    __test__ = False  # not a pytest test class, whatever its name

    kind: Literal[AlertKind.TEST] = AlertKind.TEST
    title: str = "测试消息"
    message: str


AlertPayload = Annotated[CaseAlert | SourceHealthAlert | BriefingAlert | TestAlert, Field(discriminator="kind")]
ALERT_PAYLOAD: TypeAdapter[CaseAlert | SourceHealthAlert | BriefingAlert | TestAlert] = TypeAdapter(AlertPayload)
