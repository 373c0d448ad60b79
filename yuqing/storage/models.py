"""The database tables, in the order data flows through them.

sources → posts → labels → events → cases → obligations → notifications → briefings, plus users, the audit log
and the service's job runs. Deadlines are absolute times on rows (the scheduler only reads them), and every
fired warning or breach is a row, so a re-run after a crash is safe.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import TypeAdapter
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from yuqing.records import (
    ALERT_PAYLOAD,
    BriefingAlert,
    CaseAlert,
    CaseAssignment,
    CaseDecisions,
    SourceHealthAlert,
    TestAlert,
)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime on every backend.

    SQLite has no time zones, so values are stored as naive UTC there and come back aware; a naive value is
    refused on the way in, because guessing its zone is how deadlines end up eight hours off.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: give it a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class RecordJSON(TypeDecorator[Any]):
    """A typed record (`yuqing.records`) in a JSON column: dumped on the way in, validated on the way out, so a
    reader gets the record or a clear error, never a dict to read by key."""

    impl = JSON
    cache_ok = True

    def __init__(self, adapter: TypeAdapter[Any]) -> None:
        super().__init__()
        self.adapter = adapter

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self.adapter.dump_python(value, mode="json")

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self.adapter.validate_python(value)


def utcnow() -> datetime:
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


# --- sources ------------------------------------------------------------------------------------------------


class Source(Base):
    """A watched source and its health; the definition itself lives in config/sources.yaml."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    media: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_items: Mapped[int | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error_kind: Mapped[str | None] = mapped_column(String(40))  # http_status, timeout, empty_parse, captcha...
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    runs: Mapped[list[SourceRun]] = relationship(back_populates="source", cascade="all, delete-orphan")


class SourceRun(Base):
    """One crawl of one source, so that items per run and a collapse in volume can be seen."""

    __tablename__ = "source_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))  # ok, failed
    pages: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    new_items: Mapped[int] = mapped_column(Integer, default=0)
    error_kind: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship(back_populates="runs")


class FetchState(Base):
    """What a list page, feed or API page last answered, for conditional requests (ETag / Last-Modified)."""

    __tablename__ = "fetch_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    checked_at: Mapped[datetime]


# --- posts --------------------------------------------------------------------------------------------------


class Post(Base):
    """A collected post: the raw text kept, the normalised and simplified copies for analysis."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("source_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(200))  # the platform's own id, when it has one
    url: Mapped[str | None] = mapped_column(String(2000))
    canonical_url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    media: Mapped[str] = mapped_column(String(20))
    author: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    raw_text: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    text_simplified: Mapped[str] = mapped_column(Text, default="")
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)  # e.g. ContentSource, SiteName, ColumnName
    reposts: Mapped[int | None]
    comments: Mapped[int | None]
    likes: Mapped[int | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    simhash: Mapped[int | None] = mapped_column(BigInteger)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    spread: Mapped[int] = mapped_column(Integer, default=1)  # this post plus the copies linked to it


# --- labels -------------------------------------------------------------------------------------------------


class LabelFields:
    """The labels of DOMAIN.md §1-§4 and §6, shared by model outputs and analyst corrections."""

    category: Mapped[str] = mapped_column(String(30), index=True)
    priority: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str | None] = mapped_column(String(4))
    handling: Mapped[str | None] = mapped_column(String(20))
    domains: Mapped[list[Any]] = mapped_column(default=list)
    regions: Mapped[list[Any]] = mapped_column(default=list)
    deaths: Mapped[int | None]
    injuries: Mapped[int | None]


class Label(LabelFields, Base):
    """What a model said about a post; corrections are kept apart so neither overwrites the other."""

    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("post_id", "model_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    model_version: Mapped[str] = mapped_column(String(80))
    confidence: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabelCorrection(LabelFields, Base):
    """An analyst's labels for a post; they take part in the next training run."""

    __tablename__ = "label_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- events -------------------------------------------------------------------------------------------------


