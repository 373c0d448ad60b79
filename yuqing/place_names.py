"""The names people write for a place: a division's with those above it, and a county's townships'."""

from __future__ import annotations

from functools import cache

from yuqing import adcodes
from yuqing.divisions import names
from yuqing.townships import base, short_form, townships

_KINDS = ("特别行政区", "自治区", "自治州", "地区", "省", "市", "盟")  # what follows a province's or city's name


@cache
def place_names(code: str) -> frozenset[str]:
    """The names a post may write for a place: the division's and those of the divisions above it, whole and
    without their kind (寿光市, 寿光, 潍坊市, 潍坊, 山东省, 山东), and, for a county, its townships' (侯镇, 羊口镇,
    羊口). Grouping leaves them out of a post's words, so a shared place never passes for shared wording."""
    found: set[str] = set()
    for division in adcodes.ancestors(adcodes.normalise(code)):
        name = names().get(division)
        if name is None or division == adcodes.NATIONAL:
            continue
        found |= {name, short_form(name)}
        found |= {name[: -len(kind)] for kind in _KINDS if name.endswith(kind) and len(name) - len(kind) >= 2}
    found |= {town for town in _towns_by_county().get(adcodes.normalise(code), ())}
    found |= {base(town) for town in _towns_by_county().get(adcodes.normalise(code), ()) if len(base(town)) >= 2}
    return frozenset(found)


@cache
def _towns_by_county() -> dict[str, tuple[str, ...]]:
    by_county: dict[str, list[str]] = {}
    for town, counties in townships().items():
        for county in counties:
            by_county.setdefault(county, []).append(town)
    return {county: tuple(towns) for county, towns in by_county.items()}
