"""Decisions that stick: a person's lead and category outrank automatic updates, a rumour stays a rumour until an
official post confirms otherwise, and posts moved by hand (merge, split, attach) stay where a person put them.
Every scenario runs with a controlled clock, in several places and wordings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from support.cases import HOUR, alerts, cases, history, obligations, respond
from support.factories import (
    EXPLOSION,
    EXPLOSION_UPDATE,
    T0,
    WATER_CUT,
    add_complaint,
    add_post,
    add_source,
)

from responder.cases import Responder
from responder.lifecycle import CaseError, attach, close, correct, merge, reassign, split
from yuqing.records import Body
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Case, Event, EventPost, LabelCorrection, Post
from yuqing.vocabulary import Category, Handling


@pytest.fixture
def settings(config_dir: Path):
    return load_settings({"YUQING_CONFIG": str(config_dir)})


@pytest.fixture
def responder(settings) -> Responder:
    return Responder(settings)


def post(engine, text: str, **labels) -> int:
    with transaction(session_factory(engine)) as session:
        return add_post(session, text, **labels).id


def act(engine, work):
    """Run a person's action on case 1 (or as `work` chooses) in one transaction; returns what it returns."""
    with transaction(session_factory(engine)) as session:
        return work(session)


def case_1(session) -> Case:
    return session.get_one(Case, 1)


def upgrade_messages(engine) -> set[str]:
    return {a.payload.message for a in alerts(engine, "case_upgraded")}


# --- a lead a person chose ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Happening:
    """An emergency reported first at level III, then at level II, in one place of the home jurisdiction."""

    first: str
    update: str
    region: str
    domains: tuple[str, ...]


HAPPENINGS = {
    "explosion in 莲都区": Happening(EXPLOSION, EXPLOSION_UPDATE, "331102", ("emergency_management",)),
    "warehouse fire in 龙泉市": Happening(
        "11月18日凌晨，龙泉市剑池街道一仓库发生火灾，已造成3人死亡，火灾原因正在调查。",
        "龙泉市剑池街道仓库火灾死亡人数已升至11人，浙江省应急管理厅派出工作组赶赴现场。",
        "331181",
        ("emergency_management",),
    ),
    "site collapse in 缙云县": Happening(
        "缙云县壶镇镇一在建工地发生坍塌事故，造成4人死亡，多人被困。",
        "缙云县壶镇镇工地坍塌事故死亡人数升至10人，仍有2人被困，救援持续进行。",
        "331122",
        ("emergency_management", "housing"),
    ),
}


@pytest.mark.parametrize(
    ("happening", "chosen", "chosen_name"),
    [
        ("explosion in 莲都区", Body(adcode="331102", domain="emergency_management"), "莲都区应急管理部门"),
        ("warehouse fire in 龙泉市", Body(adcode="331181", domain="emergency_management"), "龙泉市应急管理部门"),
        ("site collapse in 缙云县", Body(adcode="331122", domain="housing"), "缙云县住房和城乡建设部门"),
    ],
)
def test_a_reassigned_case_that_becomes_critical_gets_5h_and_24h_clocks_but_keeps_the_chosen_lead(
    engine, responder, happening, chosen, chosen_name
) -> None:
    h = HAPPENINGS[happening]
    post(engine, h.first, category="emergency", severity="III", media="news", regions=(h.region,), domains=h.domains)
    respond(engine, responder)
    (case,) = cases(engine)
    assert (case.priority, case.assignment.lead.adcode) == ("high", "331100")  # rule 10: city for III
    act(engine, lambda s: reassign(s, responder, case_1(s), "wang", chosen, "属地处置更快", T0 + 2 * HOUR))

    upgraded_at = T0 + 7 * HOUR
    post(
        engine,
        h.update,
        category="emergency",
        severity="II",
        media="news",
        regions=(h.region,),
        domains=h.domains,
        published_at=upgraded_at,
    )
    assert "1 upgraded" in respond(engine, responder, upgraded_at + HOUR)

    (case,) = cases(engine)
    assert (case.priority, case.severity) == ("critical", "II")
    assert (case.assignment.lead.body(), case.assignment.lead.name) == (chosen, chosen_name)
    assert case.decisions.lead is not None and case.decisions.lead.by == "wang"
    assert [c.name for c in case.assignment.coordinators] == ["浙江省人民政府办公厅", "中共浙江省委宣传部"]
    due = obligations(engine)
    assert due["respond"].status == "cancelled"
    assert due["release"].starts_at == upgraded_at and due["release"].due_at == upgraded_at + 5 * HOUR
    assert due["press_conference"].due_at == upgraded_at + 24 * HOUR
    (message,) = upgrade_messages(engine)
    assert f"按规则现应由浙江省应急管理部门牵头（规则3、{'5、' if len(h.domains) > 1 else ''}8、10）" in message
    assert f"已保留人工指定的{chosen_name}" in message
    upgrade = history(engine, case.id)[-1]
    assert upgrade.action == "case.upgrade"
    assert (upgrade.details["rules_level"], upgrade.details["rules_lead"]["name"]) == ("province", "浙江省应急管理部门")


