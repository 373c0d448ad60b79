"""Cases and their clocks, with a controlled clock: nothing here sleeps."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from support.cases import HOUR, alerts, cases, obligations, respond, tick
from support.config import edit_config
from support.factories import (
    EXPLOSION,
    EXPLOSION_UPDATE,
    EXPLOSION_WEIBO,
    NAYONG,
    T0,
    WATER_CUT,
    add_complaint,
    add_critical_explosion,
    add_post,
    add_source,
    keep_test_labels,
    run_together,
)

from responder.cases import Responder
from responder.lifecycle import (
    CaseError,
    acknowledge,
    close,
    dismiss,
    merge,
    reassign,
    record_press_conference,
    record_release,
    record_response,
)
from yuqing.records import Body
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import AuditEntry, Case, Event, LabelCorrection

EMERGENCY = {"category": "emergency", "domains": ("emergency_management",), "regions": ("331102",)}


@pytest.fixture
def settings(config_dir: Path):
    return load_settings({"YUQING_CONFIG": str(config_dir)})


@pytest.fixture
def responder(settings) -> Responder:
    return Responder(settings)


def critical_explosion(engine, published_at=T0) -> None:
    with transaction(session_factory(engine)) as session:
        add_critical_explosion(session, published_at)


# --- opening ------------------------------------------------------------------------------------------------


def test_a_critical_event_opens_a_case_with_5h_and_24h_clocks_from_t0(engine, responder) -> None:
    critical_explosion(engine)
    assert "1 cases opened" in respond(engine, responder)
    (case,) = cases(engine)
    assert (case.priority, case.severity, case.assignment.level) == ("critical", "II", "province")
    assert case.assignment.lead.model_dump() == {
        "adcode": "330000",
        "domain": "emergency_management",
        "name": "浙江省应急管理部门",
        "contact": None,
    }
    assert case.assignment.rules == [3, 8, 10]
    assert (case.handling, case.recommended_action) == ("unclear", "发布权威信息，讲清事实真相")
    due = obligations(engine)
    assert due["release"].due_at == T0 + 5 * HOUR
    assert due["press_conference"].due_at == T0 + 24 * HOUR
    opened = alerts(engine, "case_opened")
    # the province's coordinators, and the home duty channel (also for the lead, which has no channel of its own)
    assert {a.recipient for a in opened} == {"#zhejiang-gov", "#zhejiang-propaganda", "#lishui-duty"}


def test_body_names_come_from_organisations_and_fall_back_to_a_generated_name(engine, responder) -> None:
    with transaction(session_factory(engine)) as session:
        add_complaint(session, domains=("environment", "urban_management"))
    respond(engine, responder)
    (case,) = cases(engine)
    assignment = case.assignment
    assert assignment.lead.name == "丽水市生态环境局莲都分局"
    assert [r.name for r in assignment.responders] == ["丽水市生态环境局莲都分局", "莲都区城市管理部门"]
    assert [c.name for c in assignment.coordinators] == ["莲都区人民政府办公室", "中共莲都区委宣传部"]
    assert case.recommended_action == "调查处理的，及时公开调查和处理结果"
    assert obligations(engine)["respond"].due_at == T0 + 48 * HOUR


def test_a_high_event_waits_for_heat_or_a_news_source(engine, responder, settings) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(
            session,
            WATER_CUT,
            category="public_interest",
            handling="difficulty",
            regions=("331181",),
            domains=("water_resources",),
            media="forum",
            reposts=10,
        )
    respond(engine, responder)
    assert cases(engine) == []
    with transaction(session_factory(engine)) as session:
        add_post(
            session,
            f"{WATER_CUT} 已经第四天了！",
            category="public_interest",
            handling="difficulty",
            regions=("331181",),
            domains=("water_resources",),
            media="weibo",
            reposts=30,
            comments=15,
            published_at=T0 + 2 * HOUR,
        )
    respond(engine, responder, T0 + 3 * HOUR)
    (case,) = cases(engine)
    assert case.priority == "high"


def test_low_events_never_open_cases(engine, responder) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(
            session,
            "丽水马拉松明天开跑，莲都区部分道路临时管制，跑友们加油！",
            category="other",
            media="news",
            regions=("331102",),
            reposts=5000,
        )
    respond(engine, responder)
    assert cases(engine) == []


def test_an_event_outside_home_is_recorded_with_its_owner_and_opens_only_if_configured(engine, config_dir) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(
            session,
            NAYONG,
            category="emergency",
            severity="II",
            regions=("520525",),
            domains=("emergency_management",),
            media="news",
        )
    respond(engine, Responder(load_settings({"YUQING_CONFIG": str(config_dir)})))
    assert cases(engine) == []
    with session_factory(engine)() as session:
        assert session.scalars(select(Event)).one().owner_adcode == "520525"
    edit_config(config_dir, "responder.yaml", {"cases": {"open_outside_home": True}})
    with transaction(session_factory(engine)) as session:
        add_post(
            session,
            f"{NAYONG}（续）",
            category="emergency",
            severity="II",
            regions=("520525",),
            domains=("emergency_management",),
            media="news",
            published_at=T0 + HOUR,
        )
    respond(engine, Responder(load_settings({"YUQING_CONFIG": str(config_dir)})), T0 + 2 * HOUR)
    (case,) = cases(engine)
    assert case.assignment.lead.adcode == "520000"


def test_a_hot_event_opens_one_case(engine, responder) -> None:
    critical_explosion(engine)
    with transaction(session_factory(engine)) as session:
        for minute in range(300):
            add_post(
                session,
                f"{EXPLOSION_WEIBO} #{minute}",
                published_at=T0 + timedelta(minutes=minute % 50),
                severity="II",
                **EMERGENCY,
            )
    respond(engine, responder)
    respond(engine, responder, T0 + 2 * HOUR)
    assert len(cases(engine)) == 1
    assert len(alerts(engine, "case_opened")) == 3


def test_an_event_without_a_region_is_answered_by_home_and_says_so(engine, responder) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(
            session,
            "网传“明天起全市停水三天”，自来水公司表示从未发布该通知",
            category="rumor",
            handling="false_info",
            domains=("water_resources", "public_security"),
            media="gov",
        )
    respond(engine, responder)
    (case,) = cases(engine)
    assert case.region_unknown
    assert case.assignment.lead.adcode == "331100"
    assert case.assignment.rules == [5, 8, 9, 11]


# --- clocks -------------------------------------------------------------------------------------------------


def test_warnings_and_breach_come_at_the_right_minutes_once_each(engine, responder) -> None:
    with transaction(session_factory(engine)) as session:
        add_complaint(session)
    respond(engine, responder)
    minute = timedelta(minutes=1)
    tick(engine, responder, T0 + 24 * HOUR - minute)
    assert alerts(engine, "warning") == []
    tick(engine, responder, T0 + 24 * HOUR)
    tick(engine, responder, T0 + 24 * HOUR + minute)
    assert [(a.level, a.recipient) for a in alerts(engine, "warning")] == [
        ("warning_50", "#liandu-environment"),
        ("warning_50", "#lishui-duty"),
    ]
    tick(engine, responder, T0 + timedelta(hours=38, minutes=23))
    assert len(alerts(engine, "warning")) == 2
    tick(engine, responder, T0 + timedelta(hours=38, minutes=24))
    assert [a.level for a in alerts(engine, "warning")] == ["warning_50"] * 2 + ["warning_80"] * 2
    tick(engine, responder, T0 + 48 * HOUR - minute)
    assert alerts(engine, "breach") == []
    tick(engine, responder, T0 + 48 * HOUR)
    tick(engine, responder, T0 + 60 * HOUR)
    breach = alerts(engine, "breach")
    # the body, its coordinators, the next level up (丽水市生态环境局) and the home duty channel
    assert sorted(a.recipient for a in breach) == [
        "#liandu-environment",
        "#liandu-gov",
        "#liandu-propaganda",
        "#lishui-duty",
        "#lishui-environment",
    ]
    respond_obligation = obligations(engine)["respond"]
    assert respond_obligation.status == "breached" and respond_obligation.breached_at == T0 + 48 * HOUR
    assert respond_obligation.next_alert_at is None


def test_a_milestone_met_in_time_stops_the_clock(engine, responder) -> None:
    critical_explosion(engine)
    respond(engine, responder)
    with transaction(session_factory(engine)) as session:
        case = session.scalars(select(Case)).one()
        record_release(session, responder, case, "wang", T0 + 2 * HOUR, T0 + 2 * HOUR)
    tick(engine, responder, T0 + 30 * HOUR)
    due = obligations(engine)
    assert due["release"].status == "met" and due["release"].met_at == T0 + 2 * HOUR
    assert due["press_conference"].status == "breached"
    assert {a.obligation_id for a in alerts(engine, "breach")} == {due["press_conference"].id}


def test_downtime_across_a_deadline_sends_only_the_breach(engine, responder) -> None:
    critical_explosion(engine)
    respond(engine, responder)
    tick(engine, responder, T0 + 6 * HOUR)  # the first check after downtime, an hour past the 5 h deadline
    release = obligations(engine)["release"]
    assert release.status == "breached" and release.breached_at == T0 + 5 * HOUR
    assert {(a.level, a.recipient) for a in alerts(engine) if a.obligation_id == release.id} == {
        ("breach", "#lishui-duty"),
        ("breach", "#zhejiang-gov"),
        ("breach", "#zhejiang-propaganda"),
    }
    assert alerts(engine, "warning") == []  # the 24 h clock is at 25%


def test_the_service_sends_a_deadline_missed_while_it_was_down_at_start_up(cli, engine, config_dir) -> None:
    keep_test_labels(config_dir)
    from datetime import UTC, datetime

    published = datetime.now(UTC) - 6 * HOUR
    critical_explosion(engine, published_at=published)
    result = cli("run", "--once")
    assert result.returncode == 0, result.stderr
    release = obligations(engine)["release"]
    assert release.status == "breached"
    assert {a.level for a in alerts(engine) if a.obligation_id == release.id} == {"breach"}


def test_an_upgrade_from_III_to_II_adds_5h_and_24h_from_the_upgrading_post(engine, responder) -> None:
    with transaction(session_factory(engine)) as session:
        add_post(
            session,
            EXPLOSION,
            title="丽水莲都一化工企业发生爆炸 已致3人死亡",
            media="news",
            severity="III",
            **EMERGENCY,
        )
    respond(engine, responder)
    (case,) = cases(engine)
    assert (case.priority, case.assignment.level) == ("high", "city")
    assert obligations(engine)["respond"].due_at == T0 + 48 * HOUR
    upgraded_at = T0 + 7 * HOUR
    with transaction(session_factory(engine)) as session:
        add_post(session, EXPLOSION_UPDATE, media="news", severity="II", published_at=upgraded_at, **EMERGENCY)
    assert "1 upgraded" in respond(engine, responder, upgraded_at + HOUR)
    (case,) = cases(engine)
    assert (case.priority, case.severity, case.assignment.lead.adcode) == ("critical", "II", "330000")
    due = obligations(engine)
    assert due["respond"].status == "cancelled"
    assert due["release"].starts_at == upgraded_at and due["release"].due_at == upgraded_at + 5 * HOUR
    assert due["press_conference"].due_at == upgraded_at + 24 * HOUR
    assert {a.kind for a in alerts(engine)} == {"case_opened", "case_upgraded"}


def test_a_crash_between_deciding_and_writing_loses_nothing_and_sends_nothing_twice(
    engine, responder, monkeypatch
) -> None:
    critical_explosion(engine)
    with transaction(session_factory(engine)) as session:
        add_complaint(session)
    respond(engine, responder)
    import responder.obligations as module

    real_notify, calls = module.notify, []

    def crash_on_second(*args, **kwargs):
        calls.append(kwargs["key"])
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real_notify(*args, **kwargs)

    monkeypatch.setattr(module, "notify", crash_on_second)
    with pytest.raises(RuntimeError, match="power cut"):
        tick(engine, responder, T0 + 50 * HOUR)
    assert alerts(engine, "breach") == []  # the first obligation's alert rolled back with the crash
    assert all(o.status == "open" for o in obligations(engine).values())
    monkeypatch.setattr(module, "notify", real_notify)
    tick(engine, responder, T0 + 50 * HOUR)
    tick(engine, responder, T0 + 51 * HOUR)
    keys = [a.dedupe_key for a in alerts(engine, "breach")]
    assert len(keys) == len(set(keys)) == 3 + 3 + 5  # release, press conference, respond (each with the duty channel)
    assert all(o.status == "breached" for o in obligations(engine).values())


def test_two_schedulers_on_one_database_queue_each_alert_once(engine, responder, settings) -> None:
    for hour in range(4):
        critical_explosion(engine, published_at=T0 + hour * 100 * HOUR)  # four separate events
        respond(engine, responder, T0 + hour * 100 * HOUR + HOUR)
    assert len(cases(engine)) == 4

    def scheduler() -> None:
        other = Responder(settings)
        for _ in range(3):
            tick(engine, other, T0 + 400 * HOUR)

    assert run_together(scheduler) == []
    breaches = alerts(engine, "breach")
    assert len(breaches) == len({a.dedupe_key for a in breaches}) == 4 * 2 * 3


# --- lifecycle ----------------------------------------------------------------------------------------------


def test_a_critical_case_through_its_whole_lifecycle(engine, responder) -> None:
    critical_explosion(engine)
    respond(engine, responder)
    factory = session_factory(engine)
    with transaction(factory) as session:
        case = session.scalars(select(Case)).one()
        acknowledge(session, case, "wang", T0 + HOUR)
        assert record_release(session, responder, case, "wang", T0 + 4 * HOUR, T0 + 4 * HOUR) == "release"
        record_press_conference(session, responder, case, "li", T0 + 20 * HOUR, T0 + 20 * HOUR)
        assert record_release(session, responder, case, "wang", T0 + 30 * HOUR, T0 + 30 * HOUR) == "follow_up 1"
        with pytest.raises(CaseError, match="has no response due"):
            record_response(session, case, "wang", T0 + 31 * HOUR, T0 + 31 * HOUR)
        close(session, case, "li", T0 + 40 * HOUR)
        with pytest.raises(CaseError, match="1号案件已办结，不能记录权威发布"):
            record_release(session, responder, case, "wang", T0 + 41 * HOUR, T0 + 41 * HOUR)
    due = obligations(engine)
    assert [(k, o.status) for k, o in due.items()] == [
        ("release", "met"),
        ("press_conference", "met"),
        ("follow_up1", "met"),
        ("follow_up2", "cancelled"),
    ]
    assert due["follow_up2"].due_at == T0 + 54 * HOUR
    with factory() as session:
        history = [(e.actor, e.action) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert history == [
        ("system", "case.open"),
        ("wang", "case.ack"),
        ("wang", "case.release"),
        ("li", "case.press"),
        ("wang", "case.release"),
        ("li", "case.close"),
    ]
    tick(engine, responder, T0 + 100 * HOUR)
    assert alerts(engine, "breach") == []


def test_milestones_cannot_be_in_the_future_or_before_the_event(engine, responder) -> None:
    critical_explosion(engine)
    respond(engine, responder)
    with transaction(session_factory(engine)) as session:
        case = session.scalars(select(Case)).one()
        with pytest.raises(CaseError, match="in the future"):
            record_release(session, responder, case, "wang", T0 + 3 * HOUR, T0 + 2 * HOUR)
        with pytest.raises(CaseError, match="before the event began"):
            record_release(session, responder, case, "wang", T0 - HOUR, T0 + 2 * HOUR)


def test_dismissing_a_false_positive_corrects_its_posts_for_training(engine, responder) -> None:
    critical_explosion(engine)
    respond(engine, responder)
    with transaction(session_factory(engine)) as session:
        case = session.scalars(select(Case)).one()
        with pytest.raises(CaseError, match="needs a reason"):
            dismiss(session, case, "wang", " ", None, T0 + HOUR)
        assert dismiss(session, case, "wang", "影视剧宣传，非真实事件", None, T0 + HOUR) == 1
    with session_factory(engine)() as session:
        (correction,) = session.scalars(select(LabelCorrection)).all()
    assert correction.category == "other" and "影视剧宣传" in correction.reason
    assert cases(engine)[0].status == "dismissed"
    assert all(o.status == "cancelled" for o in obligations(engine).values())


def test_reassign_sends_later_alerts_to_the_new_body(engine, responder) -> None:
    with transaction(session_factory(engine)) as session:
        add_complaint(session)
    respond(engine, responder)
    with transaction(session_factory(engine)) as session:
        case = session.scalars(select(Case)).one()
        reassign(session, responder, case, "wang", Body(adcode="331100", domain="environment"), "涉及全市", T0 + HOUR)
    tick(engine, responder, T0 + 25 * HOUR)
    assert [a.recipient for a in alerts(engine, "warning")] == ["#lishui-environment", "#lishui-duty"]


def test_merge_folds_one_case_into_another(engine, responder) -> None:
    critical_explosion(engine)
    with transaction(session_factory(engine)) as session:
        add_complaint(session)
    respond(engine, responder)
    first, second = cases(engine)
    with transaction(session_factory(engine)) as session:
        merge(session, responder, session.get_one(Case, second.id), session.get_one(Case, first.id), "wang", T0 + HOUR)
    first, second = cases(engine)
    assert second.status == "merged" and second.merged_into_id == first.id
    with session_factory(engine)() as session:
        assert session.get_one(Event, first.event_id).post_count == 2
    assert obligations(engine)["respond"].status == "cancelled"


def test_news_and_sources_are_counted_once_per_source(engine, responder) -> None:
    with transaction(session_factory(engine)) as session:
        paper = add_source(session, "处州晚报", "news")
        add_post(
            session,
            WATER_CUT,
            category="public_interest",
            handling="difficulty",
            regions=("331181",),
            domains=("water_resources",),
            media="news",
            source=paper,
        )
    respond(engine, responder)
    assert len(cases(engine)) == 1
