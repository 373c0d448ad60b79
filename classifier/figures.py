"""The figures a post states (DOMAIN.md §2): casualties, direct loss, earthquake magnitude; `classifier.severity`
turns them into a level.

A figure is read only next to the words that say what it counts (3人死亡, 直接经济损失1.2亿元, 6.8级地震), so dates,
times, ages and house numbers are never taken for one. People counts, and how several statements of one count in a
post make one figure, are `classifier.casualties`; numerals (Arabic, full-width, Chinese, 三十余 → 30) are
`classifier.numerals`. Traditional characters are folded first, as far as the patterns need it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.casualties import MAY_COUNT, read_counts
from classifier.numerals import BIG, NUM, number

# Traditional → simplified for the characters the patterns of the figures and the configured wording use (every
# form OpenCC's s2t, s2hk and s2tw give them; a test holds the table to OpenCC), plus full-width digits; one char
# for one, so positions do not move. Cheaper than a full conversion on every post, and the caller may not have
# converted.
_TRADITIONAL = (
    "並來倆個們備傷價億兒兩凍別剛劃勢員問喪嗆嚴報場塊墜壓壞壯夥婦媽嬰孫學實專導屬師幣幾庫強後從徵悶應戀戶損搶撈敵數於"
    "時暫會東條榮構樓機歲殘殞毀氣決沒洩淺減濟災為無燒燙爲爺犧獲現產當療發眾礦範糧約級終絕統經維練總繫繼續羣聯職脫與萬"
    "處號虧衆衝裏裡規親計設說説調謠謹證議護變負財貨責資跡蹤軋較輕轉這週遊過達遺還邊醫錢長開闢隕隨險隱離難電響項順預題"
    "風餘駕駛體鮮麼點內傳歷據烏虛論純．０１２３４５６７８９"
)
_SIMPLIFIED = (
    "并来俩个们备伤价亿儿两冻别刚划势员问丧呛严报场块坠压坏壮伙妇妈婴孙学实专导属师币几库强后从征闷应恋户损抢捞敌数于"
    "时暂会东条荣构楼机岁残殒毁气决没泄浅减济灾为无烧烫为爷牺获现产当疗发众矿范粮约级终绝统经维练总系继续群联职脱与万"
    "处号亏众冲里里规亲计设说说调谣谨证议护变负财货责资迹踪轧较轻转这周游过达遗还边医钱长开辟陨随险隐离难电响项顺预题"
    "风余驾驶体鲜么点内传历据乌虚论纯.0123456789"
)
_FOLD = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
_FOLDABLE = re.compile(f"[{_TRADITIONAL}]")


def fold(text: str) -> str:
    """The post with the characters the patterns read folded to simplified, full-width digits to ASCII. Posts
    reach the classifier already simplified, so most have nothing to fold: looking first is several times cheaper
    than `str.translate`, which costs a dictionary lookup per character."""
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


# Direct loss: 直接经济损失约1.2亿元, 损失估计有六千万, 损失了三千多万, 损失大概人民币八百万, 损失逾1.2亿, 8万块钱; and
# goods destroyed (烧了1200多万的货). A sum needs a unit of money (元, 块, 万, 亿): 损失3人 is none.
_SUM = rf"(?P<n>{NUM})(?:余|多|来|几)?(?P<unit>[万亿])?(?:余|多)?(?P<yuan>元|块钱?|人民币)?"
_LOSS = re.compile(
    r"(?:直接)?(?:经济|财产)?损失了?"
    r"(?:估计|预计|估算|初步估算|初步统计|大概|大约|约|有|达|超过|超|近|逾|共计|合计|共|高达|为|人民币|已)*"
    + _SUM
    + r"|(?:烧|烧毁|烧掉|毁|冲走|冲毁|淹|泡)了?(?:价值)?(?:约|近|超过|大概)?"
    + _SUM.replace("(?P<", "(?P<g_")
    + r"的(?:货|货物|东西|物资|设备|财产|库存|商品|粮食)"
)
_MAY_LOSE = re.compile(r"损失|的(?:货|东西|物资|设备|财产|库存|商品|粮食)")  # every form holds one
_LOSS_AVOIDED = re.compile(r"避免|挽回|减少|减轻|差点|险些")  # 挽回损失3000万元, 差点损失一千块: no loss
_NO_LOSS = re.compile(r"(?:无|没有|未造成|没有造成|没造成|未发生)[^，。；]{0,10}?(?:财产|经济)损失")  # a stated zero
_LOSS_PART = re.compile(r"其中")  # 损失1.08亿元，其中基础设施损失6000万元: a part of the sum given before
_SENTENCE_END = re.compile(r"[。；！？;!?\n]")
# An earthquake's magnitude, in a post that names a quake (震): 6.8级地震, 4.5级余震, 六点八级地震, 震级为7.1级,
# 里氏6.1级, 芮氏规模6.4, M5.2; a bare decimal 6.0级 too (又震了 刚刚6.0级), but not a wind's 12级 nor 风力5.5级, nor
# a response level (四级地震应急响应).
_MAGNITUDE = re.compile(
    r"(?:里氏|芮氏|震级|规模)(?:规模)?(?:为|达|约)?\s*(?P<scale>\d+(?:\.\d+)?)"
    r"|(?<![A-Za-z])M[Ssw]?\s?(?P<m>\d(?:\.\d+)?)(?![\d.])"
    r"|(?P<quake>\d+(?:\.\d+)?|[一二三四五六七八九](?:点[零〇一二三四五六七八九])?)级(?:左右)?(?:的)?(?:强烈|强|浅源|有感)?"
    r"(?P<kind>地震|余震|主震|强震)(?!应急|响应|预案|预警)"
    r"|(?<![风浪力])(?P<bare>\d\.\d)级"
)
# A quake that is not this post's news: the main shock of an aftershock, an earlier one (2008年那次), the one after
# which this happened (7.0级地震后发生5.1级余震), the largest aftershock of a main shock's report (最大余震4.5级).
_BACKGROUND_BEFORE = re.compile(r"主震|那次|那场|去年|前年|当年|此前|之前|上次|上回|曾经?|最大")
_BACKGROUND_AFTER = re.compile(r"(?:的)?(?:之后|后|以来|的时候)")
# Figures that are not this post's: a claim it says is false (网传“井下10人遇难”说法不实, “致3人死亡”与事实不符), and
# a sentence after the first that recalls an earlier happening (此前该县曾发生5.7级地震，造成81人死亡).
_REFUTED_CLAIM = re.compile(
    r"[“\"「『][^”\"」』]{1,80}[”\"」』](?:的|等)?(?:说法|消息|信息|内容|传言|言论)?"
    r"(?:纯属|均为|系|是|为|属于|属)?(?:不实|谣言|虚假|假消息|与事实不符|不属实|没有依据|子虚乌有)"
)
_RECALLED = re.compile(r"曾发生|曾造成|曾致|年前|去年|前年|历史上|上一次|上次|那一次|那次")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]?")


@dataclass(frozen=True)
class Figures:
    """What a post states, None for what it does not state. The deaths criterion of the level counts the dead and
    the missing together (DOMAIN.md §2); `deaths` itself is the dead alone, as a label stores it."""

    deaths: int | None = None  # people stated dead, not the missing; combined as `classifier.casualties` says
    missing: int | None = None  # the missing (失联, 下落不明), not the trapped who are in contact
    injuries: int | None = None  # all people stated injured
    serious_injuries: int | None = None  # only those stated as serious (重伤/危重)
    # When no serious figure is stated, the most that can be serious: those said to be hurt worse (其中3人伤势较重:
    # the rest are lighter), else all the injured. It gives a level when every value up to it gives the same one.
    serious_at_most: int | None = None
    loss_cny: int | None = None  # direct economic loss in yuan
    magnitude: float | None = None  # earthquake magnitude


def read_figures(text: str) -> Figures:
    """Every figure the post states; None for what it does not state."""
    text = _without_other_happenings(fold(text))
    counts = read_counts(text) if MAY_COUNT.search(text) else {}
    injuries, serious = counts.get("injuries"), counts.get("serious")
    if injuries is None and (serious or "light" in counts):
        injuries = (serious or 0) + counts.get("light", 0)  # 3人轻伤、2人重伤 with no total: 5 injured
    at_most = None if serious is not None else counts.get("worse", injuries)
    return Figures(
        deaths=counts.get("deaths"),
        missing=counts.get("missing"),
        injuries=injuries,
        serious_injuries=serious,
        serious_at_most=at_most,
        loss_cny=_loss(text),
        magnitude=_magnitude(text),
    )


def _without_other_happenings(text: str) -> str:
    """The post with refuted claims and recalled earlier happenings blanked (same length, so positions stay). The
    first sentence is always the post's own news, whatever it recalls."""
    if any(mark in text for mark in '“"「『'):
        text = _REFUTED_CLAIM.sub(lambda match: " " * len(match.group()), text)
    if not _RECALLED.search(text):
        return text
    sentences = [match.group() for match in _SENTENCE.finditer(text)]
    kept = sentences[:1] + [" " * len(s) if _RECALLED.search(s) else s for s in sentences[1:]]
    return "".join(kept)


