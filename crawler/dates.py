"""Publication dates as Chinese sites write them, read into timezone-aware datetimes.

Sources rarely say which zone they mean; a date without one is read in the service's zone (Asia/Shanghai by
default), and relative forms (`3小时前`, `昨天 08:15`, `刚刚`) are taken from the moment of fetching.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.utils import parsedate_to_datetime

_SPACE = re.compile(r"\s+")
_RELATIVE = re.compile(r"^(\d+)\s*(秒|分钟|分|小时|个小时|天|日)前$")
_DAY_WORDS = {"今天": 0, "昨天": 1, "前天": 2}
_CLOCK = r"(?:\s*(\d{1,2})[:：时](\d{1,2})分?(?:[:：]?(\d{1,2})秒?)?)?"
_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*|T)" + _CLOCK)
_NO_YEAR = re.compile(r"^(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*日?" + _CLOCK + r"$")
_DAY_WORD = re.compile(r"^(今天|昨天|前天)" + _CLOCK + r"$")
_FOUND = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _CLOCK)


def _clock(hour: str | None, minute: str | None, second: str | None) -> time:
    return time(int(hour or 0), int(minute or 0), int(second or 0))


def _timestamp(value: float) -> datetime:
    """Unix seconds, or milliseconds as JavaScript-minded APIs send them."""
    return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)


def parse_date(value: object, zone: tzinfo, now: datetime | None = None) -> datetime | None:
    """A datetime for `value`, or None when it is not a date; naive forms are read in `zone`."""
    now = (now or datetime.now(UTC)).astimezone(zone)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _timestamp(float(value))
    text = _SPACE.sub(" ", str(value)).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _timestamp(float(text))
    if text == "刚刚":
        return now
    compact = text.replace(" ", "")
    if match := _RELATIVE.match(compact):
        amount, unit = int(match.group(1)), match.group(2)
        seconds = {"秒": 1, "分钟": 60, "分": 60, "小时": 3600, "个小时": 3600, "天": 86400, "日": 86400}[unit]
        return now - timedelta(seconds=amount * seconds)
    if match := _DAY_WORD.match(text):
        day = now.date() - timedelta(days=_DAY_WORDS[match.group(1)])
        return datetime.combine(day, _clock(*match.group(2, 3, 4)), zone)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    except ValueError:
        pass
    if match := _FULL.fullmatch(text):
        return _build(int(match.group(1)), int(match.group(2)), int(match.group(3)), match.group(4, 5, 6), zone)
    if match := _NO_YEAR.match(text):
        month, day = int(match.group(1)), int(match.group(2))
        found = _build(now.year, month, day, match.group(3, 4, 5), zone)
        if found and found > now + timedelta(days=1):  # "12-30" read on 2 January is last year's
            found = _build(now.year - 1, month, day, match.group(3, 4, 5), zone)
        return found
    try:
        parsed = parsedate_to_datetime(text)  # RFC 822, as RSS writes it
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _build(year: int, month: int, day: int, clock: tuple[str | None, ...], zone: tzinfo) -> datetime | None:
    try:
        return datetime.combine(date(year, month, day), _clock(*clock), zone)
    except ValueError:
        return None


def find_date(text: str, zone: tzinfo) -> datetime | None:
    """The first full date (and time) written anywhere in a page's text, e.g. `发布时间：2026年11月3日`."""
    for match in _FOUND.finditer(text):
        found = _build(int(match.group(1)), int(match.group(2)), int(match.group(3)), match.group(4, 5, 6), zone)
        if found:
            return found
    return None
