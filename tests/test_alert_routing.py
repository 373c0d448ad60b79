"""Who hears an alert about a case: its bodies, and the home press office's duty channel for every case in the
home jurisdiction (丽水市, duty channel #lishui-duty in the shipped config), whichever level leads it."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from support.config import edit_config
from support.factories import NAYONG, T0, add_post

from responder.cases import Responder
from responder.lifecycle import reassign
from responder.runner import check_clocks, group_and_open
from yuqing.records import Body
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Case, Notification

HOUR = timedelta(hours=1)
DUTY = "#lishui-duty"

# (what is reported, its labels): high cases in several localities of the home city, and one naming the province
HOME_CASES = {
    "莲都区": (
        "莲都区某小区旁的垃圾中转站臭气熏天，投诉半年没人管",
        {"category": "public_interest", "handling": "major_issue", "regions": ("331102",), "domains": ("environment",)},
    ),
    "缙云县": (
        "缙云县壶镇镇一小学食堂多名学生腹泻，家长质疑食材来源，学校至今没有说法",
        {"category": "moral", "handling": "major_issue", "regions": ("331122",), "domains": ("market_regulation",)},
    ),
    "丽水市": (
        "丽水市区多个小区反映自来水发黄有异味，已持续一周",
        {"category": "public_interest", "handling": "unclear", "regions": ("331100",), "domains": ("water_resources",)},
    ),
    "浙江省": (
        "浙江省调整最低工资标准，丽水不少企业职工称至今未按新标准发放",
        {"category": "policy", "handling": "difficulty", "regions": ("330000",), "domains": ("human_resources",)},
    ),
    "地区不明": (
        "网传“明天起全市停水三天”，自来水公司表示从未发布该通知",
        {"category": "rumor", "handling": "false_info", "regions": (), "domains": ("water_resources",)},
    ),
}

GUIZHOU_BODIES = [
    {"adcode": "520000", "domain": "emergency_management", "name": "贵州省应急管理厅", "channels": {"slack": "#gz-em"}},
    {"adcode": "520000", "domain": "government", "name": "贵州省人民政府办公厅", "channels": {"slack": "#gz-gov"}},
    {"adcode": "520000", "domain": "propaganda", "name": "中共贵州省委宣传部", "channels": {"slack": "#gz-propaganda"}},
    {"adcode": "000000", "domain": "emergency_management", "name": "应急管理部", "channels": {"slack": "#mem"}},
]


def settings_for(config_dir: Path):
    return load_settings({"YUQING_CONFIG": str(config_dir)})


def alerts(engine) -> list[Notification]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def heard_by(engine, recipient: str) -> list[tuple[str, str | None]]:
    return [(a.kind, a.level) for a in alerts(engine) if a.recipient == recipient]


def report(engine, settings, text: str, labels: dict, now=T0 + HOUR) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(session, text, media="news", **labels)
    group_and_open(session_factory(engine), Responder(settings), lambda: now)


def run_clocks_to_the_end(engine, settings) -> None:
    for hours in (24, 39, 48):
        check_clocks(session_factory(engine), Responder(settings), lambda hours=hours: T0 + hours * HOUR)


@pytest.mark.parametrize("place", list(HOME_CASES))
def test_the_duty_channel_hears_every_alert_about_a_case_in_the_home_jurisdiction(engine, config_dir, place) -> None:
    settings = settings_for(config_dir)
    text, labels = HOME_CASES[place]
    report(engine, settings, text, labels)
    run_clocks_to_the_end(engine, settings)
    assert heard_by(engine, DUTY) == [
        ("case_opened", None),
        ("warning", "warning_50"),
        ("warning", "warning_80"),
        ("breach", "breach"),
    ]


def test_the_duty_channel_hears_a_county_case_raised_to_the_province(engine, config_dir) -> None:
    settings = settings_for(config_dir)
    labels = {"category": "emergency", "domains": ("emergency_management",), "regions": ("331122",)}
    report(engine, settings, "缙云县一烟花仓库发生爆炸，造成2人死亡", {**labels, "severity": "IV"})
    report(
        engine,
        settings,
        "缙云县烟花仓库爆炸事故死亡人数升至11人",
        {**labels, "severity": "II", "published_at": T0 + 2 * HOUR},
        now=T0 + 3 * HOUR,
    )
    with session_factory(engine)() as session:
        assert session.scalars(select(Case)).one().assignment.lead.adcode == "330000"
    for hours in (5, 8):  # the 5 h clock runs from the upgrading post (T0 + 2 h): half gone, then missed
        check_clocks(session_factory(engine), Responder(settings), lambda hours=hours: T0 + hours * HOUR)
    assert [kind for kind, _ in heard_by(engine, DUTY)] == ["case_opened", "case_upgraded", "warning", "breach"]


def test_a_case_wholly_in_another_province_does_not_reach_the_duty_channel(engine, config_dir) -> None:
    edit_config(config_dir, "responder.yaml", {"cases": {"open_outside_home": True}})
    edit_config(config_dir, "organisations.yaml", lambda c: c["bodies"].extend(GUIZHOU_BODIES))
    settings = settings_for(config_dir)
    labels = {"category": "emergency", "severity": "II", "regions": ("520525",), "domains": ("emergency_management",)}
    report(engine, settings, NAYONG, labels)
    check_clocks(session_factory(engine), Responder(settings), lambda: T0 + 30 * HOUR)
    assert {a.kind for a in alerts(engine)} == {"case_opened", "breach"}
    assert heard_by(engine, DUTY) == []
    assert {a.recipient for a in alerts(engine)} == {"#gz-em", "#gz-gov", "#gz-propaganda", "#mem"}


def test_bodies_without_a_channel_are_heard_through_the_duty_channel_and_named_in_the_alert(engine, config_dir) -> None:
    edit_config(config_dir, "responder.yaml", {"cases": {"open_outside_home": True}})
    settings = settings_for(config_dir)
    labels = {"category": "emergency", "severity": "II", "regions": ("520525",), "domains": ("emergency_management",)}
    report(engine, settings, NAYONG, labels)
    (opened,) = alerts(engine)  # three generated bodies of 贵州省, none with a channel: one alert, to the duty channel
    assert (opened.kind, opened.recipient) == ("case_opened", DUTY)
    assert [b.name for b in opened.payload.without_channel] == [
        "贵州省应急管理部门",
        "贵州省政府办公室",
        "贵州省宣传部门",
    ]


def test_a_configured_body_without_a_channel_is_heard_through_the_duty_channel(engine, config_dir) -> None:
    def silence_liandu_environment(organisations: dict) -> None:
        (body,) = [b for b in organisations["bodies"] if (b["adcode"], b["domain"]) == ("331102", "environment")]
        del body["channels"]

    edit_config(config_dir, "organisations.yaml", silence_liandu_environment)
    settings = settings_for(config_dir)
    assert [b.name for b in settings.organisations.bodies_without_channel()] == ["丽水市生态环境局莲都分局"]
    text, labels = HOME_CASES["莲都区"]
    report(engine, settings, text, labels)
    check_clocks(session_factory(engine), Responder(settings), lambda: T0 + 24 * HOUR)
    (warning,) = [a for a in alerts(engine) if a.kind == "warning"]  # the lead's only, once
    assert warning.recipient == DUTY
    assert [b.name for b in warning.payload.without_channel] == ["丽水市生态环境局莲都分局"]


def test_a_recipient_shared_by_several_bodies_gets_each_alert_once(engine, config_dir) -> None:
    edit_config(config_dir, "organisations.yaml", {"home": {"channels": {"slack": "#liandu-gov"}}})
    settings = settings_for(config_dir)
    text, labels = HOME_CASES["莲都区"]
    report(engine, settings, text, labels)
    opened = [a.recipient for a in alerts(engine) if a.kind == "case_opened"]
    assert sorted(opened) == ["#liandu-environment", "#liandu-gov", "#liandu-propaganda"]


LIANDU_EMERGENCY = {
    "adcode": "331102",
    "domain": "emergency_management",
    "name": "莲都区应急管理局",
    "channels": {"slack": "#liandu-emergency"},
}
EXPLOSION_LABELS = {"category": "emergency", "domains": ("emergency_management",), "regions": ("331102",)}


def upgraded(engine) -> list[Notification]:
    return [a for a in alerts(engine) if a.kind == "case_upgraded"]


def test_a_county_case_raised_to_the_province_tells_the_county_of_the_change(engine, config_dir) -> None:
    edit_config(config_dir, "organisations.yaml", lambda c: c["bodies"].append(LIANDU_EMERGENCY))
    settings = settings_for(config_dir)
    report(
        engine, settings, "莲都区南明山街道一化工企业车间发生爆炸，造成1人受伤", {**EXPLOSION_LABELS, "severity": "IV"}
    )
    opened = {a.recipient for a in alerts(engine) if a.kind == "case_opened"}
    assert opened == {"#liandu-emergency", "#liandu-gov", "#liandu-propaganda", DUTY}
    later = {"severity": "II", "published_at": T0 + 2 * HOUR}
    report(engine, settings, "莲都化工企业爆炸事故死亡人数升至12人", {**EXPLOSION_LABELS, **later}, now=T0 + 3 * HOUR)
    # the province's coordinators (the lead 浙江省应急管理部门 has no channel: the duty channel), and the county's
    assert {a.recipient for a in upgraded(engine)} == {
        "#zhejiang-gov",
        "#zhejiang-propaganda",
        DUTY,
        "#liandu-emergency",
        "#liandu-gov",
        "#liandu-propaganda",
    }
    (message,) = {a.payload.message for a in upgraded(engine)}
    assert message == (
        "1号案件由重要 · 一般（Ⅳ级）升级为特急 · 重大（Ⅱ级）；回应主体由莲都区应急管理局改为浙江省应急管理部门；"
        "组织协调由莲都区人民政府办公室、中共莲都区委宣传部改为浙江省人民政府办公厅、中共浙江省委宣传部"
    )
    check_clocks(session_factory(engine), Responder(settings), lambda: T0 + 5 * HOUR)
    assert {a.recipient for a in alerts(engine) if a.kind == "warning"} == {DUTY}  # the new lead's, from now on


def test_an_upgrade_that_keeps_the_lead_tells_only_who_answers(engine, config_dir) -> None:
    settings = settings_for(config_dir)
    report(engine, settings, "莲都区化工企业爆炸事故已造成12人死亡", {**EXPLOSION_LABELS, "severity": "II"})
    later = {"severity": "I", "published_at": T0 + 2 * HOUR}
    report(
        engine, settings, "莲都区化工企业爆炸事故遇难人数升至三十余人", {**EXPLOSION_LABELS, **later}, now=T0 + 3 * HOUR
    )
    assert {a.recipient for a in upgraded(engine)} == {"#zhejiang-gov", "#zhejiang-propaganda", DUTY}
    (message,) = {a.payload.message for a in upgraded(engine)}
    assert message == "1号案件由特急 · 重大（Ⅱ级）升级为特急 · 特别重大（Ⅰ级）"


def test_a_reassigned_case_tells_the_new_lead_the_one_it_replaces_and_the_duty_channel(engine, config_dir) -> None:
    settings = settings_for(config_dir)
    text, labels = HOME_CASES["莲都区"]
    report(engine, settings, text, labels)
    city = Body(adcode="331100", domain="environment")
    with transaction(session_factory(engine)) as session:
        case = session.scalars(select(Case)).one()
        reassign(session, Responder(settings), case, "wang", city, "跨区域污染，市级统筹", T0 + 2 * HOUR)
    reassigned = [a for a in alerts(engine) if a.kind == "case_reassigned"]
    assert {a.recipient for a in reassigned} >= {"#lishui-environment", "#liandu-environment", DUTY}
    alert = reassigned[0].payload
    assert "经wang改派：回应主体由丽水市生态环境局莲都分局改为丽水市生态环境局" in alert.message
    assert "市级统筹" in alert.message and "号案件" in alert.message
    assert alert.case.lead.name == "丽水市生态环境局"
