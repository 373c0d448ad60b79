"""Numerals as people write them in posts: Arabic (1,200 / 1.2 / 3000万), full-width, and Chinese (十二, 两千三百,
一亿二千万, 廿三, 二〇二四), plus the vague ones that still bound a figure from below (数十, 几百, and the ranges 七八,
三四十, 十七八, read as their lower end).

The figures reader needs one pattern that finds a numeral and one function that gives its value, so that every
form it reads (3人死亡, 死亡人数升至十二人, 损失三千多万) shares them.
"""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_TENS = {"廿": 20, "卅": 30}
_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG = {"万": 10_000, "亿": 100_000_000}

# A number: Arabic (1,200 / 1.2 / 3000万), 数十/几百 (a lower bound), or Chinese (三十, 两千三百, 一亿二千万).
NUM = r"(?:\d+(?:,\d{3})*(?:\.\d+)?[万亿]?|[数几][十百千万]|[零〇一二两三四五六七八九十廿卅百千万亿]+)"
# The characters a numeral may start with, for patterns that must not run over a number.
NUMERAL_CHARS = "零〇一二两三四五六七八九十廿卅百千万亿"


def number(text: str) -> float | None:
    """A numeral as a number (数十 as its lower bound, 20); None when it is no number, as a bare 万."""
    if text[0].isdigit():
        unit = BIG.get(text[-1], 1)
        return float(text.rstrip("万亿").replace(",", "")) * unit
    if text[0] in "数几":
        return 2.0 * _UNITS.get(text[1], BIG.get(text[1], 1))
    if all(char in _DIGITS for char in text) and (len(text) > 2 or text[-1] in "零〇"):  # 二〇二四: digit by digit
        return float("".join(str(_DIGITS[char]) for char in text))
    total, section, digit = 0, 0, None
    for char in text:
        if char in _DIGITS and digit and _DIGITS[char] == digit + 1:
            continue  # 七八个人, 三四十人, 十七八个: a range, read as its lower end
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _TENS:
            section += _TENS[char]
        elif char in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            if section == 0 and digit is None:
                return None
            total += (section + (digit or 0)) * BIG[char]
            section, digit = 0, None
    value = total + section + (digit or 0)
    return float(value) if value or text[0] in "零〇" else None