def _loss(text: str) -> int | None:
    """The direct loss in yuan: the latest sum stated (a later estimate replaces an earlier one), not a part of it
    given after 其中, not a loss avoided (挽回损失3000万元); a stated absence of loss is 0."""
    if not _MAY_LOSE.search(text):  # the pattern's optional start would otherwise be tried at every position
        return None
    found: list[tuple[int, int, int]] = []  # (start, end, yuan)
    for match in _LOSS.finditer(text):
        prefix = "g_" if match.group("g_n") else ""
        figure, unit = match.group(f"{prefix}n"), match.group(f"{prefix}unit") or ""
        in_money = match.group(f"{prefix}yuan") or unit or figure[-1] in BIG  # 损失3人 is no sum of money
        value = number(figure)
        if value is not None and in_money and not _LOSS_AVOIDED.search(text, max(0, match.start() - 4), match.start()):
            found.append((match.start(), match.end(), round(value * BIG.get(unit, 1))))
    found += [(match.start(), match.end(), 0) for match in _NO_LOSS.finditer(text)]
    loss = None
    previous_end = None
    for start, end, yuan in sorted(found):
        between = text[previous_end:start] if previous_end is not None else ""
        if between and _LOSS_PART.search(between) and not _SENTENCE_END.search(between):
            continue
        loss, previous_end = yuan, end
    return loss


