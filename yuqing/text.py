"""Text helpers every stage shares: traditional → simplified conversion for analysis.

The original text is always kept; the simplified copy exists so that keyword schemes, region names and the
classifier see one script (about one post in ten arrives in traditional characters).
"""

from __future__ import annotations

from functools import cache

import opencc


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _converter().convert(text) if text else text
