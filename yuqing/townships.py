"""Places below the county (镇, 乡, 街道, 苏木) and the county each lies in, as the division table's codes.

The data is the gazetteer the `jionlp` package ships (`jionlp/dictionary/china_location.zip`, updated 2025-11: a
tab-indented tree province → city → county (name, code, short name) → township → village). It is read from the
package's zip without importing jionlp (whose import loads far more than this), villages skipped, and the
derived table (township name → county codes) is cached in the data folder's `cache/` (deriving it takes about a
second; reading the cache a tenth of that). The villages are not used: some 650,000 names, most of them ordinary
words (新村, 红星村), would find places in every post.

Counties are given the code the division table (`yuqing.divisions`, cpca's data of about 2017) and the labelled
corpus use: jionlp's code when the table has it for a county of the same short name, else the table's county of the
same short name in the same city, then in the same province (水城区 → 水城县 520221, 莱芜区 → 莱芜市's 371202 …),
else the city. So a renamed or moved county keeps the corpus's code, and `counties()` also lists the newer county
names the table lacks, for the region matcher.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import zipfile
from collections import defaultdict
from functools import cache
from pathlib import Path

from yuqing import adcodes
from yuqing.divisions import names

_FORMAT = 4  # of the cache file
_FREQUENT = 120  # jieba's count above which a place word is mostly an ordinary noun (下海 148, 乌镇 106)
# What a township's name ends with; other entries (农场, 林场, 开发区, 工业园区) are not townships.
KINDS = ("街道办事处", "街道", "民族乡", "民族镇", "镇", "乡", "苏木")
_COUNTY_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "新区", "县", "区", "市", "旗")


def _gazetteer() -> Path:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the jionlp package (township gazetteer) is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.zip"


def _lines() -> list[str]:
    with zipfile.ZipFile(_gazetteer()) as archive:
        text = archive.read("china_location.txt").decode("utf-8")
    # Villages (four tabs) are most of the file; keep provinces, cities, counties and townships.
    return [line.rstrip("\r") for line in text.split("\n") if not line.startswith("\t\t\t\t")]


@cache
def gazetteer_codes() -> frozenset[str]:
    """The codes of the gazetteer's provinces, cities and counties (2025: 邵东市 430582, development zones), which
    the division table of about 2017 partly lacks."""
    codes = set()
    for line in _lines():
        fields = line.strip().split("\t")
        if len(line) - len(line.lstrip("\t")) <= 2 and len(fields) >= 2 and adcodes.is_adcode(fields[1]):
            codes.add(fields[1])
    return frozenset(codes)


def short_form(name: str) -> str:
    """A county's name without its kind (水城区 → 水城, 长岭县 → 长岭); names of two characters stay whole (和县)."""
    for suffix in _COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def _table_counties() -> dict[str, dict[str, list[str]]]:
    """Short name → table codes of counties, by city prefix (4 digits) and by province prefix (2 digits)."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for code, name in names().items():
        if adcodes.level(code) == "county":
            found[code[:4]][short_form(name)].append(code)
            found[code[:2]][short_form(name)].append(code)
    return found


def table_code(code: str, name: str) -> str | None:
    """The division table's code for a county of the gazetteer (see the module docstring)."""
    table, short, counties = names(), short_form(name), _table_counties()
    if code in table and short_form(table[code]) == short:
        return code
    for prefix in (code[:4], code[:2]):
        same = counties.get(prefix, {}).get(short, [])
        if len(same) == 1:
            return same[0]
    if code in table:
        return code
    city = adcodes.normalise(code[:4] + "00")
    return city if city in table else None


