"""The notifications stage's service job: deliver what is due in the outbox."""

from __future__ import annotations

from sqlalchemy import Engine

from notifications.dispatcher import Dispatcher
from yuqing.jobs import Job, configured
from yuqing.settings import Settings
from yuqing.storage.database import session_factory


def jobs(settings: Settings, engine: Engine) -> list[Job]:
    def make_run():
        dispatcher = Dispatcher(settings, session_factory(engine))
        return lambda: dispatcher.run().summary()

    return configured(settings, "dispatch", make_run)
