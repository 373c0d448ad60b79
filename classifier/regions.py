"""The places a post names, as 6-digit division codes at the most specific level named.

Names come from the division table (`yuqing.divisions`), which is the cpca package's data of about 2017: later
renamings (水城区, 邵东市, 那曲市, 云州区, 盘州市 …) are missing, so `_RENAMED` below maps each new name (and
a few abbreviations: 锡盟, 前郭) to the code the table and the labelled corpus use for that division. Add
renamings there, and only when sure of the code.

Each division is known by its full name (莲都区, 甘孜藏族自治州) and the short forms people write (莲都, 甘孜州,
甘孜, 泸定, 大通县). Short forms that are also ordinary words (资源, 和平, 比如) and generic district names (城区,
东区, 市中区) are *weak*: they count only when a division above them is named too, or when the next characters
show a place is meant (延长一煤矿, 资源某乡, 比如镇). A name shared by several divisions (朝阳区, 鼓楼区) is
resolved by the other places in the post, else kept at the level all candidates share when that is below
national. Matching is leftmost-longest over every name found, with `_NOT_PLACES` (大理石, 责成县 …) among the
names so a place name hidden inside an ordinary word is consumed by that word. Names are found by their first
two characters (every name has at least two): a dict lookup per position, measured cheaper here than the
Aho-Corasick automaton used before (its root has a thousand children). Wire datelines (新华社北京…电), the place
a reporter heard it from (记者从长沙获悉), a distance (距大庆市80公里), a person called by role and name (队员张常宁)
and a name followed by 游客/网友 (台湾游客) say where a reporter or a person is from, not where the story is; a name
whose first character closes a number or a date (20万全在, 8日照常) straddles two words and is none.

Places below the county come from jionlp's gazetteer (`yuqing.townships`): a township's full name (碧湖镇, 灵隐街道)
and, when jieba knows it as a rare place word, its bare name (乌镇, 长岭) read as the county it lies in; other bare
names only with their county named. A name's readings are then the divisions it names and the counties of the
towns it names (`_Name`): alone it means a city or province before anything else, a county unless many towns share
its name (`_alone`), and the other places in the post choose among the readings (`_choose`). A short name
followed by a landmark, road or bay word (南湖广场, 中山街, 杭州湾大桥) is not that place when it would read as a
province or city or as nothing certain, and a far county by its short name beside a county named surely is dropped
(`_not_the_place`, `_far`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from yuqing import adcodes
from yuqing.divisions import names
from yuqing.townships import base, counties, known, townships


def _words(text: str) -> list[str]:
    return text.split()


# Names the table lacks → its code for that division: renamed or upgraded since about 2017, or abbreviated.
_RENAMED = {
    "水城区": "520221",  # 水城县, 2020
    "邵东市": "430521",  # 邵东县, 2019
    "那曲市": "542400",  # 那曲地区, 2017
    "云州区": "140227",  # 大同县, 2018
    "盘州市": "520222",  # 盘县, 2017
    "神木市": "610821",  # 神木县, 2017
    "库车市": "652923",  # 库车县, 2019
    "漠河市": "232723",  # 漠河县, 2018
    "滦州市": "130223",  # 滦县, 2018
    "彬州市": "610427",  # 彬县, 2018
    "宁乡市": "430124",  # 宁乡县, 2017
    "隆昌市": "511028",  # 隆昌县, 2017
    "湟中区": "630122",  # 湟中县, 2019
    "南和区": "130527",  # 南和县, 2020
    "会理市": "513425",  # 会理县, 2021
    "兴仁市": "522322",  # 兴仁县, 2018
    "监利市": "421023",  # 监利县, 2020
    "凤翔区": "610322",  # 凤翔县, 2021
    "淮阳区": "411626",  # 淮阳县, 2019
    "宜州区": "451281",  # 宜州市, 2016
    "叙州区": "511521",  # 宜宾县, 2018
    "杨凌区": "610403",  # the table's 杨陵区, as the district's own pages and the news write it
    "杨凌示范区": "610403",
    "锡盟": "152500",  # the usual abbreviation of 锡林郭勒盟
    "前郭县": "220721",  # 前郭尔罗斯蒙古族自治县
    "前郭": "220721",
}
_PEOPLES = (
    "保安|东乡|撒拉|回|藏|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|纳西|景颇|柯尔克孜|"
    "土|达斡尔|仫佬|羌|布朗|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|"
    "门巴|珞巴|基诺|蒙古|维吾尔|毛南"
)
_ETHNIC = re.compile(rf"^(.{{2,}}?)(?:(?:{_PEOPLES})族?)+自治(州|县|旗)$")
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "地区")
_SUFFIXES += ("新区", "省", "市", "盟", "县", "区", "旗")
# Table entries that are not names of one division.
_NOT_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "全国"}
# Full names every other city has (its old town, its suburbs), and 2-character county names that are words.
_WEAK_FULL = {"城区", "郊区", "矿区", "东区", "西区", "古城区", "老城区", "新城区", "城中区", "城东区", "城西区"}
_WEAK_FULL |= {"城南区", "城北区", "市中区", "和县", "成县", "古县", "户县", "高县", "沙县"}
# Short county forms that are ordinary words far more often than they mean that county.
_COMMON = set(
    _words(
        "城关 新华 和平 长安 永安 新城 解放 东方 红旗 友谊 向阳 前进 新兴 江南 江北 河东 河西 城中 城东 城西 "
        "城北 海港 太平 安宁 吉利 宁安 永和 新市 兴业 平安 大方 东山 西山 南山 清河 青山 通道 温泉 东至 上城 "
        "下城 合作 华安 和顺 永定 安国 新乐 福山 桥东 桥西 市中 会同 公安 同心 保康 长顺 定安 安定 大通 新化 "
        "安远 新建 城步 上高 南部 东乡 兴化 泰和 永新 和政 新和 平和 龙华 三门 大安 长乐 富民 安居 乐业 怀来 "
        "万安 太和 仁和 铁山 东港 金安 清城 万年 三元 东风 中方 丰满 二七 二道 互助 元宝 光泽 共和 凤凰 前锋 "
        "南岸 友好 双桥 台前 名山 复兴 大名 大观 威信 宏伟 宝塔 富裕 小店 工农 平定 延长 建华 建平 振兴 文峰 "
        "月湖 桃源 武功 比如 民权 永福 洞口 清新 清水 港口 白云 石门 芙蓉 莲花 资源 赤壁 运河 金台 长子 高台 "
        "高明 南关 方正 红星 东河 西湖 鼓楼 天河 龙泉 南开 新罗 城厢 南明 秀英 龙湖 金湾 古城 天山 道里 东坡 "
        "民和 海盐 天全 东海 路桥 牡丹 大城 定结 惠农 平房 白沙 老城 南海 双城 开原 惠民 满城 滨海 天桥 上街 "
        "政和 沿河 盐湖 林周 周村 江海 康乐 商都"
    )
)
# Ordinary words (and one newspaper) that contain a place name or straddle one: matched, then thrown away.
_NOT_PLACES = _words(
    "大理石 责成县 组成县 构成县 完成县 形成县 建成县 促成县 委会同 局会同 并会同 部门会同 香港01 几天水 "
    "两天水 每天水 今天水 明天水 昨天水 当天水 白天水 天天水 已开封 未开封 没开封 开封后 开封使用 中山装 "
    "中山大学 落户县 沙县小吃 北京时间 兰州拉面 桂林米粉 柳州螺蛳粉 沙市场 和田玉 扬州炒饭 长沙发 新华社 长白山 天门山 "
    "南天门 迁安置 际上海 从江西 从江苏 亚龙湾 龙门石窟 橘子洲 一视同仁 南海网 医保定 书包头 大城市 大丰收 "
    "知道真 明天全 关于洪 规定日 都安然 物资中 涟水河 已会同 即会同 部分乡镇 乡镇 城乡 "
    "蓉城 羊城 春城 泉城 冰城 鹏城 星城"  # cities' nicknames that are also townships' names
)
# Where a wire service or paper filed from, and which paper it was, is not where the story happened; nor is the
# place a reporter heard it from (记者从长沙获悉), unless it is an office there (记者从长沙市应急管理局获悉).
_AGENCIES = ("新华社", "中新社", "法新社", "路透社", "美联社", "共同社", "塔斯社", "韩联社")  # datelines without a date
_BYLINE = re.compile(
    r"(?:新华社|中新社|中新网|人民网|央视网|新华网|中国新闻网|[\u4e00-\u9fff]{2,4}(?:日报|晚报|社|网))?"
    r"[\u4e00-\u9fff]{2,4}\d{1,2}月\d{1,2}日(?:电|讯)|[\u4e00-\u9fff]{1,6}网讯"
    rf"|(?:{'|'.join(_AGENCIES)})[\u4e00-\u9fff]{{2,4}}电"
    r"|【[^】]{0,12}(?:社|报|网|电|讯|台)[^】]{0,6}】|\[[^\]]{0,12}(?:社|报|网|电|讯)\]"
    r"|(?<=记者)从[\u4e00-\u9fff]{2,5}(?:获悉|了解到)"
)
# Every byline has one; most posts have none (not 社 alone: 社会 and 社区 are in most posts).
_BYLINE_SIGNS = ("日电", "日讯", "网讯", *_AGENCIES, "记者从", "【", "[")
# Places named beside the story: a distance (震中距大庆市80公里 locates, it does not involve) and a person called by
# role and name (队员张常宁 is not 常宁市; not by titles such as 县长, which end place names: 望江县长江边).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_ASIDES = re.compile(
    r"距离?[\u4e00-\u9fff]{2,8}?(?:约|仅|不到|不足)?\d+(?:\.\d+)?(?:公里|千米|米|km)"
    r"|(?:队员|选手|球员|运动员|教练|记者|通讯员|市民|村民|居民|网友|民警|医生|老师)"
    rf"[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}(?=[在说表称是的，。、：:）)]|$)"
)
# A place name starting with the unit of a number or date just written (20万全在, 8日照常) straddles two words.
_UNITS = frozenset("十百千万亿年月日号时点分")
_NUMERALS = frozenset("0123456789０１２３４５６７８９一二三四五六七八九十两百千万几")

# What may follow a weak short form to show a place is meant; 一 only when no measure word or adverb follows it.
_NOT_AFTER_ONE = set("个家些直样起下点定般切天次种位条")
_MARKERS = (
    "镇",
    "乡",
    "街道",
    "一",
    "某",
    "这边",
    "那边",
    "当地",
    "本地",
    "警方",
    "公安局",
    "交警",
    "古镇",
    "古城",
    "景区",
)
_FEATURES = ("河", "公路", "水库", "街道")  # not 村, 路, 湖: 扶沟村里, 江汉路, 衡水湖 are in the county
# What follows a short name to make it a landmark's name (南湖广场, 上海大厦, 中山公园): see `_not_the_place`.
_LANDMARKS = ("广场", "公园", "大厦", "步行街", "小区", "大桥", "大楼", "花园", "新村", "大酒店", "饭店")
# … or a road or a bay (北京路, 中山街, 南京东路, 杭州湾).
_ROADS = ("路", "街", "大道", "大街", "巷", "湾", "东路", "西路", "南路", "北路", "中路")
# A township whose short form is a road, a station or a square (中山东路街道, 北站街道): only its full name is read.
_ROAD_ENDS = (*_LANDMARKS, "站", "路", "街", "大道", "巷", "门")


@dataclass(frozen=True)
class _Name:
    codes: frozenset[str]  # every reading: the divisions it names, the counties a township of that name lies in
    inside: frozenset[str]  # the readings that are a township's county (the name lies inside, it is not the county)
    weak: bool
    short: bool
    alone: str | None  # the reading when no other place helps (None: nothing below national is certain)
    certain: frozenset[str]  # the divisions this name certainly lies in, read alone
    reach: frozenset[str]  # the places that, named too, could choose one of its readings (see `_choose`)

    @classmethod
    def of(cls, divisions: set[str], towns: set[str], faint: set[str], weak: bool, short: bool) -> _Name:
        """`divisions` the name is; `towns` counties with a township of that name, `faint` those where the township
        name is an ordinary word or a bare X镇 (read only when its county is named). See `_alone`."""
        inside = (towns | faint) - divisions
        alone = _alone(divisions, towns - divisions, faint - divisions)
        codes = divisions | towns | faint
        if alone is None and (divisions or towns):
            shared = adcodes.lowest_common_ancestor(sorted(divisions | towns))
            certain = frozenset(adcodes.ancestors(shared)) - {adcodes.NATIONAL}
        else:
            certain = frozenset(adcodes.ancestors(alone)) if alone else frozenset()
        reach = {a for c in divisions for a in adcodes.ancestors(c)[1:]} | {
            a for c in inside for a in adcodes.ancestors(c)
        }
        weak = weak or not (divisions or towns)
        return cls(
            frozenset(codes), frozenset(inside), weak, short, alone, certain, frozenset(reach - {adcodes.NATIONAL})
        )


# Townships elsewhere that make a county's short name uncertain alone: 长岭 (12 towns besides 长岭县) is; 武安 (4)
# and 榆树 (6), which the corpus names alone for the county and never for one of those towns, are not.
_SEVERAL = 8


def _alone(divisions: set[str], towns: set[str], faint: set[str]) -> str | None:
    """What a name means with no other place to help. A city or province before any county or township (中山, 海南);
    a county before townships of its name, unless `_SEVERAL` or more other counties have one (长岭: 长岭县 in Jilin
    and twelve 长岭镇/乡/街道 elsewhere). Else what all readings share (for a township name, the ones `towns` read
    alone; `faint` need their county named), when that is below national."""
    readings = divisions | towns
    if divisions:
        reading = _division(frozenset(divisions))
        if reading is not None and adcodes.level(reading) != "county":
            return reading
        if reading is not None and len(towns | faint) < _SEVERAL:
            return reading
        readings |= faint
    if not readings:
        return None
    if len(readings) == 1:
        return next(iter(readings))
    shared = adcodes.lowest_common_ancestor(sorted(readings))
    return None if shared == adcodes.NATIONAL else shared


def _forms(name: str) -> list[str]:
    """The short forms people write for a division's full name (甘孜藏族自治州 → 甘孜州, 甘孜)."""
    forms = []
    ethnic = _ETHNIC.match(name)
    if ethnic:
        base, kind = ethnic.groups()
        forms += [base + kind, base]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.append(name[: -len(suffix)])
            break
    if name.endswith("自治州") and not ethnic:
        forms.append(name[:-3])
    return [f for f in dict.fromkeys(forms) if f != name and f not in _NOT_NAMES and f != "内蒙"]