def test_a_lead_given_back_to_the_rules_own_body_is_still_kept_later(engine, responder) -> None:
    h = HAPPENINGS["explosion in 莲都区"]
    post(engine, h.first, category="emergency", severity="III", media="news", regions=(h.region,), domains=h.domains)
    respond(engine, responder)
    city = Body(adcode="331100", domain="emergency_management")
    act(engine, lambda s: reassign(s, responder, case_1(s), "li", city, "市级统筹", T0 + 2 * HOUR))
    post(engine, h.update, category="emergency", severity="II", media="news", regions=(h.region,), domains=h.domains)
    respond(engine, responder, T0 + 2 * HOUR)
    (case,) = cases(engine)
    assert case.priority == "critical" and case.assignment.lead.name == "丽水市应急管理局"
    assert "已保留人工指定的丽水市应急管理局" in upgrade_messages(engine).pop()


# --- a refuted claim stays a rumour -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rumour:
    """A claim refuted by the authorities, and a later post repeating it with casualty figures."""

    refuted: str
    repeat: str
    severity: str
    region: str
    domains: tuple[str, ...]


RUMOURS = {
    "explosion in 莲都区": Rumour(
        "网传丽水莲都区南明山一化工厂爆炸致50人死亡，经莲都区应急管理局核实，系谣言。",
        "南明山化工厂爆炸死了五十多人，现场惨烈，官方还在捂着！",
        "I",
        "331102",
        ("emergency_management",),
    ),
    "dam break in 龙泉市": Rumour(
        "网传龙泉市一水库溃坝、下游十余人遇难，龙泉市水利局回应：水库运行正常，系谣言。",
        "龙泉水库溃坝了！下游已经十几个人遇难，赶紧往高处跑",
        "II",
        "331181",
        ("water_resources", "emergency_management"),
    ),
    "school poisoning in 缙云县": Rumour(
        "网传缙云县一小学食物中毒致3名学生死亡，缙云县教育局辟谣：系不实信息。",
        "缙云那个小学食物中毒死了3个学生，学校还不让家长说",
        "III",
        "331122",
        ("education",),
    ),
}


def refuted_rumour_case(engine, responder, rumour: Rumour) -> Case:
    post(
        engine,
        rumour.refuted,
        category="rumor",
        handling="false_info",
        media="news",
        regions=(rumour.region,),
        domains=rumour.domains,
    )
    respond(engine, responder)
    (case,) = cases(engine)
    return case


@pytest.mark.parametrize("place", list(RUMOURS))
def test_a_repeat_of_a_refuted_rumour_with_casualty_figures_leaves_the_rumour_case_as_it_was(
    engine, responder, settings, place
) -> None:
    rumour = RUMOURS[place]
    before = refuted_rumour_case(engine, responder, rumour)
    post(
        engine,
        rumour.repeat,
        category="emergency",
        severity=rumour.severity,
        handling="unclear",
        media="weibo",
        reposts=800,
        regions=(rumour.region,),
        domains=rumour.domains,
        published_at=T0 + 2 * HOUR,
    )
    assert "0 upgraded" in respond(engine, responder, T0 + 3 * HOUR)
    with session_factory(engine)() as session:
        event = session.get_one(Event, before.event_id)
    assert (event.category, event.severity, event.post_count) == ("rumor", None, 2)  # the event holds it too
    (case,) = cases(engine)
    assert (case.category, case.handling, case.severity, case.priority) == ("rumor", "false_info", None, "high")
    assert {c.domain for c in case.assignment.coordinators} >= {"public_security", "cyberspace"}
    assert 9 in case.assignment.rules
    assert case.recommended_action == settings.categories.handling["false_info"].action
    assert case.assignment == before.assignment
    assert list(obligations(engine)) == ["respond"]
    assert alerts(engine, "case_upgraded") == []
    assert [h.action for h in history(engine, case.id)] == ["case.open"]