def _magnitude(text: str) -> float | None:
    """The magnitude of the quake the post reports: the latest one it names that is not a background quake (an
    aftershock's main shock, an earlier quake), else the latest one it names."""
    if "震" not in text:  # a post about an earthquake names it
        return None
    found: list[tuple[float, bool]] = []  # (magnitude, background)
    for match in _MAGNITUDE.finditer(text):
        figure = match.group("scale") or match.group("m") or match.group("quake") or match.group("bare")
        magnitude = _magnitude_value(figure)
        clause_start = max(text.rfind(mark, 0, match.start()) for mark in "，。；！？,;!?\n")
        before = text[max(clause_start + 1, match.start() - 6) : match.start()]
        background = (
            match.group("kind") == "主震"
            or _BACKGROUND_BEFORE.search(before) is not None
            or _BACKGROUND_AFTER.match(text, match.end()) is not None
        )
        found.append((magnitude, background))
    news = [magnitude for magnitude, background in found if not background]
    return news[-1] if news else found[-1][0] if found else None


def _magnitude_value(figure: str) -> float:
    """6.8, or 六点八 (七 is 7.0): the digits after 点 are read one by one."""
    if figure[0].isdigit():
        return float(figure)
    whole, _, tenths = figure.partition("点")
    return float(f"{int(number(whole) or 0)}.{''.join(str(int(number(digit) or 0)) for digit in tenths) or 0}")
