"""A database with several days of posts, events, cases and obligations whose figures are known, for the
briefing tests. The briefing dated 2026-11-20 covers 2026-11-19 08:00 to 2026-11-20 08:00 (Shanghai)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from support.factories import SHANGHAI, add_post, add_source
from yuqing.records import CaseAssignment, NamedBody
from yuqing.storage.models import Case, Event, EventPost, LabelCorrection, Obligation, Post, SourceRun

END = datetime(2026, 11, 20, 8, 0, tzinfo=SHANGHAI)
START = END - timedelta(hours=24)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

EMERGENCY_LEAD = NamedBody(adcode="330000", domain="emergency_management", name="浙江省应急管理部门")
ENVIRONMENT_LEAD = NamedBody(adcode="331102", domain="environment", name="莲都区生态环境部门")


@dataclass
class Seeded:
    explosion_case: int
    complaint_case: int


def _assignment(title: str, lead: NamedBody, regions: list[str]) -> CaseAssignment:
    return CaseAssignment(
        title=title, regions=regions, level="province" if lead.adcode.endswith("0000") else "county", lead=lead,
        responders=[lead], coordinators=[], principal_leader=False, rules=[3, 8],
    )  # fmt: skip


def _event(session: Session, title: str, category: str, priority: str, severity: str | None, regions, posts) -> Event:
    times = [p.published_at or p.fetched_at for p in posts]
    event = Event(
        title=title, category=category, priority=priority, severity=severity, regions=list(regions),
        domains=[], t0=min(times), first_seen_at=min(times), last_post_at=max(times), post_count=len(posts),
    )  # fmt: skip
    session.add(event)
    session.flush()
    for post in posts:
        session.add(EventPost(event_id=event.id, post_id=post.id))
    session.flush()
    return event


def _case(session: Session, event: Event, lead: NamedBody, *, priority, severity, status, opened_at, closed_at=None):
    case = Case(
        event_id=event.id, status=status, category=event.category, priority=priority, severity=severity,
        assignment=_assignment(event.title, lead, list(event.regions)), t0=event.t0, opened_at=opened_at,
        closed_at=closed_at,
    )  # fmt: skip
    session.add(case)
    session.flush()
    return case


def _obligation(session, case, kind, due_at, *, status="open", met_at=None, sequence=0):
    session.add(
        Obligation(
            case_id=case.id, kind=kind, sequence=sequence, starts_at=due_at - 5 * HOUR, due_at=due_at, status=status,
            met_at=met_at, breached_at=due_at if status == "breached" or (met_at and met_at > due_at) else None,
        )
    )  # fmt: skip


def seed(session: Session) -> Seeded:
    news = add_source(session, "新华网浙江频道", "news")
    weibo = add_source(session, "微博热搜", "weibo")

    # The explosion: 3 posts the day before (heat 3 + 10 reposts), 4 in the period with a copy and reactions.
    before = [
        add_post(session, f"南明山化工厂冒黑烟{i}", category="emergency", title=f"化工厂冒烟{i}", source=weibo,
                 media="weibo", published_at=START - 10 * HOUR + i * HOUR, regions=("331102",),
                 reposts=5 if i < 2 else 0)
        for i in range(3)
    ]  # fmt: skip
    wire = add_post(
        session, "莲都区化工企业爆炸事故死亡人数已升至12人", title="莲都化工企业爆炸死亡升至12人", category="emergency",
        severity="II", source=news, media="news", published_at=START + 2 * HOUR, regions=("331102",), reposts=40,
        comments=12,
    )  # fmt: skip
    copy = add_post(
        session, "莲都区化工企业爆炸事故死亡人数已升至12人（转载）", category="emergency", source=weibo, media="weibo",
        published_at=START + 3 * HOUR, duplicate_of=wire, regions=("331102",), comments=3,
    )  # fmt: skip
    later = [
        add_post(session, f"爆炸现场救援进展{i}", category="emergency", source=weibo, media="weibo",
                 published_at=START + (5 + i) * HOUR, regions=("331102", "331100"), reposts=2)
        for i in range(2)
    ]  # fmt: skip
    wire.spread = 2
    explosion = _event(session, "莲都化工企业爆炸死亡升至12人", "emergency", "critical", "II", ["331102"],
                       [*before, wire, copy, *later])  # fmt: skip

    # A complaint: 2 posts in the period, one corrected by an analyst from `other` to public_interest.
    complaint_posts = [
        add_post(session, "垃圾中转站臭气熏天投诉半年没人管", category="public_interest", source=news, media="news",
                 published_at=START + 6 * HOUR, regions=("331102",), comments=5),
        add_post(session, "小区旁垃圾站太臭了", category="other", media="forum", published_at=None,
                 fetched_at=START + 7 * HOUR, regions=()),
    ]  # fmt: skip
    session.add(
        LabelCorrection(post_id=complaint_posts[1].id, category="public_interest", priority="high", severity=None,
                        handling="difficulty", domains=["environment"], regions=["331102"], deaths=None, injuries=None)
    )  # fmt: skip
    complaint = _event(
        session, "莲都区垃圾中转站臭气扰民", "public_interest", "high", None, ["331102"], complaint_posts
    )

    # Routine news (other): counted in volume, never a top event.
    routine = add_post(session, "莲都区举办马拉松", category="other", media="gov", published_at=START + 9 * HOUR)
    _event(session, "莲都区举办马拉松", "other", "low", None, [], [routine])

    # Earlier days, for the 7-day comparison and the chart: 2 posts a day on each of the 7 days before.
    for day in range(1, 8):
        for i in range(2):
            add_post(session, f"往日帖文{day}-{i}", category="policy", media="wechat",
                     published_at=START - day * DAY + (1 + i) * HOUR, regions=("330000",))  # fmt: skip
    # After the period: not counted.
    add_post(session, "次日帖文", category="rumor", media="weibo", published_at=END + HOUR)

    # Cases.
    explosion_case = _case(session, explosion, EMERGENCY_LEAD, priority="critical", severity="II", status="open",
                           opened_at=START + 2 * HOUR + 10 * timedelta(minutes=1))  # fmt: skip
    complaint_case = _case(session, complaint, ENVIRONMENT_LEAD, priority="high", severity=None, status="acknowledged",
                           opened_at=START + 6 * HOUR + 5 * timedelta(minutes=1))  # fmt: skip
    old_event = _event(session, "龙泉市停水三天", "public_interest", "high", None, ["331181"],
                       [add_post(session, "龙泉停水三天", category="public_interest", media="news",
                                 published_at=START - 4 * DAY, regions=("331181",))])  # fmt: skip
    old_case = _case(session, old_event, ENVIRONMENT_LEAD, priority="high", severity=None, status="closed",
                     opened_at=START - 4 * DAY + HOUR, closed_at=START + 4 * HOUR)  # fmt: skip
    still_event = _event(session, "城管执法冲突", "credibility", "high", None, ["331102"],
                         [add_post(session, "城管执法冲突视频", category="credibility", media="douyin",
                                   published_at=START - 2 * DAY, regions=("331102",))])  # fmt: skip
    still_case = _case(session, still_event, ENVIRONMENT_LEAD, priority="high", severity=None, status="open",
                       opened_at=START - 2 * DAY + HOUR)  # fmt: skip

    # Obligations falling due in the period: release met on time, respond (old case) met late, still_case's breached,
    # and a cancelled one (not counted).
    _obligation(session, explosion_case, "release", START + 7 * HOUR, status="met", met_at=START + 5 * HOUR)
    _obligation(session, old_case, "respond", START + HOUR, status="met", met_at=START + 3 * HOUR)
    _obligation(session, still_case, "respond", START + 11 * HOUR, status="breached")
    _obligation(session, complaint_case, "follow_up", START + 12 * HOUR, status="cancelled")
    # Due in the next 24 hours: the press conference (open) and the complaint's 48 h response.
    _obligation(session, explosion_case, "press_conference", END + 2 * HOUR)
    _obligation(session, complaint_case, "respond", START + 6 * HOUR + 48 * HOUR)  # END + 30 h: not within 24 h
    # Earlier in the 30 days: one on time, one breached, for the 30-day rates.
    _obligation(session, old_case, "release", START - 3 * DAY, status="met", met_at=START - 3 * DAY - HOUR)
    _obligation(session, still_case, "release", START - DAY, status="breached")

    # A source that failed twice in the period.
    session.add_all(
        [
            SourceRun(
                source_id=news.id, started_at=START + i * HOUR, status="failed", error_kind="timeout", error="20 s"
            )
            for i in (1, 2)
        ]
    )
    news.consecutive_failures = 2
    session.flush()
    assert session.get(Post, copy.id).duplicate_of_id == wire.id
    return Seeded(explosion_case=explosion_case.id, complaint_case=complaint_case.id)
