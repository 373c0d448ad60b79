"""Whether a division code names a division that exists: in the division table (about 2017) or in the township
gazetteer (2025). Checked wherever a code enters from a person or a file (config bodies, `assign` input,
`cases reassign`), so a mistyped 999999 is refused instead of becoming a body called 999999城市管理部门."""

from __future__ import annotations

from yuqing import adcodes
from yuqing.divisions import names
from yuqing.townships import gazetteer_codes


def is_known_division(code: str) -> bool:
    """A 6-digit code of a division in the table or the gazetteer (the gazetteer is read only for codes the table
    lacks, which are rare)."""
    if not adcodes.is_adcode(code):
        return False
    return adcodes.normalise(code) in names() or code in gazetteer_codes()