class RegionMatcher:
    """Finds division codes in simplified-Chinese text; build once (`default`) and reuse."""

    def __init__(
        self,
        table: dict[str, str],
        renamed: dict[str, str] | None = None,
        townships: dict[str, frozenset[str]] | None = None,
        known: frozenset[str] = frozenset(),
        newer: dict[str, str] | None = None,
    ) -> None:
        codes: dict[str, set[str]] = defaultdict(set)
        short: dict[str, bool] = {}
        entries = [(code, name) for code, name in table.items() if code != adcodes.NATIONAL and name not in _NOT_NAMES]
        entries += [(code, name) for name, code in (renamed or {}).items()]
        for code, name in entries:
            codes[name].add(adcodes.normalise(code))
            short[name] = False
            for form in _forms(name):
                codes[form].add(adcodes.normalise(code))
                short.setdefault(form, True)
        self._words = set(codes)  # the division names and their short forms: jieba's vocabulary
        for name, code in (newer or {}).items():  # the gazetteer's county names the table lacks: full names only
            if name not in codes:
                codes[name].add(code)
                short[name] = False
        towns: dict[str, set[str]] = defaultdict(set)  # township name (full or short) → counties, read alone
        faint: dict[str, set[str]] = defaultdict(set)  # … read only when the county is named
        for name, lying_in in (townships or {}).items():
            bare = base(name)
            if len(bare) < 2:  # 乌镇 of 佳县 (read only with its county); 城镇, 古镇 (words, never read)
                if name in known:
                    faint[name] |= lying_in
                continue
            towns[name] |= lying_in
            short.setdefault(name, False)
            if bare.endswith(_ROAD_ENDS) or bare in _NOT_NAMES:  # 中山东路街道: the short form is a road
                continue
            (towns if bare in known and bare not in _COMMON else faint)[bare] |= lying_in
            short.setdefault(bare, True)
        for name in faint:
            short.setdefault(name, True)
        # Each name's readings, made into a `_Name` the first time a post names it (most of the 60,000 never are).
        self._readings = (codes, towns, faint, short)
        self._raw = ({*codes, *towns, *faint}) - frozenset(_NOT_PLACES)
        self._names: dict[str, _Name] = {}
        # Township names that are no division's name (天湖, 西湖景区, 高城乡): they give way (`_mentions`).
        self._yielding = frozenset(name for name in [*towns, *faint] if name not in codes and name in self._raw)
        by_start: dict[str, list[str]] = defaultdict(list)
        for word in dict.fromkeys([*self._raw, *_NOT_PLACES]):
            if len(word) < 2:
                raise ValueError(f"division name {word!r} is shorter than two characters")
            by_start[word[:2]].append(word)
        self._by_start = {start: tuple(sorted(words, key=len, reverse=True)) for start, words in by_start.items()}

    @classmethod
    @cache
    def default(cls) -> RegionMatcher:
        """The division table, its renamings (ours, then the gazetteer's newer county names) and the townships."""
        table = names()
        newer = {n: c for n, c in counties(_RENAMED).items() if adcodes.level(c) == "county"}
        return cls(table, _RENAMED, townships(_RENAMED), known(_RENAMED), newer)

    def vocabulary(self) -> list[str]:
        """Division names and their short forms (not townships: jieba's words, and so the model, stay as trained)."""
        return sorted(self._words)

    def _entry(self, word: str) -> _Name:
        entry = self._names.get(word)
        if entry is None:
            codes, towns, faint, short = self._readings
            divisions = codes.get(word, set())
            weak = word in _WEAK_FULL or (word in _COMMON and _counties(divisions))
            entry = self._names[word] = _Name.of(
                divisions, towns.get(word, set()), faint.get(word, set()), weak, short[word]
            )
        return entry

    def _mentions(self, text: str) -> list[tuple[int, str]]:
        """Leftmost-longest, non-overlapping (end, name) of places, without ordinary words and demonyms."""
        mentions, reach = [], 0
        for start in range(len(text) - 1):
            if start < reach:
                continue
            words = self._by_start.get(text[start : start + 2])
            if words is None:
                continue
            for word in words:  # longest first; a two-character one is the key itself, so it is there
                if len(word) == 2 or text.startswith(word, start):
                    break
            else:
                continue
            if word in self._yielding:  # a township name gives way to a division or word it overlaps
                if self._readings[3][word]:  # a bare one (西湖景区) also to a shorter one at its start (西湖)
                    word = next((w for w in words if w not in self._yielding and text.startswith(w, start)), word)
                if word in self._yielding and self._overlapped(text, start, start + len(word)):
                    continue
            reach = end = start + len(word)
            if _straddles_a_number(text, start) or word not in self._raw:
                continue
            if not _demonym(text, end) and not _not_the_place(text, end, self._entry(word)):
                mentions.append((end, word))
        return mentions

    def _overlapped(self, text: str, start: int, end: int) -> bool:
        """Whether a division name or an ordinary word of `_NOT_PLACES` starts inside text[start:end] (今天湖口 is
        湖口 after 今, not the township 天湖; 西湖景区 is 西湖's scenic area, not a township of Fuyang)."""
        for inner in range(start + 1, end):
            words = self._by_start.get(text[inner : inner + 2], ())
            if any(w not in self._yielding and text.startswith(w, inner) for w in words):
                return True
        return False

    def find(self, text: str) -> list[str]:
        """Codes in order of first mention, de-duplicated, only the most specific of nested ones."""
        codes = [code for code, _ in self.readings(text)]
        unique = list(dict.fromkeys(codes))
        return [c for c in unique if not any(adcodes.is_below(other, c) for other in unique)]

    def readings(self, text: str) -> list[tuple[str, str]]:
        """(code, the name read as it) for every place name kept, in order: what `find` is made of."""
        if any(sign in text for sign in _BYLINE_SIGNS):
            text = _BYLINE.sub(lambda m: " " * len(m.group()), text)
        text = _ASIDES.sub(lambda m: " " * len(m.group()), text)
        mentions = self._mentions(text)
        evidence = {word: self._entry(word).certain for _, word in mentions if not self._entry(word).weak}
        contexts: dict[str, frozenset[str]] = {}  # name → the places the *other* names certainly lie in
        everything = frozenset().union(*evidence.values()) - {adcodes.NATIONAL}  # a weak name's context
        found: list[tuple[str, bool, _Name, str]] = []  # code, whether other places chose it, the name, its text
        for end, word in mentions:
            entry = self._entry(word)
            if word not in evidence:
                context = everything
            elif word in contexts:
                context = contexts[word]
            else:
                others = (v for k, v in evidence.items() if k != word)
                context = contexts[word] = frozenset().union(*others) - {adcodes.NATIONAL}
            chosen = _choose(entry, context)
            code = chosen or entry.alone
            if code is None:
                continue
            if entry.weak and not (_vouched(code, entry, context) or _marked(text, end, entry)):
                continue
            found.append((code, chosen is not None, entry, word))
        return [(code, word) for code, chosen, entry, word in found if chosen or not _far(code, entry, found)]


