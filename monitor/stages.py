"""The stages the monitor wires together, in the order data flows through them.

Each stage contributes its commands (`commands`, a Typer app merged into `yuqing`) and its service jobs
(`jobs(settings, engine)`). A new stage is one line in each of the two lists below.
"""

from __future__ import annotations

from collections.abc import Callable

import typer
from sqlalchemy import Engine

from briefing.commands import commands as briefing_commands
from classifier.commands import commands as classifier_commands
from crawler.commands import commands as crawler_commands
from notifications.commands import commands as notifications_commands
from responder.commands import commands as responder_commands
from yuqing.jobs import Job
from yuqing.settings import Settings

COMMANDS: tuple[typer.Typer, ...] = (
    crawler_commands,
    classifier_commands,
    responder_commands,
    notifications_commands,
    briefing_commands,
)


def _stage_jobs() -> tuple[Callable[[Settings, Engine], list[Job]], ...]:
    """Imported when the service starts, not for every command: the classifier's job loads scikit-learn."""
    from briefing.jobs import jobs as briefing_jobs
    from classifier.jobs import jobs as classifier_jobs
    from crawler.jobs import jobs as crawler_jobs
    from notifications.jobs import jobs as notifications_jobs
    from responder.jobs import jobs as responder_jobs

    return (crawler_jobs, classifier_jobs, responder_jobs, briefing_jobs, notifications_jobs)


def build_jobs(settings: Settings, engine: Engine) -> list[Job]:
    """Every job this installation runs: each stage's, in the order data flows, then the storage's upkeep."""
    from yuqing.jobs import configured
    from yuqing.storage.database import sqlite_maintenance

    jobs = [job for stage_jobs in _stage_jobs() for job in stage_jobs(settings, engine)]
    if engine.dialect.name == "sqlite":
        jobs += configured(settings, "maintenance", lambda: lambda: sqlite_maintenance(engine))
    return jobs
