"""Every figure of a briefing, recomputed here independently (plain Python over every row) on a seeded
database whose on-time and breach counts are known, and compared with what the briefing's queries gathered."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from support.briefing_seed import END, START

from briefing.figures import gather, period_for
from yuqing.storage.database import session_factory
from yuqing.storage.models import Case, Event, EventPost, Label, LabelCorrection, Obligation, Post
from yuqing.vocabulary import BriefingPeriod


@pytest.fixture
def figures(engine, settings, seeded):
    with session_factory(engine)() as session:
        return gather(session, settings, period_for(settings, date(2026, 11, 20)), END + timedelta(minutes=1))


def everything(engine):
    with session_factory(engine)() as session:
        posts = list(session.scalars(select(Post)))
        labels = {}
        for label in session.scalars(select(Label).order_by(Label.id)):
            labels[label.post_id] = (label.category, label.regions)
        for fix in session.scalars(select(LabelCorrection).order_by(LabelCorrection.id)):
            labels[fix.post_id] = (fix.category, fix.regions)
        members = {link.post_id: link.event_id for link in session.scalars(select(EventPost))}
        events = {event.id: event for event in session.scalars(select(Event))}
        cases = list(session.scalars(select(Case)))
        obligations = list(session.scalars(select(Obligation)))
    return posts, labels, members, events, cases, obligations


def when(post):
    return post.published_at or post.fetched_at


def test_the_period_is_the_24_hours_before_the_briefing_hour(settings) -> None:
    period = period_for(settings, date(2026, 11, 20))
    assert (period.start, period.end) == (START, END)
    week = period_for(settings, date(2026, 11, 20), BriefingPeriod.WEEK)
    assert (week.start, week.end) == (END - timedelta(days=7), END)
    month = period_for(settings, date(2026, 12, 1), BriefingPeriod.MONTH)
    assert (month.start.day, month.start.month, month.end.day, month.end.month) == (1, 11, 1, 12)


def test_volume_categories_media_and_regions_match_an_independent_count(engine, figures) -> None:
    posts, labels, *_ = everything(engine)
    in_period = [p for p in posts if START <= when(p) < END]
    before = [p for p in posts if START - timedelta(days=7) <= when(p) < START]
    assert figures.posts == len(in_period) == 7
    assert figures.copies == sum(1 for p in in_period if p.duplicate_of_id) == 1
    assert figures.baseline_daily == pytest.approx(len(before) / 7) == pytest.approx(19 / 7)
    categories = Counter(labels[p.id][0] for p in in_period)
    assert (
        {c.key: c.posts for c in figures.by_category}
        == categories
        == {"emergency": 4, "public_interest": 2, "other": 1}
    )
    assert {c.key: c.posts for c in figures.by_media} == Counter(p.media for p in in_period)
    regions = Counter(r for p in in_period for r in set(labels[p.id][1]))
    assert {c.key: c.posts for c in figures.by_region} == regions == {"331102": 6, "331100": 2}
    assert [c.name for c in figures.by_region] == ["莲都区", "丽水市"]
    assert figures.no_region == 1
    assert [c.name for c in figures.by_media][:2] == ["微博", "新闻网站"]


def test_top_events_by_heat_with_the_trend_against_the_day_before(engine, figures) -> None:
    posts, _, members, events, *_ = everything(engine)

    def heat(event_id, start, end):
        mine = [p for p in posts if members.get(p.id) == event_id and start <= when(p) < end]
        return len(mine) + sum(p.reposts or 0 for p in mine) + sum(p.comments or 0 for p in mine)

    ranked = sorted(
        (e for e in events.values() if e.category != "other" and heat(e.id, START, END)),
        key=lambda e: -heat(e.id, START, END),
    )
    assert [e.title for e in figures.top_events] == [e.title for e in ranked]
    first = figures.top_events[0]
    assert (first.heat, first.previous_heat) == (
        heat(ranked[0].id, START, END),
        heat(ranked[0].id, START - timedelta(days=1), START),
    )
    assert (first.heat, first.previous_heat, first.posts, first.copies) == (63, 13, 4, 1)
    assert (first.category_name, first.severity, first.responsible, first.case) == (
        "重大突发事件和自然灾害",
        "重大（Ⅱ级）",
        "浙江省应急管理部门",
        f"{first.case}",
    )
    assert first.regions == ["莲都区"]
    assert first.post_title == "莲都化工企业爆炸死亡升至12人" and first.post_source == "新华网浙江频道"
    assert figures.top_events[1].previous_heat == 0


def test_cases_new_closed_open_and_deadlines_due(engine, figures) -> None:
    *_, cases, obligations = everything(engine)
    new = [c for c in cases if START <= c.opened_at < END]
    closed = [c for c in cases if c.closed_at and START <= c.closed_at < END]
    still = [c for c in cases if c.opened_at < END and (c.closed_at is None or c.closed_at >= END)]
    assert [c.case for c in figures.new_cases] == [f"{c.id}号案件" for c in sorted(new, key=lambda c: c.opened_at)]
    assert len(figures.new_cases) == 2 and len(figures.new_critical) == 1
    assert [c.case for c in figures.closed_cases] == [f"{c.id}号案件" for c in closed] and len(closed) == 1
    assert len(figures.open_cases) == len(still) == 3
    soon = [o for o in obligations if END <= o.due_at < END + timedelta(hours=24) and o.status != "cancelled"]
    assert [(d.obligation, d.due_at) for d in figures.due_soon] == [("举行新闻发布会", o.due_at) for o in soon]


def test_timeliness_counts_on_time_and_breaches_per_body(engine, figures) -> None:
    *_, cases, obligations = everything(engine)
    lead = {c.id: c.assignment.lead.name for c in cases}

    def tally(start):
        due = [o for o in obligations if start <= o.due_at < END and o.status != "cancelled"]
        good = [o for o in due if o.met_at is not None and o.met_at <= o.due_at]
        return due, good

    due, good = tally(START)
    assert (
        (figures.due, figures.on_time, len(figures.breaches))
        == (len(due), len(good), len(due) - len(good))
        == (3, 1, 2)
    )
    month, month_good = tally(END - timedelta(days=30))
    assert (figures.due_30d, figures.on_time_30d) == (len(month), len(month_good)) == (5, 2)
    per_body = {b.body: (b.due, b.on_time, b.due_30d, b.on_time_30d) for b in figures.bodies}
    expected = {}
    for name in set(lead.values()):
        d = [o for o in due if lead[o.case_id] == name]
        m = [o for o in month if lead[o.case_id] == name]
        if m:
            expected[name] = (len(d), sum(o in good for o in d), len(m), sum(o in month_good for o in m))
    assert per_body == expected == {"浙江省应急管理部门": (1, 1, 1, 1), "莲都区生态环境部门": (2, 0, 4, 1)}
    assert {b.obligation for b in figures.breaches} == {"回应关切"}


def test_source_problems_and_the_days_of_the_chart(figures) -> None:
    assert [(p.source, p.failed_runs, p.reason, p.consecutive_failures) for p in figures.source_problems] == [
        ("新华网浙江频道", 2, "连接超时", 2)
    ]
    assert len(figures.days) == 7
    assert figures.days[-1].posts == 7 and figures.days[-1].cases_opened == 2
    assert (figures.days[-1].due, figures.days[-1].on_time) == (3, 1)
    assert figures.days[-2].posts == 2 + 3  # two earlier posts and the three the day before


def test_an_empty_day_gives_empty_figures_not_an_error(engine, settings) -> None:
    with session_factory(engine)() as session:
        figures = gather(session, settings, period_for(settings, date(2026, 11, 20)), END)
    assert figures.empty and figures.posts == 0 and figures.top_events == []