def _choose(entry: _Name, context: frozenset[str]) -> str | None:
    """The reading the other places point to, else None. A township's county wins when the place it is supported by
    is more specific than the one supporting a division of that name (云溪 … 长岭: 长岭街道 of 云溪区, not 长岭县)."""
    if context.isdisjoint(entry.reach):  # most names in most posts: nothing else named near any reading
        return None
    named = [c for c in entry.codes - entry.inside if c in context]
    if len(named) == 1 and entry.inside:  # 虎丘区 … 虎丘: the district named, not 虎丘街道 of the next district
        return named[0]
    division, depth = _resolve(entry.codes - entry.inside, context)
    town, town_depth = _resolve(entry.inside | (entry.codes & entry.inside), context, counted=True)
    if town is None or town_depth <= depth or town_depth < 2:  # a province alone does not make it a township
        return division
    if town_depth < 3 and entry.alone is not None and adcodes.level(entry.alone) != "county":
        return division  # 舟山, 吉林, 林芝 are the city unless the township's own county is named
    return town


def _resolve(candidates: frozenset[str], context: frozenset[str], counted: bool = False) -> tuple[str | None, int]:
    """The candidate below the most specific place named above it (阳泉 beats 山西 for 城区), and that place's depth;
    `counted`: the candidates are townships' counties, so a county named counts itself."""
    if not candidates:
        return None, 0
    shared = adcodes.lowest_common_ancestor(sorted(candidates))
    above = set() if counted or len(candidates) == 1 else set(adcodes.ancestors(shared))
    support = {
        c: max(
            (adcodes.depth(a) for a in (set(adcodes.ancestors(c)[0 if counted else 1 :]) - above) & context),
            default=0,
        )
        for c in candidates
    }
    best = max(support.values())
    fitting = [c for c in candidates if support[c] == best]
    return (fitting[0], best) if best and len(fitting) == 1 else (None, 0)


