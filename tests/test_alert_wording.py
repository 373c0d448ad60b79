"""What a person reads about a case, in an alert or from `cases show` / `cases list`: Chinese labels, local times,
names and figures, never an internal id or a UTC timestamp."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from support.factories import EXPLOSION, EXPLOSION_UPDATE, T0, add_post, add_source

from notifications.render import Rendered, render
from responder.cases import Responder
from responder.runner import check_clocks, group_and_open
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Event, Notification
from yuqing.vocabulary import (
    AlertKind,
    AlertState,
    CaseStatus,
    Category,
    Handling,
    Level,
    Media,
    ObligationKind,
    ObligationStatus,
    Priority,
    Severity,
)

HOUR = timedelta(hours=1)
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d|[+-]\d\d:\d\d\b|\bUTC\b|Z\b")
VOCABULARIES = (Category, Handling, Severity, Priority, Level, Media, CaseStatus, ObligationKind, ObligationStatus)
RULE_7 = "本级政府（浙江省人民政府）主要负责同志要切实负起领导责任，指导、协调、督促相关部门做好舆情回应工作"
EMERGENCY = {"category": "emergency", "handling": "unclear", "domains": ("emergency_management", "public_security")}

# Cases in several localities and wordings: (what is reported, its labels)
CASES = {
    "莲都区的爆炸": (EXPLOSION, {**EMERGENCY, "severity": "II", "regions": ("331102",)}),
    "缙云县的食堂": (
        "缙云县壶镇镇一小学食堂多名学生腹泻，家长质疑食材来源，学校至今没有说法",
        {"category": "moral", "handling": "major_issue", "regions": ("331122",), "domains": ("market_regulation",)},
    ),
    "地区不明的谣言": (
        "网传“明天起全市停水三天”，自来水公司表示从未发布该通知",
        {"category": "rumor", "handling": "false_info", "domains": ("water_resources", "public_security")},
    ),
    "龙泉市的特别重大事故": (
        "龙泉市一隧道施工现场发生坍塌，已造成32人遇难",
        {**EMERGENCY, "severity": "I", "regions": ("331181",)},
    ),
}


@pytest.fixture
def settings(config_dir: Path):
    return load_settings({"YUQING_CONFIG": str(config_dir)})


def every_id(settings) -> set[str]:
    ids = {member.value for vocabulary in VOCABULARIES for member in vocabulary}
    ids |= {member.value for member in (*AlertKind, *AlertState)}
    return ids | set(settings.organisations.domains)


def words_of(rendered: Rendered) -> str:
    """Everything a person reads: the subject, the text, the email's HTML without its tags, Slack's texts."""

    def texts(block) -> list[str]:
        if isinstance(block, list):
            return [text for item in block for text in texts(item)]
        if not isinstance(block, dict):
            return []
        own = [block["text"]] if isinstance(block.get("text"), str) else []
        return own + [text for value in block.values() for text in texts(value)]

    return "\n".join([rendered.subject, rendered.text, re.sub(r"<[^>]+>", " ", rendered.html), *texts(rendered.blocks)])


def assert_for_people(text: str, settings) -> None:
    assert not ISO_TIME.search(text), ISO_TIME.search(text)
    english = set(re.findall(r"[A-Za-z_]+", text))
    assert not english & every_id(settings), english & every_id(settings)
    assert not english, english  # no English at all: the posts here carry no links


def report(engine, settings, text: str, labels: dict, *, at=T0, title: str = "", now=T0 + HOUR) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(session, text, title=title, media="news", published_at=at, **labels)
    group_and_open(session_factory(engine), Responder(settings), lambda: now)


def tick(engine, settings, hours: float) -> None:
    check_clocks(session_factory(engine), Responder(settings), lambda: T0 + hours * HOUR)


def rendered_alerts(engine, settings, now) -> dict[tuple[str, str | None], str]:
    """One rendered alert per kind and level, as the duty channel reads it."""
    with session_factory(engine)() as session:
        rows = session.scalars(select(Notification).where(Notification.recipient == "#lishui-duty"))
        return {(r.kind, r.level): words_of(render(r.payload, settings.timezone, now)) for r in rows}


@pytest.mark.parametrize("case", list(CASES))
def test_every_alert_of_a_case_reads_in_chinese_with_local_times(engine, settings, case) -> None:
    text, labels = CASES[case]
    report(engine, settings, text, labels)
    for hours in (3, 4, 13, 39, 60):
        tick(engine, settings, hours)
    alerts = rendered_alerts(engine, settings, T0 + 60 * HOUR)
    assert ("case_opened", None) in alerts and ("breach", "breach") in alerts
    for words in alerts.values():
        assert_for_people(words, settings)


def test_a_breach_names_its_deadline_in_local_time(engine, settings) -> None:
    text, labels = CASES["莲都区的爆炸"]
    report(engine, settings, text, labels)
    tick(engine, settings, 6)
    breach = rendered_alerts(engine, settings, T0 + 6 * HOUR)[("breach", "breach")]
    assert "1号案件未在2026-11-18 13:00前发布权威信息：已超时，记为回应不及时" in breach  # T0 is 08:00 in Shanghai
    assert "05:00" not in breach
    assert "时限·发布权威信息：2026-11-18 13:00前（已超时1小时0分钟）" in breach


def test_an_upgrade_shows_the_post_that_raised_the_case(engine, settings) -> None:
    labels = {**EMERGENCY, "regions": ("331102",)}
    report(engine, settings, EXPLOSION, {**labels, "severity": "III"}, title="丽水莲都一化工企业发生爆炸 已致3人死亡")
    report(
        engine,
        settings,
        EXPLOSION_UPDATE,
        {**labels, "severity": "II"},
        title="莲都化工企业爆炸死亡升至12人",
        at=T0 + 3 * HOUR,
        now=T0 + 4 * HOUR,
    )
    upgraded = rendered_alerts(engine, settings, T0 + 4 * HOUR)[("case_upgraded", None)]
    assert "1号案件由重要 · 较大（Ⅲ级）升级为特急 · 重大（Ⅱ级）" in upgraded
    assert "升级依据：莲都化工企业爆炸死亡升至12人（2026-11-18 11:00）" in upgraded
    assert "代表帖文" not in upgraded


def test_a_case_alert_carries_the_figures_the_spread_and_whether_officials_have_spoken(engine, settings) -> None:
    text, labels = CASES["莲都区的爆炸"]
    with transaction(session_factory(engine)) as session:
        paper, portal = add_source(session, "处州晚报", "news"), add_source(session, "丽水发布", "gov")
        first = add_post(session, text, media="news", source=paper, **labels)
        add_post(session, text, media="weibo", duplicate_of=first, **labels)
        add_post(session, f"{text}（官方通报）", media="gov", source=portal, **labels)
    group_and_open(session_factory(engine), Responder(settings), lambda: T0 + HOUR)
    with transaction(session_factory(engine)) as session:
        event = session.scalars(select(Event)).one()
        event.deaths, event.injuries = 3, None  # as grouping reads them from the posts
    tick(engine, settings, 3)
    warning = rendered_alerts(engine, settings, T0 + 3 * HOUR)[("warning", "warning_50")]
    assert "伤亡：死亡3人、受伤人数不详" in warning
    assert "传播：帖文3条（含转载1条），来自2个信息源" in warning
    assert "官方发布：已有官方渠道或中央媒体发布" in warning
    assert "地区：莲都区" in warning and "首发时间：2026-11-18 08:00" in warning


def test_a_case_without_a_region_says_who_answers_for_it(engine, settings) -> None:
    text, labels = CASES["地区不明的谣言"]
    report(engine, settings, text, labels)
    opened = rendered_alerts(engine, settings, T0 + HOUR)[("case_opened", None)]
    assert "地区：不明（由丽水市回应）" in opened
    assert "类别：不实信息 · 重要" in opened


@pytest.mark.parametrize("region", ["331181", "331122"])
def test_a_severity_I_case_says_the_principal_leader_of_that_government_leads(engine, settings, region) -> None:
    report(engine, settings, CASES["龙泉市的特别重大事故"][0], {**EMERGENCY, "severity": "I", "regions": (region,)})
    tick(engine, settings, 3)
    tick(engine, settings, 6)
    alerts = rendered_alerts(engine, settings, T0 + 6 * HOUR)
    assert {kind for kind, _ in alerts} == {"case_opened", "warning", "breach"}
    for words in alerts.values():
        assert f"领导责任：{RULE_7}" in words
        assert "特别重大（Ⅰ级）" in words


def test_a_case_below_severity_I_says_nothing_of_the_principal_leader(engine, settings) -> None:
    text, labels = CASES["莲都区的爆炸"]
    report(engine, settings, text, labels)
    assert "主要负责同志" not in rendered_alerts(engine, settings, T0 + HOUR)[("case_opened", None)]


def test_cases_show_and_list_read_in_chinese_with_local_times(cli, engine, settings) -> None:
    for place, (text, labels) in CASES.items():
        report(engine, settings, text, labels, title=place)
    tick(engine, settings, 60)
    listing = cli("cases", "list")
    assert listing.returncode == 0, listing.stderr
    assert_for_people(listing.stdout, settings)
    rows = {row.split("\t")[-1]: row.split("\t") for row in listing.stdout.splitlines()}
    assert rows["莲都区的爆炸"][1:6] == [
        "待处置",
        "特急",
        "重大突发事件和自然灾害",
        "浙江省应急管理部门",
        "发布权威信息 2026-11-18 13:00前（已超时）",
    ]
    for number in range(1, len(CASES) + 1):
        shown = cli("cases", "show", str(number))
        assert shown.returncode == 0, shown.stderr
        assert_for_people(shown.stdout, settings)
        assert f"{number}号案件" in shown.stdout and "系统  立案" in shown.stdout
    severe = cli("cases", "show", "4").stdout
    assert f"领导责任：{RULE_7}" in severe
    assert "发布权威信息：2026-11-18 13:00前（已超时" in severe
