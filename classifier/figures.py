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

# Traditional → simplified for the characters the patterns below use, plus full-width digits; one char for one, so
# positions do not move. Cheaper than a full conversion on every post, and the caller may not have converted.
_TRADITIONAL = (
    "傷難喪蹤聯級無沒報導數達餘萬億兩號歲時點經濟損員幾來殞災別較過發現體遺約條個計暫輕燒負醫療維勢險決問項會議專壞搶獲轉隱預"
    "洩礦職處於離當財產減嚴謹絕屬構並邊週學師眾遊們羣還繫從０１２３４５６７８９．"
)
_SIMPLIFIED = (
    "伤难丧踪联级无没报导数达余万亿两号岁时点经济损员几来殒灾别较过发现体遗约条个计暂轻烧负医疗维势险决问项会议专坏抢获转隐预"
    "泄矿职处于离当财产减严谨绝属构并边周学师众游们群还系从0123456789."
)
_FOLD = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
_FOLDABLE = re.compile(f"[{_TRADITIONAL}]")


def fold(text: str) -> str:
    """The post with the characters the patterns read folded to simplified, full-width digits to ASCII. Posts
    reach the classifier already simplified, so most have nothing to fold: looking first is several times cheaper
    than `str.translate`, which costs a dictionary lookup per character."""
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


_LOSS = re.compile(
    rf"(?:直接)?(?:经济|财产)?损失(?:估计|预计|估算|初步估算|初步统计)?(?:约|达|超过|超|近|逾|共计|合计|高达)?"
    rf"(?P<n>{NUM})(?:余|多|来|几)?(?P<unit>[万亿])?(?:余|多)?(?P<yuan>元)?"
)
_LOSS_AVOIDED = re.compile(r"避免|挽回|减少|减轻")
_MAGNITUDE = re.compile(
    r"(?P<m>\d+(?:\.\d+)?)级(?:左右)?(?:的)?(?:强烈|强|浅源|有感)?地震"
    r"|震级(?:为|达)?(?P<n>\d+(?:\.\d+)?)级"
    r"|震[^。；\n]{0,10}?(?P<k>\d+\.\d)级"  # 又震了 刚刚6.0级: a decimal magnitude just after 震
)



@dataclass(frozen=True)
class Figures:
    deaths: int | None = None  # people stated dead, not the missing; the latest figure in the post wins
    missing: int | None = None
    injuries: int | None = None  # all people stated injured
    serious_injuries: int | None = None  # only those stated as serious (重伤/危重)
    loss_cny: int | None = None  # direct economic loss in yuan
    magnitude: float | None = None  # earthquake magnitude


def read_figures(text: str) -> Figures:
    """Every figure the post states; None for what it does not state."""
    text = fold(text)
    counts = read_counts(text) if MAY_COUNT.search(text) else {}
    injuries, serious = counts.get("injuries"), counts.get("serious")
    if injuries is None and (serious or "light" in counts):
        injuries = (serious or 0) + counts.get("light", 0)  # 3人轻伤、2人重伤 with no total: 5 injured
    return Figures(
        deaths=counts.get("deaths"),
        missing=counts.get("missing"),
        injuries=injuries,
        serious_injuries=serious,
        loss_cny=_loss(text),
        magnitude=_magnitude(text),
    )


def _loss(text: str) -> int | None:
    loss = None
    if "损失" not in text:  # the pattern's optional start would otherwise be tried at every position
        return None
    for match in _LOSS.finditer(text):
        figure, unit = match.group("n"), match.group("unit") or ""
        in_money = match.group("yuan") or unit or figure[-1] in BIG  # 损失3人 is no sum of money
        value = number(figure)
        if value is not None and in_money and not _LOSS_AVOIDED.search(text, max(0, match.start() - 4), match.start()):
            loss = round(value * BIG.get(unit, 1))
    return loss


def _magnitude(text: str) -> float | None:
    magnitude = None
    if "震" not in text:  # every form names the quake
        return None
    for match in _MAGNITUDE.finditer(text):
        magnitude = float(match.group("m") or match.group("n") or match.group("k"))
    return magnitude