@pytest.mark.parametrize("official", ["a government site", "a weibo post by 新华社", "a source named 人民日报"])
def test_only_an_official_confirmation_turns_a_rumour_case_into_an_emergency_and_the_case_says_so(
    engine, responder, official
) -> None:
    rumour = RUMOURS["explosion in 莲都区"]
    refuted_rumour_case(engine, responder, rumour)
    labels = {"category": "emergency", "handling": "unclear", "regions": ("331102",), "domains": rumour.domains}
    post(engine, rumour.repeat, severity="II", media="weibo", published_at=T0 + 2 * HOUR, **labels)
    respond(engine, responder, T0 + 3 * HOUR)
    confirmed_at = T0 + 4 * HOUR
    confirmation = "丽水市莲都区南明山街道一化工企业发生爆炸，目前已造成12人死亡，事故原因正在调查。"
    with transaction(session_factory(engine)) as session:
        carrier = {
            "a government site": {"media": "gov"},
            "a weibo post by 新华社": {"media": "weibo", "author": "新华社"},
            "a source named 人民日报": {"media": "news", "source": add_source(session, "人民日报客户端", "news")},
        }[official]
        confirming = add_post(session, confirmation, severity="II", published_at=confirmed_at, **carrier, **labels)
        confirming_id = confirming.id
    assert "1 upgraded" in respond(engine, responder, confirmed_at + HOUR)

    (case,) = cases(engine)
    assert (case.category, case.handling, case.priority, case.severity) == ("emergency", "unclear", "critical", "II")
    assert {c.domain for c in case.assignment.coordinators} == {"government", "propaganda"}  # rule 9 no longer
    changed = [h for h in history(engine, case.id) if h.action == "case.category"]
    assert [(h.details["before"], h.details["after"], h.details["post"], h.details["official"]) for h in changed] == [
        ("rumor", "emergency", confirming_id, True)
    ]
    (message,) = upgrade_messages(engine)
    assert f"类别由“不实信息”改为“重大突发事件和自然灾害”（官方发布确认：“{confirmation[:40]}”）" in message
    # the 5 h clock runs from the first post that showed the critical level (DOMAIN.md §5): the confirmation, as
    # the event did not take the repeat's level
    assert obligations(engine)["release"].starts_at == confirmed_at


# --- a category a person set --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Complaint:
    """A public-interest complaint an analyst re-files as credibility, a later post about an accident there, and
    an official statement that the complaint is untrue."""

    text: str
    region: str
    domains: tuple[str, ...]
    accident: str
    accident_critical: str
    refutation: str


COMPLAINTS = {
    "rubbish station in 莲都区": Complaint(
        "莲都区某小区旁的垃圾中转站臭气熏天，投诉半年没人管",
        "331102",
        ("urban_management",),
        "莲都区小区旁的垃圾中转站发生爆炸，已造成3人死亡，投诉半年没人管终酿惨剧",
        "莲都区垃圾中转站爆炸死亡人数升至11人，小区居民称投诉半年没人管",
        "莲都区城市管理局：网传“小区旁垃圾中转站臭气熏天、投诉半年没人管”不实，该中转站每日清运并除臭",
    ),
    "water cut in 龙泉市": Complaint(
        WATER_CUT,
        "331181",
        ("water_resources",),
        "龙泉市剑池街道停水小区管网维修时发生爆炸，造成3人死亡，居民称停水三天物业没有准话",
        "龙泉市剑池街道停水小区管网爆炸死亡人数升至12人，居民停水多日",
        "龙泉市水利局：网传剑池街道小区停水三天、物业没有准话系不实信息，该小区管网维修已于当日恢复供水",
    ),
}


