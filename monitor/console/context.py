"""What every console route needs, built once per app: the settings, the session factory, the templates and the
sign-in limiter (`Console`), and the per-request database session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from monitor.console.ratelimit import LoginLimiter
from yuqing.settings import Settings
from yuqing.users import ROLE_TEXT
from yuqing.vocabulary import local_time

HERE = Path(__file__).parent


@dataclass
class Console:
    settings: Settings
    factory: sessionmaker[Session]
    templates: Jinja2Templates
    limiter: LoginLimiter

    @classmethod
    def build(cls, settings: Settings, factory: sessionmaker[Session]) -> Console:
        templates = Jinja2Templates(directory=HERE / "templates")
        zone = settings.timezone

        def local(moment: datetime | None) -> str:
            return local_time(moment, zone)

        templates.env.filters["local"] = local
        templates.env.globals["role_text"] = ROLE_TEXT
        return cls(settings, factory, templates, LoginLimiter())

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any):
        """A page with what every page shows: the user, the CSRF token for its forms, the navigation."""
        return self.templates.TemplateResponse(
            request, template, {"user": getattr(request.state, "principal", None), **context}, status_code=status_code
        )


def console(request: Request) -> Console:
    return request.app.state.console


def database(request: Request) -> Iterator[Session]:
    """One session per request; a route that changes something commits itself (`commit` below)."""
    with console(request).factory() as session:
        yield session
