"""Every figure a briefing states, gathered by typed queries into one frozen record (`Figures`).

The renderers and the summary read only this record, so a figure is computed once and every format says the
same; the record is also what the `briefings` row keeps (as JSON) for the day it was written.

Definitions (where the issue is silent, see the README's Briefing section):
- A post belongs to the period by its publication time, or the time it was fetched when it has none. Copies
  (posts the crawler linked to an original) count as posts, and are also counted apart.
- A post's category and regions are its current labels: an analyst's latest correction, else the latest label.
- The comparison volume is the daily average of the 7 days before the period (for a day: the 7-day average).
- An event's heat in a period is its posts in that period (copies included) plus their reposts and comments,
  as the responder's heat is counted; the trend compares with the period of equal length just before.
- An obligation falls due in a period when its deadline lies in it and it was not cancelled; it is on time when
  it was met by its deadline, else it is a breach. Each is counted for the case's lead at the time of writing.
- Case statuses and leads are as they stand when the report is written.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from yuqing.caseview import case_view, obligation_label, representative_post
from yuqing.divisions import name_of
from yuqing.records import CaseView
from yuqing.settings import Settings
from yuqing.storage.models import (
    Case,
    Event,
    EventPost,
    Label,
    LabelCorrection,
    Obligation,
    Post,
    Source,
    SourceRun,
)
from yuqing.vocabulary import (
    CASE_STATUS_TEXT,
    MEDIA_TEXT,
    OBLIGATION_STATUS_TEXT,
    PRIORITY_TEXT,
    SOURCE_ERROR_TEXT,
    BriefingPeriod,
    CaseStatus,
    Category,
    ObligationStatus,
    Priority,
    case_number,
    severity_label,
)

BASELINE_DAYS = 7
TIMELINESS_DAYS = 30
UNLABELLED = "unlabelled"
UNLABELLED_TEXT = "未分类"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Period(Frozen):
    kind: BriefingPeriod
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def days(self) -> float:
        return self.length.total_seconds() / 86400

    def previous(self) -> Period:
        return Period(kind=self.kind, start=self.start - self.length, end=self.start)


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_for(settings: Settings, day: date, kind: BriefingPeriod = BriefingPeriod.DAY) -> Period:
    """The period a briefing dated `day` covers: it ends at the briefing hour of that day (local time); a day's
    covers `covers_hours` (24) before it, a week's the 7 days before it, a month's the calendar month before
    it (so the one written on the 1st covers the whole previous month)."""
    zone = settings.timezone
    hour, minute = settings.briefing.hour_minute
    end = datetime.combine(day, time(hour, minute), tzinfo=zone)
    if kind == BriefingPeriod.DAY:
        start = end - timedelta(hours=settings.briefing.covers_hours)
    elif kind == BriefingPeriod.WEEK:
        start = datetime.combine(day - timedelta(days=7), time(hour, minute), tzinfo=zone)
    else:
        start = datetime.combine(_months_before(day, 1), time(hour, minute), tzinfo=zone)
    return Period(kind=kind, start=start, end=end)


# --- the record -----------------------------------------------------------------------------------------------


class Count(Frozen):
    key: str
    name: str
    posts: int


class EventFigure(Frozen):
    title: str
    category: str
    category_name: str
    severity: str | None  # 重大（Ⅱ级）, or None
    regions: list[str]  # names
    responsible: str | None  # the lead of its case, None when no case was opened
    case: str | None  # 12号案件
    posts: int
    copies: int
    reposts: int
    comments: int
    heat: int
    previous_heat: int
    post_title: str | None
    post_url: str | None
    post_source: str | None
    post_published_at: datetime | None


class CaseFigure(Frozen):
    case: str
    title: str
    category_name: str
    gravity: str  # 特急 · 重大（Ⅱ级）
    critical: bool
    status: str
    lead: str
    regions: list[str]
    opened_at: datetime
    closed_at: datetime | None


class DeadlineFigure(Frozen):
    case: str
    title: str
    obligation: str  # 发布权威信息
    due_at: datetime
    met_at: datetime | None
    status: str
    lead: str


class BodyTimeliness(Frozen):
    body: str
    due: int
    on_time: int
    due_30d: int
    on_time_30d: int


class SourceProblem(Frozen):
    source: str
    failed_runs: int
    reason: str
    error: str | None
    consecutive_failures: int


class DayFigures(Frozen):
    start: datetime  # the day runs 24 h from here (from the briefing hour)
    posts: int
    by_category: dict[str, int]
    cases_opened: int
    due: int
    on_time: int


class Figures(Frozen):
    period: Period
    written_at: datetime
    issuer: str
    posts: int
    copies: int
    baseline_daily: float | None  # None when the 7 days before hold no post
    top_events: list[EventFigure]
    new_cases: list[CaseFigure]
    closed_cases: list[CaseFigure]
    open_cases: list[CaseFigure]
    due_soon: list[DeadlineFigure]  # owed, due in the 24 h after the period
    breaches: list[DeadlineFigure]  # fell due in the period and not met by the deadline
    due: int  # obligations that fell due in the period
    on_time: int
    due_30d: int
    on_time_30d: int
    bodies: list[BodyTimeliness]
    by_category: list[Count]
    by_media: list[Count]
    by_region: list[Count]
    no_region: int
    source_problems: list[SourceProblem]
    days: list[DayFigures]

    @property
    def empty(self) -> bool:
        """Nothing happened: no post, no case touched, no deadline."""
        return not (self.posts or self.new_cases or self.closed_cases or self.open_cases or self.due_soon or self.due)

    @property
    def daily_posts(self) -> float:
        return self.posts / self.period.days

    @property
    def new_critical(self) -> list[CaseFigure]:
        return [case for case in self.new_cases if case.critical]


def rate(on_time: int, due: int) -> float | None:
    """The on-time share, or None when nothing fell due."""
    return on_time / due if due else None


# --- queries --------------------------------------------------------------------------------------------------


def post_time():
    """When a post counts: its publication time, or when it was fetched if it has none."""
    return func.coalesce(Post.published_at, Post.fetched_at)


def _labelled_posts(session: Session, start: datetime, end: datetime) -> list[tuple[datetime, str, str, list[str]]]:
    """(time, media, category, regions) of every post in [start, end), with its current labels."""
    latest_label = select(Label.post_id, func.max(Label.id).label("id")).group_by(Label.post_id).subquery()
    latest_fix = (
        select(LabelCorrection.post_id, func.max(LabelCorrection.id).label("id"))
        .group_by(LabelCorrection.post_id)
        .subquery()
    )
    when = post_time()
    query = (
        select(when, Post.media, Label.category, Label.regions, LabelCorrection.category, LabelCorrection.regions)
        .outerjoin(latest_label, latest_label.c.post_id == Post.id)
        .outerjoin(Label, Label.id == latest_label.c.id)
        .outerjoin(latest_fix, latest_fix.c.post_id == Post.id)
        .outerjoin(LabelCorrection, LabelCorrection.id == latest_fix.c.id)
        .where(when >= start, when < end)
    )
    rows = []
    for moment, media, category, regions, fixed_category, fixed_regions in session.execute(query):
        if fixed_category is not None:
            category, regions = fixed_category, fixed_regions
        rows.append((moment, media, category or UNLABELLED, list(dict.fromkeys(regions or []))))
    return rows


def _event_heat(session: Session, start: datetime, end: datetime) -> dict[int, tuple[int, int, int, int]]:
    """event id → (posts, copies, reposts, comments) of its posts in [start, end)."""
    when = post_time()
    query = (
        select(
            EventPost.event_id,
            func.count(Post.id),
            func.count(Post.duplicate_of_id),
            func.coalesce(func.sum(Post.reposts), 0),
            func.coalesce(func.sum(Post.comments), 0),
        )
        .join(Post, Post.id == EventPost.post_id)
        .where(when >= start, when < end)
        .group_by(EventPost.event_id)
    )
    return {event_id: (int(p), int(c), int(r), int(m)) for event_id, p, c, r, m in session.execute(query)}


def _category_name(settings: Settings, category: str) -> str:
    if category == UNLABELLED:
        return UNLABELLED_TEXT
    return settings.categories.categories[Category(category)].name


def _top_events(session: Session, settings: Settings, period: Period) -> list[EventFigure]:
    now_heat = _event_heat(session, period.start, period.end)
    before = _event_heat(session, period.previous().start, period.start)
    if not now_heat:
        return []
    events = {
        event.id: event
        for event in session.scalars(
            select(Event).where(
                Event.id.in_(list(now_heat)), Event.merged_into_id.is_(None), Event.category != Category.OTHER
            )
        )
    }
    ranked = sorted(events, key=lambda i: (-sum((now_heat[i][0], now_heat[i][2], now_heat[i][3])), i))
    figures = []
    for event_id in ranked[: settings.briefing.top_events]:
        event = events[event_id]
        posts, copies, reposts, comments = now_heat[event_id]
        old = before.get(event_id, (0, 0, 0, 0))
        case = session.scalar(select(Case).where(Case.event_id == event_id))
        view = case_view(session, settings, case) if case is not None else None
        post = representative_post(session, event_id)
        source = session.get(Source, post.source_id) if post is not None and post.source_id else None
        figures.append(
            EventFigure(
                title=view.title if view else event.title,
                category=view.category if view else event.category,
                category_name=view.category_name if view else _category_name(settings, event.category),
                severity=severity_label(event.severity) if event.severity else None,
                regions=[name_of(code) for code in event.regions],
                responsible=view.lead.name if view else None,
                case=case_number(view.id) if view else None,
                posts=posts,
                copies=copies,
                reposts=reposts,
                comments=comments,
                heat=posts + reposts + comments,
                previous_heat=old[0] + old[2] + old[3],
                post_title=(post.title or post.text[:40]) if post is not None else None,
                post_url=post.url if post is not None else None,
                post_source=(source.name if source else MEDIA_TEXT.get(post.media, post.media)) if post else None,
                post_published_at=post.published_at if post is not None else None,
            )
        )
    return figures


def _case_figure(view: CaseView, opened_at: datetime, closed_at: datetime | None) -> CaseFigure:
    grade = f" · {severity_label(view.severity)}" if view.severity else ""
    return CaseFigure(
        case=case_number(view.id),
        title=view.title,
        category_name=view.category_name,
        gravity=PRIORITY_TEXT[view.priority] + grade,
        critical=view.priority == Priority.CRITICAL,
        status=CASE_STATUS_TEXT[view.status],
        lead=view.lead.name,
        regions=[region.name for region in view.regions],
        opened_at=opened_at,
        closed_at=closed_at,
    )


def _cases(session: Session, settings: Settings, period: Period) -> tuple[list[CaseFigure], ...]:
    def figures(condition) -> list[CaseFigure]:
        rows = session.scalars(select(Case).where(condition).order_by(Case.opened_at, Case.id))
        return [_case_figure(case_view(session, settings, case), case.opened_at, case.closed_at) for case in rows]

    new = figures(and_(Case.opened_at >= period.start, Case.opened_at < period.end))
    closed = figures(and_(Case.closed_at >= period.start, Case.closed_at < period.end))
    still_open = figures(
        and_(
            Case.opened_at < period.end,
            or_(Case.closed_at.is_(None), Case.closed_at >= period.end),
            Case.status.not_in([CaseStatus.DISMISSED, CaseStatus.MERGED]),
        )
    )
    return new, closed, still_open


def _deadline(session: Session, settings: Settings, obligation: Obligation, views: dict[int, CaseView]):
    if obligation.case_id not in views:
        views[obligation.case_id] = case_view(session, settings, session.get_one(Case, obligation.case_id))
    view = views[obligation.case_id]
    ob_view = next(o for o in view.obligations if (o.kind, o.sequence) == (obligation.kind, obligation.sequence))
    return DeadlineFigure(
        case=case_number(view.id),
        title=view.title,
        obligation=obligation_label(ob_view),
        due_at=obligation.due_at,
        met_at=obligation.met_at,
        status=OBLIGATION_STATUS_TEXT[ObligationStatus(obligation.status)],
        lead=view.lead.name,
    )


def _falling_due(session: Session, start: datetime, end: datetime) -> list[Obligation]:
    return list(
        session.scalars(
            select(Obligation)
            .where(Obligation.due_at >= start, Obligation.due_at < end, Obligation.status != ObligationStatus.CANCELLED)
            .order_by(Obligation.due_at, Obligation.id)
        )
    )


def on_time(obligation: Obligation) -> bool:
    return obligation.met_at is not None and obligation.met_at <= obligation.due_at


def _source_problems(session: Session, period: Period) -> list[SourceProblem]:
    runs = session.execute(
        select(SourceRun, Source)
        .join(Source, Source.id == SourceRun.source_id)
        .where(
            SourceRun.started_at >= period.start,
            SourceRun.started_at < period.end,
            or_(SourceRun.status == "failed", SourceRun.error_kind.is_not(None)),
        )
        .order_by(SourceRun.started_at, SourceRun.id)
    )
    by_source: dict[str, list[SourceRun]] = defaultdict(list)
    sources: dict[str, Source] = {}
    for run, source in runs:
        by_source[source.name].append(run)
        sources[source.name] = source
    problems = []
    for name, failed in by_source.items():
        last = failed[-1]
        problems.append(
            SourceProblem(
                source=name,
                failed_runs=len(failed),
                reason=SOURCE_ERROR_TEXT.get(last.error_kind or "", last.error_kind or "采集失败"),
                error=last.error,
                consecutive_failures=sources[name].consecutive_failures,
            )
        )
    return sorted(problems, key=lambda p: (-p.failed_runs, p.source))


def _counts(counter: Counter[str], names) -> list[Count]:
    return [
        Count(key=key, name=names(key), posts=n) for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def gather(session: Session, settings: Settings, period: Period, written_at: datetime) -> Figures:
    """Every figure of the briefing for `period`, read from the database as it stands."""
    chart_days = max(BASELINE_DAYS, round(period.days))
    chart_start = period.end - timedelta(days=chart_days)
    baseline_start = period.start - timedelta(days=BASELINE_DAYS)
    posts = _labelled_posts(session, min(chart_start, baseline_start), period.end)

    in_period = [row for row in posts if period.start <= row[0] < period.end]
    baseline = sum(1 for row in posts if baseline_start <= row[0] < period.start)
    by_category = Counter(category for _, _, category, _ in in_period)
    by_media = Counter(media for _, media, _, _ in in_period)
    by_region = Counter(region for _, _, _, regions in in_period for region in regions)
    copies = session.scalar(
        select(func.count(Post.duplicate_of_id)).where(post_time() >= period.start, post_time() < period.end)
    )

    new, closed, still_open = _cases(session, settings, period)
    views: dict[int, CaseView] = {}
    soon = session.scalars(
        select(Obligation)
        .where(
            Obligation.due_at >= period.end,
            Obligation.due_at < period.end + timedelta(hours=24),
            Obligation.status != ObligationStatus.CANCELLED,
            or_(Obligation.met_at.is_(None), Obligation.met_at >= period.end),
        )
        .order_by(Obligation.due_at, Obligation.id)
    )
    due_soon = [_deadline(session, settings, o, views) for o in soon]
    fell_due = _falling_due(session, period.start, period.end)
    breaches = [_deadline(session, settings, o, views) for o in fell_due if not on_time(o)]
    month = _falling_due(session, period.end - timedelta(days=TIMELINESS_DAYS), period.end)

    bodies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for obligation in month:
        lead = _deadline(session, settings, obligation, views).lead
        counts = bodies[lead]
        counts[2] += 1
        counts[3] += on_time(obligation)
        if period.start <= obligation.due_at < period.end:
            counts[0] += 1
            counts[1] += on_time(obligation)
    for obligation in fell_due:  # a week's or month's period can reach further back than 30 days
        if obligation.due_at < period.end - timedelta(days=TIMELINESS_DAYS):
            counts = bodies[_deadline(session, settings, obligation, views).lead]
            counts[0] += 1
            counts[1] += on_time(obligation)

    days = []
    opened = list(
        session.scalars(select(Case.opened_at).where(Case.opened_at >= chart_start, Case.opened_at < period.end))
    )
    chart_due = _falling_due(session, chart_start, period.end)
    for index in range(chart_days):
        start = chart_start + timedelta(days=index)
        end = start + timedelta(days=1)
        day_due = [o for o in chart_due if start <= o.due_at < end]
        days.append(
            DayFigures(
                start=start,
                posts=sum(1 for row in posts if start <= row[0] < end),
                by_category=dict(Counter(row[2] for row in posts if start <= row[0] < end)),
                cases_opened=sum(1 for moment in opened if start <= moment < end),
                due=len(day_due),
                on_time=sum(on_time(o) for o in day_due),
            )
        )

    zone: ZoneInfo = settings.timezone
    return Figures(
        period=period,
        written_at=written_at.astimezone(zone),
        issuer=settings.briefing.issuer or settings.organisations.home.name,
        posts=len(in_period),
        copies=int(copies or 0),
        baseline_daily=baseline / BASELINE_DAYS if baseline else None,
        top_events=_top_events(session, settings, period),
        new_cases=new,
        closed_cases=closed,
        open_cases=still_open,
        due_soon=due_soon,
        breaches=breaches,
        due=len(fell_due),
        on_time=sum(on_time(o) for o in fell_due),
        due_30d=len(month),
        on_time_30d=sum(on_time(o) for o in month),
        bodies=[
            BodyTimeliness(body=name, due=c[0], on_time=c[1], due_30d=c[2], on_time_30d=c[3])
            for name, c in sorted(bodies.items(), key=lambda kv: (-kv[1][0], -kv[1][2], kv[0]))
        ],
        by_category=_counts(by_category, lambda key: _category_name(settings, key)),
        by_media=_counts(by_media, lambda key: MEDIA_TEXT.get(key, key)),
        by_region=_counts(by_region, name_of),
        no_region=sum(1 for row in in_period if not row[3]),
        source_problems=_source_problems(session, period),
        days=days,
    )
