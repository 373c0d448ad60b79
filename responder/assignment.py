"""Who must answer an event, and by when: DOMAIN.md §6 "The rules, exactly", from the rules alone.

属地管理、分级负责、谁主管谁负责 (国办发〔2016〕80号 三(一); 黑龙江 三(二); 云南 三(一)). The rule numbers in the
output are DOMAIN.md §6's, so a person can check every assignment against the seeds.

Choices where DOMAIN.md is silent (also in the README):
- A provincial policy whose regions span several provinces is answered by the home jurisdiction's province.
- A vertical domain at national level has no level above it; its own national office coordinates.
- A timezone-less `t0` is read in the service's time zone; without `t0` the deadlines are null.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from yuqing import adcodes
from yuqing.config_models import TimersConfig
from yuqing.records import Assignment, Body, Deadlines, EventIn
from yuqing.settings import Settings
from yuqing.vocabulary import ObligationKind, Priority, priority_of

T = TypeVar("T")


def _unique(items: Iterable[T]) -> list[T]:
    """De-duplicate keeping the first occurrence (DOMAIN.md §6)."""
    return list(dict.fromkeys(items))


@dataclass(frozen=True)
class AssignmentRules:
    """The configuration the rules read: domains and which are vertical, 分级负责 levels, clocks, home."""

    home: str
    vertical_domains: frozenset[str]
    known_domains: frozenset[str]
    severity_min_level: dict[str, str]
    critical_severities: tuple[str, ...]
    timers: TimersConfig
    timezone: ZoneInfo

    @classmethod
    def from_settings(cls, settings: Settings, home: str | None = None) -> AssignmentRules:
        organisations = settings.organisations
        return cls(
            home=home or organisations.home.adcode,
            vertical_domains=frozenset(d for d, info in organisations.domains.items() if info.vertical),
            known_domains=frozenset(organisations.domains),
            severity_min_level=dict(organisations.severity_min_level),
            critical_severities=tuple(settings.categories.critical_severities),
            timers=settings.timers,
            timezone=settings.timezone,
        )


def _responsible_division(event: EventIn, regions: list[str], rules: AssignmentRules, fired: set[int]) -> str:
    if event.policy_level == "national":
        fired.add(2)
        return adcodes.NATIONAL
    if event.policy_level == "province":
        fired.add(2)
        provinces = _unique(p for p in map(adcodes.province_of, regions) if p)
        if len(provinces) == 1:
            return provinces[0]
        return adcodes.province_of(rules.home) or adcodes.NATIONAL
    if len(regions) == 1:
        fired.add(3)
        return regions[0]
    if regions:
        fired.add(4)
        return adcodes.lowest_common_ancestor(regions)
    fired.add(11)
    return adcodes.normalise(rules.home)


def deadlines_for(priority: str, t0: datetime | None, rules: AssignmentRules) -> Deadlines:
    if t0 is None:
        return Deadlines()
    if t0.tzinfo is None:
        t0 = t0.replace(tzinfo=rules.timezone)
    due = rules.timers.due
    if priority == Priority.CRITICAL:
        return Deadlines(
            release=due(ObligationKind.RELEASE, t0), press_conference=due(ObligationKind.PRESS_CONFERENCE, t0)
        )
    if priority == Priority.HIGH:
        return Deadlines(respond=due(ObligationKind.RESPOND, t0))
    return Deadlines()


def assign(event: EventIn, rules: AssignmentRules) -> Assignment:
    """Apply rules 2-11 in order; raise ValueError for a domain the configuration does not know."""
    unknown = [d for d in event.domains if d not in rules.known_domains]
    if unknown:
        raise ValueError(
            f"domains: unknown id(s) {', '.join(unknown)}; configured: {', '.join(sorted(rules.known_domains))}"
        )
    regions = _unique(adcodes.normalise(r) for r in event.regions)
    domains = _unique(event.domains)
    lead_domain = domains[0] if domains else "government"
    fired: set[int] = set()

    division = _responsible_division(event, regions, rules, fired)
    if event.severity is not None:
        raised = adcodes.raise_to(division, rules.severity_min_level[event.severity])
        if raised != division:
            division = raised
            fired.add(10)

    responders = [Body(adcode=division, domain=d) for d in domains or [lead_domain]]
    responders += [Body(adcode=r, domain=lead_domain) for r in regions if adcodes.is_below(r, division)]
    if len(domains) >= 2:
        fired.add(5)

    if lead_domain in rules.vertical_domains:
        fired.add(6)
        upper = adcodes.parent(division) or division
        coordinators = [Body(adcode=upper, domain=lead_domain), Body(adcode=division, domain="propaganda")]
    else:
        fired.add(8)
        coordinators = [Body(adcode=division, domain="government"), Body(adcode=division, domain="propaganda")]
    if event.handling == "false_info":
        fired.add(9)
        coordinators += [Body(adcode=division, domain="public_security"), Body(adcode=division, domain="cyberspace")]

    principal_leader = event.severity == "I"
    if principal_leader:
        fired.add(7)

    priority = priority_of(event.category, event.severity, rules.critical_severities)
    return Assignment(
        id=event.id,
        level=adcodes.level(division),
        lead=Body(adcode=division, domain=lead_domain),
        responders=_unique(responders),
        coordinators=_unique(coordinators),
        principal_leader=principal_leader,
        rules=sorted(fired),
        deadlines=deadlines_for(priority, event.t0, rules),
    )
