"""The administrative hierarchy read from 6-digit division codes alone (no lookup table needed).

`000000` is national, `XX0000` a province, `XXXX00` a city, anything else a county. Two real-world exceptions
are honoured because a press office would route by them: the four municipalities (北京, 天津, 上海, 重庆) have
no real city level (`110100` 市辖区 is the municipality itself), and county-level units administered directly
by a province (codes `XX90XX`, e.g. 仙桃市 429004) answer to the province.
"""

from __future__ import annotations

from functools import lru_cache

from yuqing.vocabulary import Level

NATIONAL = "000000"
LEVELS = tuple(Level)  # from the top
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})


def is_adcode(code: object) -> bool:
    return isinstance(code, str) and len(code) == 6 and code.isascii() and code.isdigit()


def normalise(code: str) -> str:
    """A municipality's pseudo-city code (110100) is the municipality (110000)."""
    if code[:2] in MUNICIPALITIES and code[2:4] != "00" and code[4:] == "00":
        return code[:2] + "0000"
    return code


def level(code: str) -> str:
    code = normalise(code)
    if code == NATIONAL:
        return "national"
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def depth(code: str) -> int:
    return LEVELS.index(level(code))


def parent(code: str) -> str | None:
    """The next level up; None above national."""
    code = normalise(code)
    match level(code):
        case "national":
            return None
        case "province":
            return NATIONAL
        case "city":
            return code[:2] + "0000"
    if code[:2] in MUNICIPALITIES or code[2:4] == "90":
        return code[:2] + "0000"
    return code[:4] + "00"


@lru_cache(maxsize=8192)
def ancestors(code: str) -> tuple[str, ...]:
    """The code itself, then each level up to national. Cached (bounded, as codes may come from input): there are
    only some 3,500 divisions, and the region matcher asks for the same chains for every post."""
    chain = [normalise(code)]
    while (up := parent(chain[-1])) is not None:
        chain.append(up)
    return tuple(chain)


def province_of(code: str) -> str | None:
    code = normalise(code)
    return None if code == NATIONAL else code[:2] + "0000"


def lowest_common_ancestor(codes: list[str]) -> str:
    """The lowest division that contains every code (a code contains itself)."""
    common = ancestors(codes[0])
    for code in codes[1:]:
        chain = set(ancestors(code))
        common = [c for c in common if c in chain]
    return common[0]


def raise_to(code: str, level_name: str) -> str:
    """The code itself if it is at `level_name` or above, else its nearest ancestor that is."""
    target = LEVELS.index(level_name)
    for candidate in ancestors(code):
        if depth(candidate) <= target:
            return candidate
    return NATIONAL


def is_below(code: str, other: str) -> bool:
    """True when `code` lies strictly inside `other`."""
    chain = ancestors(code)
    return normalise(other) in chain[1:]


def related(code: str, other: str) -> bool:
    """True when one code is, contains or lies in the other: what "about this jurisdiction" means for routing."""
    return normalise(code) == normalise(other) or is_below(code, other) or is_below(other, code)
