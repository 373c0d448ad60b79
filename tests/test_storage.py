from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

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

SHANGHAI = timezone(timedelta(hours=8))


def make_event(session, t0: datetime) -> Event:
    event = Event(title="t", category="emergency", priority="critical", t0=t0, first_seen_at=t0, last_post_at=t0)
    session.add(event)
    session.flush()
    return event


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
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
            level="province",
            lead_adcode="150000",
            lead_domain="emergency_management",
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