def _division(candidates: frozenset[str]) -> str | None:
    """A division name alone: a city or province before any county of that short name (中山, 海南), else what all
    candidates share when that is below national."""
    if len(candidates) == 1:
        return next(iter(candidates))
    shared = adcodes.lowest_common_ancestor(sorted(candidates))
    depths = sorted(adcodes.depth(c) for c in candidates)
    if depths[0] < depths[1]:
        return min(candidates, key=adcodes.depth)
    return None if shared == adcodes.NATIONAL else shared


def _vouched(code: str, entry: _Name, context: frozenset[str]) -> bool:
    """A weak name counts when the place above it is named: a county's city, a township's county."""
    return code in context if code in entry.inside else adcodes.parent(code) in context


def _far(code: str, entry: _Name, found: list[tuple[str, bool, _Name, str]]) -> bool:
    """A county named by its short form alone, in another province than a county the post names surely (by its full
    name, or chosen by the other places), is doubtful: 南湖 beside 岳阳楼区 is more likely a street or a square there
    than Jiaxing's district. It is dropped, unless something else in the post lies in its province."""
    if not entry.short or adcodes.level(code) != "county":
        return False
    province = adcodes.province_of(code)
    beside = [c for c, chosen, other, _ in found if other is not entry and (chosen or not other.short)]
    return any(adcodes.level(c) == "county" and adcodes.province_of(c) != province for c in beside) and not any(
        other is not entry and adcodes.province_of(c) == province for c, _, other, _ in found
    )


