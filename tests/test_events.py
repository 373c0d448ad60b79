"""Posts about one happening become one event, with its clock start, labels, upgrades and heat."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.factories import (
    EXPLOSION,
    EXPLOSION_UPDATE,
    EXPLOSION_WEIBO,
    NAYONG,
    T0,
    WATER_CUT,
    add_post,
    add_source,
)

from responder.events import most_specific, regions_agree
from responder.grouping import EventGrouper
from responder.matching import key_terms
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Event, EventPost, EventUpgrade


@pytest.fixture
def settings(config_dir: Path):
    return load_settings({"YUQING_CONFIG": str(config_dir)})


def group(engine, settings) -> set[int]:
    with transaction(session_factory(engine)) as session:
        grouper = EventGrouper(settings.responder.events, settings.categories.critical_severities)
        return grouper.group(session).touched


def events(engine) -> list[Event]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


EMERGENCY = {"category": "emergency", "domains": ("emergency_management",), "regions": ("331102",)}


def test_a_wire_report_and_a_weibo_post_about_one_explosion_are_one_event(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(
            session,
            EXPLOSION,
            title="丽水莲都一化工企业发生爆炸 已致3人死亡",
            media="news",
            severity="III",
            **EMERGENCY,
        )
        add_post(session, EXPLOSION_WEIBO, published_at=T0 + timedelta(minutes=20), **EMERGENCY)
    group(engine, settings)
    (event,) = events(engine)
    assert event.category == "emergency" and event.severity == "III" and event.priority == "high"
    assert event.post_count == 2
    assert event.t0 == T0


def test_another_place_or_another_subject_makes_another_event(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(session, EXPLOSION, media="news", severity="III", **EMERGENCY)
        add_post(
            session,
            WATER_CUT,
            category="public_interest",
            handling="difficulty",
            regions=("331181",),
            domains=("water_resources",),
        )
        add_post(
            session, NAYONG, category="emergency", severity="IV", regions=("520525",), domains=("emergency_management",)
        )
        add_post(session, "昨晚看了部灾难片，化工厂爆炸那段特效太震撼了，推荐！", category="other")
    group(engine, settings)
    assert [(e.category, e.regions) for e in events(engine)] == [
        ("emergency", ["331102"]),
        ("public_interest", ["331181"]),
        ("emergency", ["520525"]),
        ("other", []),
    ]


def test_copies_join_the_event_of_their_original_and_count_as_heat(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        weibo, news = add_source(session, "微博热搜", "weibo"), add_source(session, "丽水日报", "news")
        original = add_post(
            session, EXPLOSION, media="news", source=news, severity="III", reposts=40, comments=12, **EMERGENCY
        )
        for minute in range(30):
            add_post(
                session,
                f"转发：{EXPLOSION}",
                source=weibo,
                duplicate_of=original,
                regions=(),
                category="emergency",
                published_at=T0 + timedelta(minutes=minute + 1),
            )
    group(engine, settings)
    (event,) = events(engine)
    assert event.post_count == 31
    assert (event.reposts, event.comments) == (40, 12)
    assert event.source_count == 2


def test_t0_is_the_earliest_publication_even_when_it_arrives_later(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(session, EXPLOSION, media="news", published_at=T0 + timedelta(hours=2), severity="III", **EMERGENCY)
    group(engine, settings)
    with transaction(session_factory(engine)) as session:
        add_post(session, EXPLOSION_WEIBO, published_at=T0, **EMERGENCY)
    group(engine, settings)
    (event,) = events(engine)
    assert event.t0 == T0 and not event.t0_from_first_seen


def test_without_publication_times_t0_falls_back_to_first_seen_and_says_so(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(session, EXPLOSION, published_at=None, fetched_at=T0 + timedelta(hours=1), severity="III", **EMERGENCY)
    group(engine, settings)
    (event,) = events(engine)
    assert event.t0 == T0 + timedelta(hours=1)
    assert event.t0_from_first_seen


def test_a_graver_supported_post_upgrades_the_event_and_is_recorded(engine, settings) -> None:
    update_time = T0 + timedelta(hours=3)
    with transaction(session_factory(engine)) as session:
        add_post(session, EXPLOSION, media="news", severity="III", **EMERGENCY)
        add_post(
            session,
            "网友称莲都化工厂爆炸死了上百人，消息未证实",
            severity="I",
            confidence=0.2,
            published_at=T0 + timedelta(hours=1),
            **EMERGENCY,
        )
        upgrading = add_post(
            session, EXPLOSION_UPDATE, media="news", severity="II", published_at=update_time, **EMERGENCY
        )
    group(engine, settings)
    (event,) = events(engine)
    assert (event.severity, event.priority) == ("II", "critical")
    with session_factory(engine)() as session:
        (upgrade,) = session.scalars(select(EventUpgrade)).all()
    assert (upgrade.from_severity, upgrade.to_severity, upgrade.to_priority) == ("III", "II", "critical")
    assert upgrade.post_id == upgrading.id and upgrade.at == update_time


def test_grouping_is_bounded_and_resumes(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        for minute in range(5):
            add_post(
                session, f"{EXPLOSION_WEIBO} 第{minute}条", published_at=T0 + timedelta(minutes=minute), **EMERGENCY
            )
    with transaction(session_factory(engine)) as session:
        grouper = EventGrouper(settings.responder.events, settings.categories.critical_severities)
        assert grouper.group(session, limit=3).grouped == 3
        assert grouper.group(session, limit=3).grouped == 2
        assert grouper.group(session, limit=3).grouped == 0
        assert session.scalar(select(func.count()).select_from(EventPost)) == 5


def test_key_terms_ignore_function_words_and_latin() -> None:
    terms = key_terms("这是莲都的化工厂 ABC 123")
    assert "莲都" in terms and "化工" in terms
    assert "的化" not in terms and "这是" not in terms


def test_places_agree_by_containment_and_the_most_specific_wins() -> None:
    assert regions_agree(["331102"], ["331100"])
    assert regions_agree([], ["520525"])
    assert not regions_agree(["331181"], ["331102"])
    assert most_specific(["520500", "520525", "520000"]) == ["520525"]


# --- one event per happening: words make a match, places and domains never do --------------------------------

SAME_PLACE_AND_DOMAIN = [
    # (adcode, domain, category of each, two matters of one department in one place that share little wording)
    (
        "331102",
        "urban_management",
        ("policy", "莲都区城市管理局发布通告：12月1日起中山街、解放街实行占道经营分时段管理，设置5处临时疏导点。"),
        ("credibility", "网曝莲都区城管队员在菜市场门口推搡卖菜老人，视频里老人摔倒在地，围观群众大声斥责。"),
    ),
    (
        "510704",
        "public_security",
        ("emergency", "游仙区一小区发生邻里纠纷持刀伤人事件，2人受伤送医，嫌疑人已被警方当场控制。"),
        ("credibility", "游仙区交警大队一名辅警劝导闯红灯时把外卖骑手推倒，骑手膝盖擦伤，视频在朋友圈疯传。"),
    ),
    (
        "410303",
        "human_resources",
        ("public_interest", "西工区某安置房工地拖欠三十多名农民工工资一百四十万元，工人到区人社局门口讨薪。"),
        ("policy", "西工区人力资源和社会保障局出台灵活就业人员社保补贴新办法，明年一月起可线上申领。"),
    ),
]


@pytest.mark.parametrize(("adcode", "domain", "first", "second"), SAME_PLACE_AND_DOMAIN)
def test_two_matters_of_one_department_in_one_place_are_two_events(engine, settings, adcode, domain, first, second):
    with transaction(session_factory(engine)) as session:
        for minute, (category, text) in enumerate([first, second]):
            add_post(
                session,
                text,
                category=category,
                domains=(domain,),
                regions=(adcode,),
                published_at=T0 + timedelta(minutes=minute),
            )
    group(engine, settings)
    assert sorted(e.category for e in events(engine)) == sorted([first[0], second[0]])


@pytest.mark.parametrize(
    "comment",
    [
        "转发 @丽水日报：莲都区南明山街道化工企业爆炸事故死亡人数已升至12人。必须严肃处理，查清安全责任！",
        "南明山化工厂爆炸死了这么多人，应急管理局平时的安全检查都干什么去了？",
        "莲都化工企业爆炸事故，遇难者家属还在等一个说法，问责什么时候出来？",
    ],
)
def test_a_comment_on_an_explosion_joins_it(engine, settings, comment: str) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(session, EXPLOSION_UPDATE, title="死亡升至12人", media="news", severity="II", **EMERGENCY)
        place = {"regions": EMERGENCY["regions"], "domains": EMERGENCY["domains"]}
        add_post(session, comment, category="credibility", published_at=T0 + timedelta(hours=2), **place)
    group(engine, settings)
    assert len(events(engine)) == 1


def test_a_place_mentioned_in_passing_is_not_where_the_event_happens(engine, settings) -> None:
    policy = "丽水市住房公积金新政：12月起首套房公积金贷款额度上调至80万元，二孩家庭再上浮20%。"
    with transaction(session_factory(engine)) as session:
        for minute in range(4):
            add_post(
                session,
                f"{policy}（{minute}）",
                category="policy",
                domains=("housing",),
                regions=("331100",),
                published_at=T0 + timedelta(minutes=minute),
            )
        add_post(  # one routine repost also names the provincial capital
            session,
            f"{policy} 杭州市此前已出台类似政策。",
            category="policy",
            domains=("housing",),
            regions=("331100", "330100"),
            published_at=T0 + timedelta(minutes=10),
        )
    group(engine, settings)
    (event,) = events(engine)
    assert event.regions == ["331100"]
    assert event.region_weights == {"331100": 5, "330100": 1}


def test_a_repeated_rumour_with_casualty_claims_stays_a_rumour(engine, settings) -> None:
    rumour = "网传莲都区某小学食堂午餐导致百余名学生食物中毒，已有学生死亡，区教育局辟谣：经核查，该说法不实。"
    with transaction(session_factory(engine)) as session:
        add_post(session, rumour, category="rumor", handling="false_info", media="gov", regions=("331102",))
        add_post(
            session,
            "莲都区小学食堂食物中毒死了3个学生，百余名学生送医，官方还在捂着！",
            category="emergency",
            severity="III",
            deaths=3,
            regions=("331102",),
            published_at=T0 + timedelta(hours=3),
        )
    group(engine, settings)
    (event,) = events(engine)
    assert (event.category, event.priority, event.severity) == ("rumor", "high", None)


def test_an_official_confirmation_may_turn_a_rumour_into_an_emergency(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(
            session,
            "网传莲都区南明山街道化工厂发生爆炸，多人死亡，消息未经证实",
            category="rumor",
            handling="false_info",
            regions=("331102",),
        )
        add_post(
            session,
            "莲都区南明山街道化工厂爆炸事故情况通报：事故已造成3人死亡，事故原因正在调查。",
            title="关于莲都区南明山街道化工厂爆炸事故的情况通报",
            category="emergency",
            severity="III",
            deaths=3,
            media="gov",
            regions=("331102",),
            published_at=T0 + timedelta(hours=1),
        )
    group(engine, settings)
    (event,) = events(engine)
    assert (event.category, event.severity, event.deaths) == ("emergency", "III", 3)


def test_the_title_is_the_best_headline_and_the_figures_the_highest(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(session, EXPLOSION_WEIBO, deaths=None, **EMERGENCY)
        add_post(
            session,
            EXPLOSION,
            title="丽水莲都一化工企业发生爆炸 已致3人死亡",
            media="news",
            severity="III",
            deaths=3,
            published_at=T0 + timedelta(hours=1),
            **EMERGENCY,
        )
        add_post(
            session,
            EXPLOSION_UPDATE,
            title="死亡升至12人",
            media="weibo",
            severity="II",
            deaths=12,
            published_at=T0 + timedelta(hours=2),
            **EMERGENCY,
        )
    group(engine, settings)
    (event,) = events(engine)
    assert event.title == "丽水莲都一化工企业发生爆炸 已致3人死亡"  # a news headline over a Weibo post's words
    assert (event.deaths, event.severity) == (12, "II")


def test_later_posts_follow_an_event_a_person_merged_into_another(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        first = add_post(session, EXPLOSION, media="news", severity="III", **EMERGENCY)
    group(engine, settings)
    with transaction(session_factory(engine)) as session:
        target = Event(title="合并", category="emergency", priority="high", t0=T0, first_seen_at=T0, last_post_at=T0)
        session.add(target)
        session.flush()
        merged = session.scalar(select(EventPost.event_id).where(EventPost.post_id == first.id))
        session.get_one(Event, merged).merged_into_id = target.id
        target_id = target.id
        add_post(session, f"转发：{EXPLOSION}", category="emergency", duplicate_of=first, published_at=T0 + HOUR_LATER)
    group(engine, settings)
    with session_factory(engine)() as session:
        copies = session.scalars(select(EventPost.event_id).where(EventPost.post_id != first.id)).all()
    assert copies == [target_id]


HOUR_LATER = timedelta(hours=1)


# --- a county both name supports a weaker match of words, within one category; its name is no shared word ----------

FIRST_WORDS = [
    # (county, category, domain, the report, a post about the same happening in other words)
    (
        "370783",
        "emergency",
        "emergency_management",
        "寿光市侯镇化工园区一企业发生爆炸，已造成2人死亡、3人失联，应急管理部门正在现场处置。",
        "寿光侯镇那边刚才一声巨响，家里窗户都在抖，往北看冒起好大一团黑烟，应该是化工厂爆炸了，消防车一直在响。",
    ),
    (
        "420505",
        "emergency",
        "emergency_management",
        "猇亭区化工园一企业发生液氨泄漏，周边群众已疏散，暂无人员伤亡。",
        "猇亭这边一股刺鼻的味道，眼睛辣得睁不开，楼下好多人捂着嘴往外走，听说是氨泄漏，是哪个厂出事了？",
    ),
    (
        "330402",
        "public_interest",
        "housing",
        "南湖区住建局回应小区供暖不热：已会同供热企业逐户测温，问题管道本周内完成更换。",
        "南湖这边家里暖气片还是冰凉的，孩子穿着羽绒服写作业，说是管道问题，物业说等通知，等到什么时候？",
    ),
]


def group_with(engine, rules) -> None:
    with transaction(session_factory(engine)) as session:
        EventGrouper(rules, ["I", "II"]).group(session)


@pytest.mark.parametrize(("county", "category", "domain", "report", "other_words"), FIRST_WORDS)
def test_a_post_in_other_words_joins_an_event_of_its_category_in_the_county_it_names(
    engine, settings, county, category, domain, report, other_words
) -> None:
    with transaction(session_factory(engine)) as session:
        for minute, text in enumerate([report, other_words]):
            labels = {"category": category, "domains": (domain,), "regions": (county,)}
            add_post(session, text, published_at=T0 + timedelta(minutes=minute), **labels)
    group_with(engine, settings.responder.events)
    assert len(events(engine)) == 1


@pytest.mark.parametrize(("county", "category", "domain", "report", "other_words"), FIRST_WORDS)
def test_the_county_is_what_lets_the_weak_wording_match(
    engine, settings, county, category, domain, report, other_words
) -> None:
    rules = settings.responder.events
    unsupported = rules.model_copy(update={"min_similarity_in_same_county": rules.min_similarity})
    with transaction(session_factory(engine)) as session:
        for minute, text in enumerate([report, other_words]):
            labels = {"category": category, "domains": (domain,), "regions": (county,)}
            add_post(session, text, published_at=T0 + timedelta(minutes=minute), **labels)
    group_with(engine, unsupported)
    assert len(events(engine)) == 2


@pytest.mark.parametrize(("county", "category", "domain", "report", "other_words"), FIRST_WORDS)
def test_without_the_county_the_same_weak_wording_makes_no_match(
    engine, settings, county, category, domain, report, other_words
) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(session, report, category=category, domains=(domain,), regions=(county,))
        later = T0 + timedelta(minutes=1)
        add_post(session, other_words, category=category, domains=(domain,), regions=(), published_at=later)
    group_with(engine, settings.responder.events)
    assert len(events(engine)) == 2


SAME_COUNTY_AND_CATEGORY = [
    (
        "370783",
        "寿光市侯镇化工园区一企业发生爆炸，已造成2人死亡、3人失联，应急管理部门正在现场处置。",
        "寿光市羊口镇一辆货车与面包车相撞，面包车司机受伤被送往医院救治。",
    ),
    (
        "331102",
        "莲都区碧湖镇一民房起火，消防赶到后十分钟扑灭明火，未造成人员伤亡。",
        "莲都区瓯江一名钓鱼男子落水失踪，蓝天救援队正在下游搜寻。",
    ),
]


@pytest.mark.parametrize(("county", "one", "another"), SAME_COUNTY_AND_CATEGORY)
def test_two_emergencies_in_one_county_stay_two_events(engine, settings, county, one, another) -> None:
    with transaction(session_factory(engine)) as session:
        for minute, text in enumerate([one, another]):
            labels = {"category": "emergency", "domains": ("emergency_management",), "regions": (county,)}
            add_post(session, text, published_at=T0 + timedelta(minutes=minute), **labels)
    group_with(engine, settings.responder.events)
    assert len(events(engine)) == 2