@pytest.mark.parametrize("place", list(COMPLAINTS))
def test_a_category_an_analyst_set_survives_graver_posts_which_still_raise_severity_priority_and_clocks(
    engine, responder, place
) -> None:
    c = COMPLAINTS[place]
    post(
        engine,
        c.text,
        category="public_interest",
        handling="difficulty",
        media="news",
        regions=(c.region,),
        domains=c.domains,
    )
    respond(engine, responder)
    act(
        engine,
        lambda s: correct(
            s,
            responder,
            case_1(s),
            "zhao",
            None,
            Category.CREDIBILITY,
            Handling.MAJOR_ISSUE,
            "长期投诉无人处理，属不作为",
            T0 + 2 * HOUR,
        ),
    )
    (case,) = cases(engine)
    assert (case.category, case.handling, case.priority) == ("credibility", "major_issue", "high")

    accident = {"category": "emergency", "handling": "unclear", "media": "news", "regions": (c.region,)}
    post(engine, c.accident, severity="III", domains=("emergency_management", *c.domains), **accident)
    assert "1 upgraded" in respond(engine, responder, T0 + 3 * HOUR)
    (case,) = cases(engine)
    assert (case.category, case.handling, case.severity, case.priority) == (
        "credibility",
        "major_issue",
        "III",
        "high",
    )
    (message,) = upgrade_messages(engine)
    assert (
        f"按规则现应归为“重大突发事件和自然灾害”（帖文“{c.accident[:40]}”），已保留人工认定的“政府形象和公信力”"
        in message
    )
    assert "case.category" not in [h.action for h in history(engine, case.id)]

    critical_at = T0 + 5 * HOUR
    post(
        engine,
        c.accident_critical,
        severity="II",
        domains=("emergency_management", *c.domains),
        published_at=critical_at,
        **accident,
    )
    respond(engine, responder, critical_at + HOUR)
    (case,) = cases(engine)
    assert (case.category, case.severity, case.priority) == ("credibility", "II", "critical")
    assert obligations(engine)["release"].due_at == critical_at + 5 * HOUR


def test_a_correction_is_kept_at_the_gravity_the_analyst_saw_and_corrects_the_posts_for_training(
    engine, responder, settings
) -> None:
    """A critical explosion that turns out to be an old video: the analyst files it as a rumour. The 5 h and 24 h
    clocks end, the 48 h one runs from t0, the police and the network regulator join, and every post (its copy
    too) keeps its places and domains in the correction. A later repeat with casualty figures changes nothing."""
    with transaction(session_factory(engine)) as session:
        original = add_post(
            session,
            EXPLOSION_UPDATE,
            category="emergency",
            severity="II",
            handling="unclear",
            media="news",
            regions=("331102",),
            domains=("emergency_management", "public_security"),
        )
        add_post(
            session,
            f"转发：{EXPLOSION_UPDATE}",
            category="emergency",
            severity="II",
            duplicate_of=original,
            regions=("331102",),
            domains=("emergency_management",),
            published_at=T0 + HOUR,
        )
    respond(engine, responder, T0 + 2 * HOUR)
    reason = "浙江省应急管理厅辟谣：系2015年外地旧视频"
    corrected = act(
        engine,
        lambda s: correct(
            s, responder, case_1(s), "zhao", None, Category.RUMOR, Handling.FALSE_INFO, reason, T0 + 3 * HOUR
        ),
    )
    assert corrected == 2
    (case,) = cases(engine)
    assert (case.category, case.handling, case.severity, case.priority) == ("rumor", "false_info", None, "high")
    assert case.recommended_action == settings.categories.handling["false_info"].action
    assert {c.domain for c in case.assignment.coordinators} >= {"public_security", "cyberspace"}
    due = obligations(engine)
    assert (due["release"].status, due["press_conference"].status) == ("cancelled", "cancelled")
    assert (due["respond"].status, due["respond"].due_at) == ("open", T0 + 48 * HOUR)
    with session_factory(engine)() as session:
        fixes = session.scalars(select(LabelCorrection).order_by(LabelCorrection.post_id)).all()
    assert [(f.category, f.handling, f.severity, f.priority) for f in fixes] == [
        ("rumor", "false_info", None, "high")
    ] * 2
    assert [f.domains for f in fixes] == [["emergency_management", "public_security"], ["emergency_management"]]
    assert all(f.regions == ["331102"] and reason in f.reason for f in fixes)

    post(
        engine,
        "莲都化工厂爆炸死了三十多人！现场视频都出来了",
        category="emergency",
        severity="I",
        regions=("331102",),
        domains=("emergency_management",),
        published_at=T0 + 4 * HOUR,
    )
    assert "0 upgraded" in respond(engine, responder, T0 + 5 * HOUR)
    assert cases(engine)[0].category == "rumor"


