"""What every console route needs, built once per app: the settings, the session factory, the templates and the
sign-in limiter (`Console`), and the per-request database session."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from monitor.console.ratelimit import LoginLimiter
from yuqing.divisions import name_of
from yuqing.settings import Settings
from yuqing.users import ROLE_TEXT
from yuqing.vocabulary import MEDIA_TEXT, local_time

HERE = Path(__file__).parent
CJK_FONT = "NotoSansCJKsc-Regular.otf"  # in the mplfonts package, which the briefing's charts use too


def packaged_fonts() -> Path:
    """The folder of the CJK fonts mplfonts ships (located, not imported: its import touches matplotlib). The
    style sheet asks for a font installed on the machine first and falls back to this one, so a machine without
    a Chinese font (a bare Linux desktop, a headless browser) still reads the console."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or spec.origin is None:
        raise RuntimeError("the mplfonts package is missing: make install")
    return Path(spec.origin).parent / "fonts"


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
        templates.env.globals["name_of"] = name_of
        templates.env.globals["media_text"] = MEDIA_TEXT  # a post without a source row is named by its media
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
