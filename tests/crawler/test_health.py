"""How one run of one source is judged (crawler.health.judge), page counts in, status and reason out."""

from __future__ import annotations

from crawler.context import SourceReport
from crawler.health import judge


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