def _counties(codes: set[str]) -> bool:
    """A common word weakens a form only when no city or province is called by it (白银, 朝阳市 stay strong)."""
    return all(adcodes.level(code) == "county" for code in codes)


def _marked(text: str, end: int, entry: _Name) -> bool:
    """延长一煤矿, 资源某乡: what follows shows a place is meant (but not 古城一家, 和平一直)."""
    if not entry.short or not text.startswith(_MARKERS, end):
        return False
    return not (text.startswith("一", end) and text[end + 1 : end + 2] in _NOT_AFTER_ONE)


def _not_the_place(text: str, end: int, entry: _Name) -> bool:
    """秦淮河, 临江公路, 东海街道: not the county. 南湖广场, 上海大厦, 中山公园 (a landmark), 北京路, 中山街, 杭州湾
    (a road, a bay): named after a province or city, or after a name no one place is certain for, they can be
    anywhere; named after a county they are mostly in it (江汉路, 天河公园), so that reading stays."""
    if not entry.short:
        return False
    if text.startswith(_FEATURES, end):
        return True
    if not text.startswith(_LANDMARKS, end) and not (text.startswith(_ROADS, end) and not text.startswith("街道", end)):
        return False
    return entry.alone is None or entry.alone in entry.inside or adcodes.level(entry.alone) in ("province", "city")


def _straddles_a_number(text: str, start: int) -> bool:
    """20万全在里面 is not 万全区, 12月8日照常上课 not 日照市: the name's first character closes a number or a date."""
    return text[start] in _UNITS and start > 0 and text[start - 1] in _NUMERALS


def _demonym(text: str, end: int) -> bool:
    """台湾游客, 北京网友: where a person is from, not where the story is."""
    return text.startswith(("游客", "旅客", "同胞", "妈妈", "老乡", "网友"), end)
