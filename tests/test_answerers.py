"""Who answers follows the event as the posts that carry it settle where it happens and which department it
concerns: the case moves (with a 案件改派 alert to the bodies told before and those answering now), a lead a
person chose stays."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from support.cases import HOUR, alerts, cases, respond
from support.factories import T0, add_post

from responder.cases import Responder
from responder.lifecycle import reassign
from yuqing.records import Body
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Case, Event

DUTY = "#lishui-duty"


@pytest.fixture
def responder(config_dir: Path) -> Responder:
    return Responder(load_settings({"YUQING_CONFIG": str(config_dir)}))


def post(engine, text: str, minutes: int, **labels) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(
            session, text, media=labels.pop("media", "news"), published_at=T0 + timedelta(minutes=minutes), **labels
        )


# A rumour first read as an emergency-management matter; the refutations say which department it concerns.
RUMOURS = {
    "莲都区食物中毒": (
        "331102",
        "网传莲都区某火锅店多人吃完上吐下泻，已有人死亡，店已被查封，大家千万别去吃",
        "关于网传莲都区某火锅店食物中毒致人死亡的辟谣：经市场监管部门会同卫生健康部门核查，该店经营正常，"
        "各医疗机构均未接诊相关病例，网传火锅店食物中毒死亡系谣言",
        "market_regulation",
    ),
    "缙云县自来水": (
        "331122",
        "紧急扩散：缙云县城自来水被上游工厂污染，喝了会中毒，三天内千万别喝自来水",
        "缙云县水利局辟谣：网传缙云县城自来水被上游工厂污染、喝了会中毒系谣言，经检测县城供水各项指标均符合国家标准，"
        "请市民放心饮用自来水",
        "water_resources",
    ),
}


@pytest.mark.parametrize("name", list(RUMOURS))
def test_the_department_the_refutations_name_first_leads_a_rumour_first_read_otherwise(engine, responder, name) -> None:
    county, rumour, refutation, department = RUMOURS[name]
    labels = {"category": "rumor", "handling": "false_info", "regions": (county,)}
    post(engine, rumour, 0, media="weibo", domains=("emergency_management", department), confidence=0.6, **labels)
    post(engine, rumour, 20, domains=("emergency_management",), confidence=0.6, **labels)
    respond(engine, responder, T0 + HOUR)
    (case,) = cases(engine)
    assert case.assignment.lead.domain == "emergency_management"
    for minutes in (90, 100, 110):
        post(engine, refutation, minutes, media="gov", domains=(department, "public_security"), **labels)
    respond(engine, responder, T0 + 2 * HOUR)
    (case,) = cases(engine)
    with session_factory(engine)() as session:
        assert session.scalars(select(Event)).one().domains[0] == department
    assert case.assignment.lead.domain == department and case.category == "rumor"
    moved = [a for a in alerts(engine) if a.kind == "case_reassigned"]
    assert DUTY in {a.recipient for a in moved}
    assert "回应主体由" in moved[0].payload.message and case.assignment.lead.name in moved[0].payload.message


# A complaint first posted without a place (rule 11 sends it home), then reported with its county.
COMPLAINTS = {
    "景宁": (
        "331127",
        "医院门口停车场乱收费，一小时收二十块，投诉了也没人管",
        "景宁畲族自治县人民医院门口停车场乱收费，一小时收二十块，患者家属投诉无门",
    ),
    "龙泉": (
        "331181",
        "菜市场改造半年了还没完工，摊主都搬到马路上摆摊，投诉了也没人管",
        "龙泉市中心菜市场改造半年还没完工，摊主搬到马路上摆摊，居民投诉无门",
    ),
}


@pytest.mark.parametrize("name", list(COMPLAINTS))
def test_a_case_sent_home_for_want_of_a_place_moves_to_the_county_its_reports_name(engine, responder, name) -> None:
    county, first, report = COMPLAINTS[name]
    labels = {"category": "public_interest", "handling": "major_issue", "domains": ("market_regulation",)}
    post(engine, first, 0, **labels)
    respond(engine, responder, T0 + HOUR)
    (case,) = cases(engine)
    assert case.region_unknown and case.assignment.lead.adcode == "331100"
    for minutes in (60, 70, 80):
        post(engine, report, minutes, regions=(county,), **labels)
    respond(engine, responder, T0 + 2 * HOUR)
    (case,) = cases(engine)
    assert not case.region_unknown
    assert (case.assignment.lead.adcode, case.assignment.level) == (county, "county")
    moved = [a for a in alerts(engine) if a.kind == "case_reassigned"]
    assert {a.payload.case.lead.adcode for a in moved} == {county}
    assert DUTY in {a.recipient for a in moved}


def test_a_lead_a_person_chose_stays_when_the_reports_name_a_county(engine, responder) -> None:
    county, first, report = COMPLAINTS["景宁"]
    labels = {"category": "public_interest", "handling": "major_issue", "domains": ("market_regulation",)}
    post(engine, first, 0, **labels)
    respond(engine, responder, T0 + HOUR)
    chosen = Body(adcode="331100", domain="health")
    with transaction(session_factory(engine)) as session:
        case = session.scalars(select(Case)).one()
        reassign(session, responder, case, "wang", chosen, "医院管理问题", T0 + HOUR)
    for minutes in (60, 70, 80):
        post(engine, report, minutes, regions=(county,), **labels)
    respond(engine, responder, T0 + 2 * HOUR)
    (case,) = cases(engine)
    assert case.assignment.lead.body() == chosen
    assert case.assignment.regions == [county]