class Event(Base):
    """Posts about the same happening, with the clock start and the heat that decide cases."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    title_rank: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 2 news/official, 0 first words
    category: Mapped[str] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(10), index=True)
    severity: Mapped[str | None] = mapped_column(String(4))
    handling: Mapped[str | None] = mapped_column(String(20))
    policy_level: Mapped[str | None] = mapped_column(String(10))
    regions: Mapped[list[Any]] = mapped_column(default=list)  # where it happens: the places its posts weigh most
    region_weights: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")  # place: posts naming it
    domains: Mapped[list[Any]] = mapped_column(default=list)  # most central first: the most-named first domain
    domain_weights: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")  # domain: posts
    terms: Mapped[dict[str, Any]] = mapped_column(default=dict)  # key terms and their weights, for grouping posts
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))  # by a person
    deaths: Mapped[int | None]  # the highest figures its well-supported posts report
    injuries: Mapped[int | None]
    owner_adcode: Mapped[str | None] = mapped_column(String(6))  # the locality that owns an outside event
    t0: Mapped[datetime]
    t0_from_first_seen: Mapped[bool] = mapped_column(Boolean, default=False)  # no publication time was known
    first_seen_at: Mapped[datetime]
    last_post_at: Mapped[datetime]
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    reposts: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    source_count: Mapped[int] = mapped_column(Integer, default=0)
    official_coverage: Mapped[bool] = mapped_column(Boolean, default=False)  # official or central media carried it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EventPost(Base):
    __tablename__ = "event_posts"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, unique=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventUpgrade(Base):
    """A rise in an event's severity or priority, with the post that caused it (its time restarts clocks)."""

    __tablename__ = "event_upgrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    from_severity: Mapped[str | None] = mapped_column(String(4))
    to_severity: Mapped[str | None] = mapped_column(String(4))
    from_priority: Mapped[str] = mapped_column(String(10))
    to_priority: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime]


# --- cases and obligations ----------------------------------------------------------------------------------


class Case(Base):
    """A case opened from an event: who must answer, by which rules, and where it stands."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"), unique=True)  # one each
    status: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str | None] = mapped_column(String(4))
    handling: Mapped[str | None] = mapped_column(String(20))
    assignment: Mapped[CaseAssignment] = mapped_column(RecordJSON(TypeAdapter(CaseAssignment)))  # who answers
    region_unknown: Mapped[bool] = mapped_column(Boolean, default=False)
    recommended_action: Mapped[str | None] = mapped_column(Text)
    t0: Mapped[datetime]
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    decisions: Mapped[CaseDecisions] = mapped_column(  # what people decided: automatic updates keep it
        RecordJSON(TypeAdapter(CaseDecisions)), default=CaseDecisions, server_default="{}"
    )


class Obligation(Base):
    """One response deadline of a case, as an absolute time; met, breached or cancelled is written back."""

    __tablename__ = "obligations"
    __table_args__ = (UniqueConstraint("case_id", "kind", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # release, press_conference, follow_up, respond
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # numbers follow-up releases
    starts_at: Mapped[datetime]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, met, breached, cancelled
    met_at: Mapped[datetime | None]
    evidence_url: Mapped[str | None] = mapped_column(String(2000))  # where the release or response can be read
    breached_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    next_alert_at: Mapped[datetime | None] = mapped_column(index=True)  # the next warning or the breach; None: done


# --- notifications ------------------------------------------------------------------------------------------


class Notification(Base):
    """The outbox: written in the same transaction as the change that causes it, delivered by the dispatcher."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)  # case, obligation, level, recipient
    kind: Mapped[str] = mapped_column(String(30))  # case_opened, warning, breach, source_health, briefing, test
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligations.id", ondelete="SET NULL"))
    level: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))  # slack, email, webhook, log
    recipient: Mapped[str] = mapped_column(String(300))
    payload: Mapped[CaseAlert | SourceHealthAlert | BriefingAlert | TestAlert] = mapped_column(
        RecordJSON(ALERT_PAYLOAD)
    )
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)  # pending, sent, failed, cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    external_ref: Mapped[str | None] = mapped_column(String(200))  # e.g. Slack's message ts
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


# --- briefings ----------------------------------------------------------------------------------------------


class Briefing(Base):
    """One briefing the service wrote (the `briefing` stage): written once per period, sent once through the outbox."""

    __tablename__ = "briefings"
    __table_args__ = (UniqueConstraint("period", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), default="day", server_default="day")  # day, week, month
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]  # every recipient's copy sent
    files: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")  # format: path
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the figures it states
    text: Mapped[str] = mapped_column(Text, default="")  # the Markdown (chat) version


# --- people and their actions -------------------------------------------------------------------------------


class User(Base):
    """A console account: `admin`, `duty` (the press office) or `department` (bound to its bodies)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))  # admin, duty, department (yuqing.users.Role)
    bodies: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")  # a department's "ADCODE:DOMAIN"s
    email: Mapped[str | None] = mapped_column(String(300))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsoleSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256, so a leaked database
    copy signs nobody in; logging out or disabling the user ends it at once."""

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class AuditEntry(Base):
    """Who changed what and when; written in the same transaction as the change."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))  # a username, or "system"
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- the service --------------------------------------------------------------------------------------------


class JobRun(Base):
    """One run of one service job, so /healthz can say when each last ran and how it went."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))  # running, ok, failed
    detail: Mapped[str | None] = mapped_column(Text)
