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

from responder.events import EventGrouper, key_terms, most_specific, regions_agree
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Event, EventPost, EventUpgrade


@pytest.fixture
def settings(config_dir: Path):
    return load_settings({"YUQING_CONFIG": str(config_dir)})


def group(engine, settings) -> set[int]:
    with transaction(session_factory(engine)) as session:
        grouper = EventGrouper(session, settings.responder.events, settings.categories.critical_severities)
        return grouper.group().touched


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
        grouper = EventGrouper(session, settings.responder.events, settings.categories.critical_severities)
        assert grouper.group(limit=3).grouped == 3
        assert grouper.group(limit=3).grouped == 2
        assert grouper.group(limit=3).grouped == 0
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
