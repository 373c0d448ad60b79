"""Typed records passed between stages and through the CLI's JSON Lines (DOMAIN.md §7; field names are fixed)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from yuqing.config_models import Category, Handling, Level, Severity

Adcode = Annotated[str, Field(pattern=r"^\d{6}$")]


class Incoming(BaseModel):
    """Input lines may carry more fields than a stage reads; those are ignored, not refused."""

    model_config = ConfigDict(extra="ignore")


class PostIn(Incoming):
    """A post as input to `classify`."""

    id: str | int
    text: str
    title: str = ""
    source: str | None = None
    url: str | None = None
    published_at: datetime | None = None


class EventIn(Incoming):
    """An event as input to `assign`."""

    id: str | int
    category: Category
    severity: Severity | None = None
    handling: Handling | None = None
    domains: list[str] = []
    regions: list[Adcode] = []
    policy_level: Literal["national", "province"] | None = None
    t0: datetime | None = None


class Body(BaseModel):
    """A responsible body: a division and a competent domain (谁主管)."""

    model_config = ConfigDict(frozen=True)

    adcode: str
    domain: str


class Deadlines(BaseModel):
    release: datetime | None = None
    press_conference: datetime | None = None
    respond: datetime | None = None


class Assignment(BaseModel):
    """Who must answer and by when, with the numbers of the rules that decided it."""

    id: str | int
    level: Level
    lead: Body
    responders: list[Body]
    coordinators: list[Body]
    principal_leader: bool
    rules: list[int]
    deadlines: Deadlines
