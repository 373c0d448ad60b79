"""The responder's two service jobs: group new posts and keep cases in step, and check the response clocks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from responder.cases import Responder, sync_cases
from responder.grouping import EventGrouper
from responder.obligations import check_deadlines
from yuqing.storage.database import transaction

BATCH = 500
MAX_BATCHES = 20  # a bound per run; a larger backlog continues at the next run


def group_and_open(factory: sessionmaker[Session], responder: Responder, now: Callable[[], datetime]) -> str:
    totals = {"posts": 0, "events": 0, "opened": 0, "upgraded": 0}
    grouper = EventGrouper(responder.settings.responder.events, responder.settings.categories.critical_severities)
    for _ in range(MAX_BATCHES):
        with transaction(factory) as session:
            grouped = grouper.group(session, BATCH)
            counts = sync_cases(session, responder, grouped.touched, now())
        totals["posts"] += grouped.grouped
        totals["events"] += len(grouped.created)
        totals["opened"] += counts["opened"]
        totals["upgraded"] += counts["upgraded"]
        if grouped.grouped < BATCH:
            break
    return (
        f"{totals['posts']} posts grouped, {totals['events']} new events, "
        f"{totals['opened']} cases opened, {totals['upgraded']} upgraded"
    )


def check_clocks(factory: sessionmaker[Session], responder: Responder, now: Callable[[], datetime]) -> str:
    warnings = breaches = alerts = 0
    for _ in range(MAX_BATCHES):
        with transaction(factory) as session:
            result = check_deadlines(session, responder.settings, responder.directory, now(), BATCH)
        warnings, breaches, alerts = warnings + result.warnings, breaches + result.breaches, alerts + result.alerts
        if result.warnings + result.breaches < BATCH:
            break
    return f"{warnings} warnings, {breaches} breaches, {alerts} alerts queued"
