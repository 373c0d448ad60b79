"""The responder's service jobs: `respond` groups new posts and keeps cases in step; `timers` runs the clocks
(always on: a deadline must never go unwatched, so it is not switched off in service.yaml)."""

from __future__ import annotations

from sqlalchemy import Engine

from responder.cases import Responder
from responder.runner import check_clocks, group_and_open
from yuqing.jobs import Job, configured
from yuqing.settings import Settings
from yuqing.storage.database import session_factory
from yuqing.storage.models import utcnow


def jobs(settings: Settings, engine: Engine) -> list[Job]:
    factory = session_factory(engine)
    responder = Responder(settings)
    return [
        *configured(settings, "respond", lambda: lambda: group_and_open(factory, responder, utcnow)),
        Job("timers", settings.timers.poll, lambda: check_clocks(factory, responder, utcnow)),
    ]
