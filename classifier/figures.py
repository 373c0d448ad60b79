"""Casualties, loss and magnitude read from a post (DOMAIN.md §2); `classifier.severity` turns them into a level.

A figure is read only next to the words that say what it counts (3人死亡, 死亡人数升至十二人, 2死5伤, 重伤12人,
直接经济损失1.2亿元, 6.8级地震), so dates, times, ages, house numbers and the rescued or evacuated are never taken for
casualties. Conventions, so that a reader can check a result by hand:

- Arabic, full-width and Chinese numerals (两, 〇/零, 廿, 卅, 万, 亿) are read; traditional characters are folded first.
- Approximations give their lower bound: 三十余人 → 30, 十几人 → 10; 数十/几十人 → 20, the least that "several tens"
  can mean, so that a mass-casualty post still reaches the level it must at least have. 多人/数人 give no figure.
- A later figure for the same measure replaces an earlier one (升至), wherever it stands in the post.
- 无人员伤亡/未造成人员伤亡 is 0 dead and 0 injured, a figure like any other: after a refuted 三人死亡 it is the
  answer. 其余人员无伤亡 says nothing of the whole incident, and 暂无人员伤亡报告 (nothing reported yet) is no figure.
- The trapped (被困) are not the missing; 伤势较重 is not 重伤; the poisoned and those merely sent to hospital are not
  injured, but people "still in hospital for treatment" after an incident are.
- A headline's 一 counts without 名 (一工人离世); a death stated of one unnumbered person (王大爷没救过来,
  男子坠楼身亡) is 1 when the post has no other death figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.numerals import BIG, NUM, number

# Traditional → simplified for the characters the patterns below use, plus full-width digits; one char for one, so
# positions do not move. Cheaper than a full conversion on every post, and the caller may not have converted.
_TRADITIONAL = (
    "傷難喪蹤聯級無沒報導數達餘萬億兩號歲時點經濟損員幾來殞災別較過發現體遺約條個計暫輕燒負醫療維勢險決問項會議專壞搶獲轉隱預"
    "洩礦職處於離當財產減嚴謹絕屬構並邊週學師眾遊們羣０１２３４５６７８９．"
)
_SIMPLIFIED = (
    "伤难丧踪联级无没报导数达余万亿两号岁时点经济损员几来殒灾别较过发现体遗约条个计暂轻烧负医疗维势险决问项会议专坏抢获转隐预"
    "泄矿职处于离当财产减严谨绝属构并边周学师众游们群0123456789."
)
_FOLD = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
_FOLDABLE = re.compile(f"[{_TRADITIONAL}]")


def fold(text: str) -> str:
    """The post with the characters the patterns read folded to simplified, full-width digits to ASCII. Posts
    reach the classifier already simplified, so most have nothing to fold: looking first is several times cheaper
    than `str.translate`, which costs a dictionary lookup per character."""
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


_ABOUT = r"(?:余|多|来|几)?"  # 三十余人 → 30: the lower bound
_END = r"(?=[，。；、！？：）)\s,.;!?:]|$)"  # a bare number must end its clause (死亡3天后 is not a count)
_GE = r"个(?!月|小时|多月|星期)"  # 3个人, not 3个月
_WHO = rf"(?:人|名|位|{_GE})"
CLAUSE_BREAK = "，。；、！？：,;!?:\n"

_DEATH = (
    r"(?:死亡|遇难|罹难|身亡|丧生|殒命|丧命|不治|去世|离世|牺牲|殉职|遇害|溺亡"
    r"|没能?(?:抢)?救(?:过来|上来|回来)|没能?(?:跑|逃)出来|[死没]了(?!\w)|冇(?:咗|救返|救番))"
)
_MISSING = r"(?:失踪|失联|下落不明|失去联系)"
_KILLED = r"(?:[淹烧砸撞炸压闷电摔冻毒砍捅踩轧呛]|)"  # 死了三个人, 淹死一个人, 砸死了2名工人
_INJURY = r"(?:受伤|负伤|[烧擦砸摔刺砍割烫咬灼冻炸撞压划扎打踩碾震]伤)"
_LIGHT = r"受?轻伤"
_SERIOUS = r"(?:受?重伤|危重|病危|生命垂危)"
# What may stand between a count and its verb: 2人经抢救无效死亡, 6名被困矿工全部遇难, 一名3岁男童死亡.
_ADVERBS = (
    r"(?:全部|全|均|都|已|已经|先后|相继|不幸|当场|仍|处于|被"
    r"|(?:救出|送医)后|经(?:医院)?(?:全力)?抢救无效|抢救无效|因伤势过重|不同程度(?:地)?)*"
)
_NOUN = (
    r"(?:(?:\d+|[一二两三四五六七八九十]+)(?:岁|旬)"
    r"|(?!致|造成|导致|救|获|转移|疏散|送|其中|中)[^\s\d零〇一二两三四五六七八九十百千万，。；、！？：（）(),;!?:])"
)
_PERSON = r"[人子童孩娃婴者客生员警民妇手师兵翁爷奶叔姨哥姐弟妹]"  # 一男子, 一工人, 一游客: a person, not 一工厂
# 死亡人数升至12人, 遇难者达30人; in 死亡人数已由最初通报的18人升至31人 the figure it rose from is passed over.
_RISE = (
    rf"(?:人数)?(?:已|已经)?(?:由[^，。；]{{0,8}}?{NUM}{_WHO}?)?"
    r"(?:上升|攀升|增加|增|升|上调|累计|共|合计)?(?:至|到|达|为)?(?:约|超过|超|逾)?"
)


def _counted(verb: str) -> list[str]:
    """The word orders of a count of people: 3人死亡, 3名工人全部遇难, 一工人离世 (a headline's 一 needs no 名, but
    一转身人就没了 is someone gone, not dead), and 死亡人数升至3人 / 死亡3人."""
    return [
        rf"(?P<n>{NUM}){_ABOUT}(?:{_WHO}{_ADVERBS}|(?:名|位|{_GE}){_NOUN}{{1,8}}?{_ADVERBS}){verb}",
        rf"(?P<n>一){_NOUN}{{0,6}}?{_PERSON}[^\s\d{CLAUSE_BREAK}]{{0,4}}?{_ADVERBS}(?!没了){verb}",
        rf"{verb}(?:者|的)?{_RISE}(?P<n>{NUM}){_ABOUT}(?:{_WHO}|{_END})",
    ]


# Each way of stating a figure, with the count in group `n`, under the measure it counts.
_FORMS: list[tuple[str, str]] = [
    *[("deaths", form) for form in _counted(_DEATH)],
    ("deaths", rf"(?P<n>{NUM}){_ABOUT}(?:(?:名|位|具){_NOUN}{{0,4}}?)?(?:遇难者|罹难者|死者|遗体)"),
    ("deaths", rf"(?P<n>{NUM}){_ABOUT}条人命"),
    ("deaths", rf"{_KILLED}死了?(?P<n>{NUM}){_ABOUT}{_WHO}"),
    ("deaths", rf"一家(?P<n>{NUM})口[^。；！？\d零〇一二两三四五六七八九十]{{0,16}}?{_DEATH}"),
    *[("missing", form) for form in _counted(_MISSING)],
    *[("serious", form) for form in _counted(_SERIOUS)],
    *[("light", form) for form in _counted(_LIGHT)],
    *[("injuries", form) for form in _counted(_INJURY)],
    ("injuries", rf"(?:伤者|伤员){_RISE}(?P<n>{NUM}){_ABOUT}(?:{_WHO}|{_END})"),
    ("injuries", rf"伤了(?P<n>{NUM}){_ABOUT}{_WHO}"),
    ("injuries", rf"(?P<n>{NUM}){_ABOUT}{_WHO}(?:仍|正)?(?:在医院|住院)(?:接受)?(?:治疗|救治)"),
]
# Every form begins with a numeral or a casualty word: checking that first skips most positions of a post at once.
_STARTS = (
    r"(?=[\d零〇一二两三四五六七八九十廿卅百千万亿数几"  # numerals
    r"死遇罹身丧殒不去离牺殉溺没失下重受危病生轻负烧擦砸摔刺砍割烫咬灼冻伤淹撞炸压闷电毒捅踩轧呛])"  # casualty words
)
# One pass over the post: the forms as alternatives, each count group named `<measure>_<form number>`; 2死5伤 and
# 5死7失联 (two measures in one form) come first so that their 死 is not read alone.
_FIGURE = re.compile(
    _STARTS
    + "(?:"
    + "|".join(
        [
            rf"(?P<deaths_c>{NUM}){_WHO}?死(?!亡|者|伤)"
            rf"(?:[、，]?(?P<injuries_c>{NUM}){_WHO}?伤(?!势|情|者|员|亡|心|残|害)"
            rf"|[、，]?(?P<missing_c>{NUM}){_WHO}?{_MISSING}|{_END})",
            *(body.replace("(?P<n>", f"(?P<{measure}_{i}>") for i, (measure, body) in enumerate(_FORMS)),
        ]
    )
    + ")"
)
# 无人员伤亡 (0 dead, 0 injured), 无人死亡, 无人受伤; not 暂无人员伤亡报告 (nothing reported yet is no figure).
_NONE_HURT = re.compile(
    r"(?P<none>(?:无|没有|没有造成|没造成|未造成|未发生|未有|未致|未出现)(?:任何)?(?:人员|游客|群众|师生|学生|村民|居民|乘客|旅客)?"
    r"(?:伤亡|死伤))(?![^，。；]{0,10}报告)"
    r"|(?P<no_deaths>(?:无|没有|未出现|未造成)(?:人员?|重症[及和])?(?:死亡|遇难))"
    r"|(?P<no_injuries>(?:无|没有)人员?受伤)"
)
# Every form of _FIGURE, _NONE_HURT and _ONE_DEATH contains one of these words: a post with none of them (most
# posts that are not incidents) states no casualty and skips those patterns. Extend it with every new verb.
_MAY_COUNT = re.compile(
    r"[死亡冇遗伤危]|遇难|罹难|丧生|殒命|丧命|人命|不治|治疗|救治|去世|离世|牺牲|殉职|遇害|没[能抢救跑逃了]|救过来"
    r"|失踪|失联|下落不明|失去联系|住院|在医院"
)
_ZEROED = {"none": ("deaths", "injuries"), "no_deaths": ("deaths",), "no_injuries": ("injuries",)}
_OTHERS = re.compile(r"其余|其他|其它|另|周边|此外")  # 其余人员无伤亡 says nothing of the whole incident
# One unnumbered person stated dead; the clause before the verb must name no number and no group.
_ONE_DEATH = re.compile(
    rf"(?:^|[{CLAUSE_BREAK}\s])(?P<who>[^{CLAUSE_BREAK}\s\d零〇一二两三四五六七八九十百千万几数多们等些群家]{{1,10}}?)"
    r"(?:(?:经(?:全力)?抢救无效|抢救无效|当场|不幸)(?:死亡|遇难|去世|离世)|没能?(?:抢)?救过来|未能(?:抢)?救过来|不治身亡|身亡"
    r"|牺牲|遇害|溺亡|(?<=人)(?:就|也|当场)?没了(?!\w))"
)
_LOSS = re.compile(
    rf"(?:直接)?(?:经济|财产)?损失(?:估计|预计|估算|初步估算|初步统计)?(?:约|达|超过|超|近|逾|共计|合计|高达)?"
    rf"(?P<n>{NUM}){_ABOUT}(?P<unit>[万亿])?(?:余|多)?(?P<yuan>元)?"
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


def _counts(text: str) -> dict[str, int]:
    """The latest count of each measure: a later figure, a stated zero included, replaces an earlier one."""
    found: dict[str, tuple[int, int]] = {}
    for match in _FIGURE.finditer(text):  # left to right, so a later match overwrites an earlier one
        for name, value in match.groupdict().items():
            if value is not None and (count := number(value)) is not None:
                found[name.rsplit("_", 1)[0]] = (match.start(name), int(count))
    for match in _NONE_HURT.finditer(text):
        clause = re.split(f"[{CLAUSE_BREAK}]", text[max(0, match.start() - 8) : match.start()])[-1]
        if _OTHERS.search(clause) or clause.endswith("有"):  # 有没有人受伤？ is a question
            continue
        for measure in _ZEROED[match.lastgroup or ""]:
            if measure not in found or found[measure][0] < match.start():
                found[measure] = (match.start(), 0)
    return {measure: count for measure, (_, count) in found.items()}


def _one_unnumbered_death(text: str) -> bool:
    """王大爷没救过来: one person, named or described, stated dead; 人员身亡 names a group of unknown size."""
    return any("人员" not in match.group("who") for match in _ONE_DEATH.finditer(text))


def read_figures(text: str) -> Figures:
    """Every figure the post states; None for what it does not state."""
    text = fold(text)
    casualties = _MAY_COUNT.search(text) is not None
    counts = _counts(text) if casualties else {}
    deaths, injuries, serious = counts.get("deaths"), counts.get("injuries"), counts.get("serious")
    if injuries is None and (serious is not None or "light" in counts):
        injuries = (serious or 0) + counts.get("light", 0)  # 3人轻伤、2人重伤 with no total: 5 injured
    if deaths is None and casualties and _one_unnumbered_death(text):
        deaths = 1
    return Figures(
        deaths=deaths,
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
