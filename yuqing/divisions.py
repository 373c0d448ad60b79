"""Names of administrative divisions by code, for people reading cases and alerts.

The data is the division table the `cpca` package ships (about 2017: later renamings such as 水城区 or 那曲市
are missing). It is read from the package's CSV without importing cpca, so looking up a name stays cheap.
"""

from __future__ import annotations

import csv
import importlib.util
from functools import cache
from pathlib import Path

from yuqing import adcodes


def cpca_table() -> Path:
    """The division table's file (cpca's CSV)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (division data) is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


@cache
def names() -> dict[str, str]:
    """6-digit code → name, e.g. 331102 → 莲都区."""
    table: dict[str, str] = {adcodes.NATIONAL: "全国"}
    with cpca_table().open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["adcode"][:6]
            if adcodes.normalise(code) == code:  # skip municipalities' 市辖区 pseudo-cities
                table[code] = row["name"]
    return table


def name_of(code: str) -> str:
    """The division's name; the code itself when the table does not know it."""
    return names().get(adcodes.normalise(code), code)


def government_name(code: str) -> str:
    """The people's government of a division (浙江省人民政府), or the State Council for the national level: whom
    rule 7 puts in charge of a 特别重大 case at that level."""
    code = adcodes.normalise(code)
    return "国务院" if code == adcodes.NATIONAL else f"{name_of(code)}人民政府"