@pytest.mark.parametrize(
    ("category", "handling", "reason", "refusal"),
    [
        (Category.EMERGENCY, None, "  ", "更正类别需要说明理由"),
        (Category.OTHER, None, "影视剧宣传", "误报请用 `yuqing cases dismiss` 排除"),
        (Category.RUMOR, Handling.FALSE_INFO, "第二次", "的类别已由zhao认定为“不实信息”（处置类型：虚假和不实信息）"),
    ],
)
def test_a_correction_that_does_not_fit_is_refused_and_changes_nothing(
    engine, responder, category, handling, reason, refusal
) -> None:
    with transaction(session_factory(engine)) as session:
        add_complaint(session)
    respond(engine, responder)
    act(
        engine,
        lambda s: correct(s, responder, case_1(s), "zhao", None, Category.RUMOR, Handling.FALSE_INFO, "辟谣", T0),
    )
    with pytest.raises(CaseError, match=refusal), transaction(session_factory(engine)) as session:
        correct(session, responder, case_1(session), "zhao", None, category, handling, reason, T0 + HOUR)
    assert [h.action for h in history(engine, 1)] == ["case.open", "case.correct"]


# --- automatic category changes -----------------------------------------------------------------------------


@pytest.mark.parametrize("place", list(COMPLAINTS))
def test_an_automatic_change_of_category_is_in_the_history_with_the_post_that_caused_it(
    engine, responder, place
) -> None:
    c = COMPLAINTS[place]
    post(
        engine,
        c.text,
        category="public_interest",
        handling="difficulty",
        media="news",
        regions=(c.region,),
        domains=c.domains,
    )
    respond(engine, responder)
    accident = post(
        engine,
        c.accident,
        category="emergency",
        severity="III",
        handling="unclear",
        media="weibo",
        regions=(c.region,),
        domains=("emergency_management", *c.domains),
        published_at=T0 + HOUR,
    )
    respond(engine, responder, T0 + 2 * HOUR)
    (case,) = cases(engine)
    assert (case.category, case.severity) == ("emergency", "III")
    (changed,) = [h for h in history(engine, case.id) if h.action == "case.category"]
    assert (changed.actor, changed.details["post"], changed.details["official"]) == ("system", accident, False)
    assert "类别由“公众切身利益”改为“重大突发事件和自然灾害”（帖文：" in upgrade_messages(engine).pop()


def complaint_case(engine, responder, c: Complaint) -> None:
    post(
        engine,
        c.text,
        category="public_interest",
        handling="difficulty",
        media="news",
        regions=(c.region,),
        domains=c.domains,
    )
    respond(engine, responder)


def refute(engine, responder, c: Complaint) -> int:
    refuting = post(
        engine,
        c.refutation,
        category="rumor",
        handling="false_info",
        media="gov",
        regions=(c.region,),
        domains=c.domains,
        published_at=T0 + HOUR,
    )
    respond(engine, responder, T0 + 2 * HOUR)
    return refuting


