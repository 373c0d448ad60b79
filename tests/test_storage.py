import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from yuqing.records import CaseAlert, CaseAssignment, CaseDecisions, NamedBody, TestAlert
from yuqing.storage.database import (
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    session_factory,
    transaction,
    upgrade,
)
from yuqing.storage.models import Base, Case, Event, Notification, Obligation, Post
from yuqing.storage.search import models_only

SHANGHAI = timezone(timedelta(hours=8))


def make_event(session, t0: datetime) -> Event:
    event = Event(title="t", category="emergency", priority="critical", t0=t0, first_seen_at=t0, last_post_at=t0)
    session.add(event)
    session.flush()
    return event


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": models_only})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert current_revision(engine) == head_revision()


def test_every_table_of_the_data_flow_exists(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {
        "sources",
        "source_runs",
        "posts",
        "labels",
        "label_corrections",
        "events",
        "event_posts",
        "event_upgrades",
        "cases",
        "obligations",
        "notifications",
        "briefings",
        "users",
        "audit_log",
        "job_runs",
    } <= tables


def test_downgrade_then_upgrade_round_trips(engine: Engine) -> None:
    downgrade(engine, "base")
    assert "posts" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "posts" in inspect(engine).get_table_names()


def test_datetimes_come_back_timezone_aware_and_equal(engine: Engine) -> None:
    published = datetime(2026, 11, 18, 9, 30, tzinfo=SHANGHAI)
    factory = session_factory(engine)
    with transaction(factory) as session:
        session.add(Post(media="news", content_hash="h", published_at=published))
    with factory() as session:
        stored = session.scalars(select(Post)).one()
    assert stored.published_at.tzinfo is not None
    assert stored.published_at == published
    assert stored.published_at.astimezone(UTC).hour == 1
    assert stored.fetched_at.tzinfo is not None


def test_naive_datetime_is_refused_and_nothing_is_written(engine: Engine) -> None:
    factory = session_factory(engine)
    with pytest.raises(StatementError, match="naive datetime"), transaction(factory) as session:
        session.add(Post(media="news", content_hash="ok", published_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.flush()
        session.add(Post(media="news", content_hash="bad", published_at=datetime(2026, 1, 1)))
    with factory() as session:
        assert session.scalars(select(Post)).all() == []


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    factory = session_factory(engine)
    now = datetime.now(UTC)
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.add(Obligation(case_id=999, kind="respond", starts_at=now, due_at=now))


def test_an_obligation_kind_is_written_once_per_case(engine: Engine) -> None:
    factory = session_factory(engine)
    now = datetime.now(UTC)
    with transaction(factory) as session:
        event = make_event(session, now)
        case = Case(
            event_id=event.id,
            status="open",
            category="emergency",
            priority="critical",
            assignment=CaseAssignment(
                title="锡林郭勒盟正蓝旗煤矿透水",
                regions=["152530"],
                level="province",
                lead=NamedBody(adcode="150000", domain="emergency_management", name="内蒙古自治区应急管理部门"),
                responders=[],
                coordinators=[],
                principal_leader=False,
                rules=[3, 8, 10],
            ),
            t0=now,
        )
        session.add(case)
        session.flush()
        session.add(Obligation(case_id=case.id, kind="release", starts_at=now, due_at=now + timedelta(hours=5)))
        case_id = case.id
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.add(Obligation(case_id=case_id, kind="release", starts_at=now, due_at=now + timedelta(hours=5)))


def test_outbox_key_makes_a_second_alert_a_conflict(engine: Engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        session.add(
            Notification(dedupe_key="case:1/release/breach/slack:#x", kind="breach", channel="slack", recipient="#x")
        )
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.add(
            Notification(dedupe_key="case:1/release/breach/slack:#x", kind="breach", channel="slack", recipient="#x")
        )


def test_embedded_sqlite_runs_with_wal_and_foreign_keys(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'yuqing.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_the_upgrade_to_one_assignment_keeps_cases_and_rewrites_old_alerts(empty_engine: Engine) -> None:
    """Cases and outbox rows written by the version before 0003 are read back as typed records afterwards."""
    upgrade(empty_engine, "0002")
    t0 = datetime(2026, 11, 18, 9, 30, tzinfo=UTC).replace(tzinfo=None)
    lead = {"adcode": "331102", "domain": "environment", "name": "丽水市生态环境局莲都分局", "contact": None}
    assignment = {
        "title": "莲都区河道发黑发臭",
        "regions": ["331102"],
        "level": "county",
        "lead": lead,
        "responders": [lead],
        "coordinators": [],
        "principal_leader": False,
        "rules": [3, 8],
    }
    old_alert = {
        "case_id": 1,
        "title": "莲都区河道发黑发臭",
        "category": "public_interest",
        "category_name": "公众切身利益",
        "priority": "high",
        "severity": None,
        "regions": [{"adcode": "331102", "name": "莲都区"}],
        "region_unknown": False,
        "lead": lead,
        "coordinators": [],
        "rules": [3, 8],
        "recommended_action": None,
        "deadlines": [{"kind": "respond", "sequence": 0, "due_at": "2026-11-20T09:30:00+00:00", "status": "open"}],
        "post": None,
        "console_url": "http://127.0.0.1:8000/cases/1",
        "kind": "case_opened",
        "message": "新案件#1",
        "level": None,
        "to": [lead],
    }
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO events (id, title, category, priority, regions, domains, terms, t0, t0_from_first_seen,"
                " first_seen_at, last_post_at, post_count, reposts, comments, source_count, official_coverage,"
                " created_at, updated_at) VALUES (1, 't', 'public_interest', 'high', '[]', '[]', '{}', :t0, false,"
                " :t0, :t0, 1, 0, 0, 1, false, :t0, :t0)"
            ),
            {"t0": t0},
        )
        connection.execute(
            text(
                "INSERT INTO cases (id, event_id, status, category, priority, level, lead_adcode, lead_domain,"
                " assignment, region_unknown, t0, opened_at)"
                " VALUES (1, 1, 'open', 'public_interest', 'high', 'county', '331102', 'environment', :a, false,"
                " :t0, :t0)"
            ),
            {"a": json.dumps(assignment, ensure_ascii=False), "t0": t0},
        )
        for number, (kind, payload) in enumerate(
            [("case_opened", {k: v for k, v in old_alert.items() if k != "kind"}), ("test", {"message": "hi"})]
        ):
            connection.execute(
                text(
                    "INSERT INTO notifications (dedupe_key, kind, case_id, channel, recipient, payload, state,"
                    " attempts, created_at) VALUES (:key, :kind, :case, 'log', 'log', :payload, 'pending', 0, :t0)"
                ),
                {
                    "key": f"k{number}",
                    "kind": kind,
                    "case": 1 if kind == "case_opened" else None,
                    "payload": json.dumps(payload, ensure_ascii=False),
                    "t0": t0,
                },
            )
    upgrade(empty_engine)
    with session_factory(empty_engine)() as session:
        case = session.get_one(Case, 1)
        opened, test = session.scalars(select(Notification).order_by(Notification.id)).all()
    assert case.assignment.lead.name == "丽水市生态环境局莲都分局" and case.assignment.level == "county"
    assert case.decisions == CaseDecisions()  # nobody has decided anything about a case from before 0004
    assert isinstance(opened.payload, CaseAlert) and isinstance(test.payload, TestAlert)
    assert opened.payload.case.lead.adcode == "331102" and opened.payload.case.rules == [3, 8]
    assert [o.kind for o in opened.payload.case.obligations] == ["respond"]
    assert test.payload.message == "hi"
