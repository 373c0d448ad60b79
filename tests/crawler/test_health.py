"""How one run of one source is judged (crawler.health.judge), page counts in, status and reason out."""

from __future__ import annotations

import threading

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from support.sources import gov_html

from crawler.health import judge, source_ids
from crawler.records import SourceReport
from yuqing.config_models import HtmlSource
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Source as SourceRow


def report(**counts: int) -> SourceReport:
    return SourceReport(name="gov", **counts)


def test_a_process_that_read_only_article_pages_of_a_shared_frontier_is_healthy() -> None:
    assert judge(report(detail_ok=10), had_items_before=True) == ("ok", None, None)


def test_a_run_whose_every_list_page_failed_is_a_failure_with_its_first_reason() -> None:
    failed = report(detail_ok=2)
    failed.fail("http_status", "HTTP 500 from /list.html", "index")
    assert judge(failed, had_items_before=True) == ("failed", "http_status", "HTTP 500 from /list.html")


def test_a_run_whose_every_article_failed_is_a_failure_even_when_its_list_was_read() -> None:
    failed = report(index_ok=1, items=3)
    failed.fail("timeout", "no answer in 20 s", "detail")
    assert judge(failed, had_items_before=True)[:2] == ("failed", "timeout")


def test_some_failed_pages_leave_the_run_ok_but_say_so() -> None:
    partial = report(index_ok=1, items=3, detail_ok=2)
    partial.fail("timeout", "no answer in 20 s", "detail")
    assert judge(partial, had_items_before=True) == ("ok", "timeout", "1 page(s) failed, first: no answer in 20 s")


def test_a_blocked_page_fails_the_run_whatever_else_was_read() -> None:
    blocked = report(index_ok=3, items=9, detail_ok=9)
    blocked.fail("captcha", "captcha page instead of content", "detail")
    assert judge(blocked, had_items_before=True)[:2] == ("failed", "captcha")


def test_processes_that_meet_a_new_source_at_once_share_one_row(engine) -> None:
    """Distributed crawler processes start together; the second to register a source waits for the first and gets
    its row (and the file's latest settings), instead of failing on the unique name."""
    config = HtmlSource.model_validate(gov_html("http://127.0.0.1:9/gov/list.html"))
    factory = session_factory(engine)
    ids: list[int] = []
    inserting = threading.Event()  # the second's upsert is on its way to the database
    with transaction(factory) as first:
        ids.append(source_ids(first, [config])[config.name])
        second = threading.Thread(
            target=lambda: ids.append(_register(factory, config.model_copy(update={"enabled": False}), inserting))
        )
        second.start()
        assert inserting.wait(timeout=30)  # the first commits only once the second is writing the same row
    second.join(timeout=30)
    assert not second.is_alive()
    assert ids[0] == ids[1]
    with factory() as session:
        assert session.scalars(select(SourceRow)).all() == [session.get(SourceRow, ids[0])]
        assert session.get(SourceRow, ids[0]).enabled is False


def _register(factory: sessionmaker[Session], config: HtmlSource, inserting: threading.Event) -> int:
    with transaction(factory) as session:
        event.listen(session.connection(), "before_cursor_execute", lambda *_: inserting.set())
        return source_ids(session, [config])[config.name]