@pytest.mark.parametrize("place", list(COMPLAINTS))
def test_an_official_refutation_turns_a_case_into_a_rumour_and_the_case_says_so(
    engine, responder, settings, place
) -> None:
    c = COMPLAINTS[place]
    complaint_case(engine, responder, c)
    refuting = refute(engine, responder, c)
    (case,) = cases(engine)
    assert (case.category, case.handling, case.priority) == ("rumor", "false_info", "high")
    assert {c.domain for c in case.assignment.coordinators} >= {"public_security", "cyberspace"}
    assert case.recommended_action == settings.categories.handling["false_info"].action
    entries = history(engine, case.id)
    assert [h.action for h in entries] == ["case.open", "case.category"]  # a change of category, not an upgrade
    assert (entries[1].details["post"], entries[1].details["official"]) == (refuting, True)
    (message,) = upgrade_messages(engine)
    assert message.startswith(f"1号案件类别由“公众切身利益”改为“不实信息”（官方辟谣：“{c.refutation[:40]}”）")


def test_an_official_refutation_leaves_a_category_a_person_set(engine, responder) -> None:
    c = COMPLAINTS["water cut in 龙泉市"]
    complaint_case(engine, responder, c)
    reason = "物业与水务部门互相推诿"
    act(engine, lambda s: correct(s, responder, case_1(s), "zhao", None, Category.CREDIBILITY, None, reason, T0))
    refute(engine, responder, c)
    (case,) = cases(engine)
    assert (case.category, case.handling) == ("credibility", "difficulty")
    assert alerts(engine, "case_upgraded") == []


# --- merge, split, attach -----------------------------------------------------------------------------------


def two_explosion_cases(engine, responder) -> None:
    """Case 1: the wire report at level III; case 2: a level II report three days later (outside the grouping
    window, so the grouper kept them apart)."""
    labels = {"category": "emergency", "media": "news", "regions": ("331102",), "domains": ("emergency_management",)}
    post(engine, EXPLOSION, severity="III", **labels)
    respond(engine, responder)
    post(engine, EXPLOSION_UPDATE, severity="II", published_at=T0 + 80 * HOUR, **labels)
    respond(engine, responder, T0 + 81 * HOUR)


def test_a_merge_points_the_folded_event_at_the_target_and_a_graver_merge_keeps_the_chosen_lead(
    engine, responder
) -> None:
    two_explosion_cases(engine, responder)
    liandu = Body(adcode="331102", domain="emergency_management")
    act(engine, lambda s: reassign(s, responder, case_1(s), "wang", liandu, "属地", T0 + 81 * HOUR))
    now = T0 + 82 * HOUR
    act(engine, lambda s: merge(s, responder, s.get_one(Case, 2), case_1(s), "li", now))

    first, second = cases(engine)
    assert (second.status, second.merged_into_id) == ("merged", 1)
    with session_factory(engine)() as session:
        target, folded = session.get_one(Event, first.event_id), session.get_one(Event, second.event_id)
        assert folded.merged_into_id == target.id
        assert (target.post_count, target.severity, target.t0) == (2, "II", T0)
    assert (first.priority, first.severity, first.assignment.lead.body()) == ("critical", "II", liandu)
    assert obligations(engine, first.id)["release"].starts_at == T0 + 80 * HOUR
    assert [(h.actor, h.action) for h in history(engine, first.id)][-2:] == [
        ("li", "case.absorb"),
        ("li", "case.upgrade"),
    ]
    assert "已保留人工指定的莲都区应急管理部门" in upgrade_messages(engine).pop()


RESTAURANT = "莲都区紫金街道一餐馆发生燃气爆炸，造成2人受伤，伤者已送医。"


def explosion_and_restaurant_case(engine, responder) -> tuple[int, int, int]:
    """One case holding the chemical plant explosion and a restaurant gas explosion (with a copy of it) that the
    grouper put together: same place, same kind of happening."""
    labels = {"category": "emergency", "regions": ("331102",), "domains": ("emergency_management",)}
    with transaction(session_factory(engine)) as session:
        restaurant = add_post(session, RESTAURANT, severity="IV", media="weibo", published_at=T0, **labels)
        copy = add_post(
            session,
            f"转：{RESTAURANT}",
            severity="IV",
            duplicate_of=restaurant,
            published_at=T0 + HOUR,
            **labels,
        )
        plant = add_post(session, EXPLOSION_UPDATE, severity="II", media="news", published_at=T0 + 2 * HOUR, **labels)
        ids = restaurant.id, copy.id, plant.id
    respond(engine, responder, T0 + 3 * HOUR)
    assert len(cases(engine)) == 1
    return ids