def _derive(renamed: dict[str, str]) -> dict[str, dict]:
    townships: dict[str, set[str]] = defaultdict(set)
    counties: dict[str, str] = {}
    county: str | None = None
    for line in _lines():
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip().split("\t")
        if depth == 2 and len(fields) >= 2:
            county = renamed.get(fields[0]) or table_code(fields[1], fields[0])
            if county is not None:
                counties[fields[0]] = county
        elif depth < 2:
            county = None
            if depth == 1 and len(fields) >= 2 and adcodes.is_adcode(fields[1]) and fields[1][4:] == "00":
                # a city without counties (东莞, 中山, 儋州): its townships lie in the city itself
                city = adcodes.normalise(fields[1])
                county = city if city in names() else None
        elif depth == 3 and county is not None and fields[0].endswith(KINDS):
            townships[fields[0]].add(county)
    bases = {base(name) for name in townships}
    return {
        "townships": {name: sorted(codes) for name, codes in townships.items()},
        "counties": counties,
        "places": sorted(bases & _place_words()),
    }


def _place_words() -> set[str]:
    """Words jieba's dictionary tags as place names (乌镇 ns, 长岭 ns; not 工业 n, 幸福 a, 新华 nz, 周庄 nr) and
    uses rarely: its frequent place words are nouns of geography that are townships' names too (长江, 东北, 下山,
    下海, 井口, 大河, 那大)."""
    words = set()
    with _jieba_dictionary().open(encoding="utf-8") as handle:
        for line in handle:
            word, frequency, tag = line.rstrip("\n").split(" ")[:3]
            if tag.startswith("ns") and int(frequency) < _FREQUENT:
                words.add(word)
    return words


def _jieba_dictionary() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _cache_file(renamed: dict[str, str]) -> Path:
    """Where the derived table is kept: named by what it is derived from (the gazetteer, the division table, jieba's
    dictionary, by size and time; the renamings), so that new package versions rebuild it."""
    from yuqing.divisions import cpca_table
    from yuqing.settings import load_settings

    sources = [_gazetteer(), cpca_table(), _jieba_dictionary()]
    stamps = [(path.name, path.stat().st_size, path.stat().st_mtime_ns) for path in sources if path.exists()]
    key = json.dumps([_FORMAT, stamps, sorted(renamed.items())])
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return load_settings().data_dir / "cache" / f"townships-{digest}.json"


@cache
def _read(renamed: tuple[tuple[str, str], ...]) -> tuple[dict[str, frozenset[str]], dict[str, str], frozenset[str]]:
    """The derived table, from the cache file when there is one (reading the gazetteer costs about a second)."""
    path = _cache_file(dict(renamed))
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        table = _derive(dict(renamed))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
            partial.replace(path)
        except OSError:
            pass  # a read-only data folder: derive again next time
    towns = {name: frozenset(codes) for name, codes in table["townships"].items()}
    return towns, table["counties"], frozenset(table["places"])


def townships(renamed: dict[str, str] | None = None) -> dict[str, frozenset[str]]:
    """Township full name (长岭街道, 乌镇镇) → the table codes of the counties that have a township of that name.
    `renamed`: county names the table lacks → the table's code, tried before matching by name."""
    return _read(tuple(sorted((renamed or {}).items())))[0]


def counties(renamed: dict[str, str] | None = None) -> dict[str, str]:
    """County full name in the gazetteer (2025 names: 水城区, 邵东市) → the table's code for that county (or for
    its city, when the table has no county of that name: development zones, merged districts)."""
    return _read(tuple(sorted((renamed or {}).items())))[1]


_KIND = re.compile(rf"(?:{'|'.join(KINDS)})$")


def base(name: str) -> str:
    """A township's name without its kind: 长岭街道 → 长岭, 乌镇镇 → 乌镇."""
    return _KIND.sub("", name)


def known(renamed: dict[str, str] | None = None) -> frozenset[str]:
    """Township names without their kind that jieba's dictionary knows as place names (乌镇, 西塘, 长岭): the ones
    people write alone; the others (化工, 广场, most of the 27,000) are words or would be read in ordinary words."""
    return _read(tuple(sorted((renamed or {}).items())))[2]