def test_a_split_moves_posts_with_their_copies_into_a_new_case_opened_by_hand(engine, responder) -> None:
    restaurant, copy, plant = explosion_and_restaurant_case(engine, responder)
    new = act(engine, lambda s: split(s, responder, case_1(s), [restaurant], "wang", T0 + 4 * HOUR).id)
    first, second = cases(engine)
    assert second.id == new and (second.status, second.category, second.priority) == ("open", "emergency", "high")
    with session_factory(engine)() as session:
        held = {
            case.id: sorted(session.scalars(select(EventPost.post_id).where(EventPost.event_id == case.event_id)))
            for case in (first, second)
        }
        kept, split_off = session.get_one(Event, first.event_id), session.get_one(Event, second.event_id)
    assert held == {first.id: [plant], second.id: [restaurant, copy]}
    assert (kept.post_count, kept.t0, kept.severity) == (1, T0 + 2 * HOUR, "II")
    assert (split_off.post_count, split_off.t0, split_off.severity, split_off.title) == (2, T0, "IV", RESTAURANT)
    assert first.priority == "critical"  # the case split keeps its labels and clocks
    assert obligations(engine, second.id)["respond"].due_at == T0 + 48 * HOUR
    assert [(h.actor, h.action) for h in history(engine, second.id)] == [
        ("wang", "case.open"),
        ("wang", "case.split_off"),
    ]
    assert ("wang", "case.split") in [(h.actor, h.action) for h in history(engine, first.id)]


def test_posts_the_grouper_missed_and_an_event_without_a_case_can_be_attached(engine, responder) -> None:
    two_explosion_cases(engine, responder)
    act(engine, lambda s: close(s, s.get_one(Case, 2), "li", T0 + 82 * HOUR))
    labels = {"category": "emergency", "regions": ("331102",), "domains": ("emergency_management",)}
    stray = post(
        engine,
        "莲都南明山化工厂爆炸已致10人遇难，现场航拍",
        severity="II",
        media="forum",
        published_at=T0 - HOUR,
        **labels,
    )
    with transaction(session_factory(engine)) as session:
        copy = add_post(
            session, "转：莲都南明山化工厂爆炸已致10人遇难", duplicate_of=session.get(Post, stray), **labels
        ).id
    moved = act(
        engine, lambda s: [p.id for p in attach(s, responder, case_1(s), "wang", T0 + 83 * HOUR, post_ids=[stray])]
    )
    assert moved == [stray, copy]
    first, _ = cases(engine)
    assert (first.priority, first.severity, first.t0) == ("critical", "II", T0 - HOUR)
    due = obligations(engine, first.id)
    assert due["respond"].status == "cancelled" and due["release"].starts_at == T0 - HOUR
    assert [(h.actor, h.action) for h in history(engine, first.id)][-2:] == [
        ("wang", "case.attach"),
        ("wang", "case.upgrade"),
    ]

    lonely = post(
        engine,
        "莲都区南明山街道化工企业爆炸善后：遇难者家属获赔",
        severity="IV",
        media="forum",
        published_at=T0 + 200 * HOUR,
        **labels,
    )
    respond(engine, responder, T0 + 201 * HOUR)  # a forum post with no heat: an event, no case
    with session_factory(engine)() as session:
        lonely_event = session.scalar(select(EventPost.event_id).where(EventPost.post_id == lonely))
    assert len(cases(engine)) == 2
    act(engine, lambda s: attach(s, responder, case_1(s), "wang", T0 + 202 * HOUR, event_id=lonely_event))
    with session_factory(engine)() as session:
        assert session.get_one(Event, lonely_event).merged_into_id == first.event_id
        assert session.get_one(Event, first.event_id).post_count == 4
    (attached,) = [h for h in history(engine, first.id) if h.details.get("event") == lonely_event]
    assert attached.details["posts"] == [lonely]


def test_moving_posts_by_hand_is_refused_when_it_does_not_fit(engine, responder) -> None:
    """Each refusal names the case, post or event, and the command that does fit where there is one."""
    restaurant, copy, plant = explosion_and_restaurant_case(engine, responder)
    with transaction(session_factory(engine)) as session:
        other = add_complaint(session)
        other_id = other.id
    respond(engine, responder, T0 + 4 * HOUR)  # case 2: the complaint
    refusals = [
        (lambda s: split(s, responder, case_1(s), [999], "wang", T0), "没有帖文#999"),
        (lambda s: split(s, responder, case_1(s), [other_id], "wang", T0), f"帖文#{other_id}不在1号案件中"),
        (lambda s: split(s, responder, case_1(s), [], "wang", T0), "请用 --post 指定"),
        (lambda s: split(s, responder, case_1(s), [restaurant, plant], "wang", T0), "不能拆出1号案件的全部帖文"),
        (lambda s: attach(s, responder, case_1(s), "wang", T0, post_ids=[copy]), f"帖文#{copy}已在1号案件中"),
        (lambda s: attach(s, responder, case_1(s), "wang", T0, post_ids=[999]), "没有帖文#999"),
        (
            lambda s: attach(s, responder, case_1(s), "wang", T0, post_ids=[other_id]),
            f"帖文#{other_id}属于2号案件：请先用 `yuqing cases split 2 --post {other_id}` 拆出",
        ),
        (lambda s: attach(s, responder, case_1(s), "wang", T0, event_id=999), "没有事件#999"),
        (
            lambda s: attach(s, responder, case_1(s), "wang", T0, event_id=s.get_one(Case, 2).event_id),
            "已有2号案件：请用 `yuqing cases merge 2 --into 1`",
        ),
        (lambda s: attach(s, responder, case_1(s), "wang", T0), "请指定 --post 或 --event 之一"),
        (lambda s: merge(s, responder, case_1(s), case_1(s), "wang", T0), "1号案件不能合并到它自己"),
    ]
    for work, refusal in refusals:
        with pytest.raises(CaseError, match=refusal), transaction(session_factory(engine)) as session:
            work(session)
    act(engine, lambda s: close(s, s.get_one(Case, 2), "li", T0 + 5 * HOUR))
    ended = [
        (lambda s: split(s, responder, s.get_one(Case, 2), [other_id], "wang", T0), "2号案件已办结，不能拆分"),
        (lambda s: attach(s, responder, s.get_one(Case, 2), "wang", T0, post_ids=[copy]), "2号案件已办结，不能并入"),
        (lambda s: merge(s, responder, case_1(s), s.get_one(Case, 2), "wang", T0), "2号案件已办结，不能接收合并"),
    ]
    for work, refusal in ended:
        with pytest.raises(CaseError, match=refusal), transaction(session_factory(engine)) as session:
            work(session)
    assert [h.action for h in history(engine, 1)] == ["case.open"]


def test_posts_moved_by_hand_are_not_regrouped_and_later_copies_follow_them(engine, responder) -> None:
    restaurant, copy, plant = explosion_and_restaurant_case(engine, responder)
    act(engine, lambda s: split(s, responder, case_1(s), [restaurant], "wang", T0 + 4 * HOUR))
    with transaction(session_factory(engine)) as session:
        late_copy = add_post(
            session,
            f"再转：{RESTAURANT}",
            category="emergency",
            severity="IV",
            duplicate_of=session.get(Post, restaurant),
            regions=("331102",),
            published_at=T0 + 5 * HOUR,
        ).id
    respond(engine, responder, T0 + 6 * HOUR)
    with session_factory(engine)() as session:
        events = dict(session.execute(select(EventPost.post_id, EventPost.event_id)).all())
    first, second = cases(engine)
    assert events == {
        restaurant: second.event_id,
        copy: second.event_id,
        late_copy: second.event_id,
        plant: first.event_id,
    }


def test_a_decision_is_dated_by_the_clock_of_the_action_not_the_wall_clock(engine, responder) -> None:
    with transaction(session_factory(engine)) as session:
        add_complaint(session)
    respond(engine, responder)
    decided_at = T0 + timedelta(hours=3, minutes=20)
    act(
        engine,
        lambda s: reassign(
            s, responder, case_1(s), "wang", Body(adcode="331100", domain="environment"), "", decided_at
        ),
    )
    assert cases(engine)[0].decisions.lead.at == decided_at
