"""People counts read from a post: the dead, the missing, the injured (DOMAIN.md §2), and how a post's several
statements of one count make one figure.

A count is read only next to the words that say what it counts (3人死亡, 死亡人数升至十二人, 2死5伤, 重伤12人), so
dates, times, ages, house numbers and the rescued or evacuated are never taken for casualties. Each statement found
is one of four kinds, because posts state a figure in four ways and each combines differently with the others:

- a *count* (3人死亡, 8名矿工遇难, 死亡3人): counts side by side in one sentence are parts of the incident and add up
  (4人现场死亡、1人在抢救过程中死亡 is 5; 甲村2人遇难，乙村3人遇难 is 5), except the breakdown of a figure already
  given (12人死亡，其中9人当场死亡、3人经抢救无效死亡 is 12);
- a *total* (死亡人数升至12人, 遇难者达30人, 3名遇难者, 更新成10人): the toll as it stands, replacing what came before;
- a *zero* (无人员伤亡, 暂无人员伤亡报告, 没伤到人, 人都没事, 无人死亡): an explicit statement of no casualties is a
  figure like any other and replaces what came before (after a refuted 三人死亡 it is the answer); a zero of both
  dead and injured that a later figure contradicts says nothing of the other count any more; 无人受伤 and 全部获救
  say nobody died only in a post that reports the injured and says nothing else of the dead (全部安全升井 alone
  tells of a rescue, not of a toll);
- *one* unnumbered person (王大爷没救过来, 男子坠楼身亡): 1 when the post has no other figure for the count, or when it
  is added (还/也/另).

A later sentence replaces what an earlier one said (the latest figure wins: 起初3人死亡。截至发稿，死亡人数升至9人),
unless it adds to it (还有、也、又、另: 下游还捞上来一个小伙子，也没能救回来); a clause that opens with news of a
later moment (现在、目前、最新、截至、随后) starts afresh within a sentence too. Whitespace ends a sentence: posts and
headlines run their clauses together with spaces.

Conventions, so that a reader can check a result by hand: approximations give their lower bound (三十余人 → 30,
十几人 → 10, 数十人 → 20; 多人/数人 give no figure); the trapped (被困) are not the missing; 伤势较重 is not 重伤; the
poisoned and those merely sent to hospital are not injured, but people "still in hospital for treatment" are; a
headline's 一 counts without 名 (一工人离世); 其余人员无伤亡 says nothing of the whole incident.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from classifier.numerals import NUM, NUMERAL_CHARS, number

CLAUSE_BREAK = "，。；、！？：,;!?:\n"
_MAJOR_BREAK = re.compile(r"[，。；！？：,;!?:\n ]")  # a clause without the items of a list (、)
_SENTENCE_END = re.compile(r"[。；！？;!?\n【】]+|\s+|…+")  # a 【headline】 is a statement of its own
_CLAUSE_START = re.compile(rf"[{CLAUSE_BREAK}]|\s+|…+")
# A clause opening with news of a later moment starts afresh: 之前说3人遇难，现在5人遇难 is 5, not 8.
# Looked for in a clause's first characters (_OPENING), the words' first characters checked first.
_LATER = re.compile(
    r"(?=[现目最截续更后随此如通回核证辟])"
    r"(?:现在|目前|最新|截至|截止|续报|更新|后来|随后|此后|如今|最终|通报|回应|核实|证实|辟谣|更正|核减)"
)
# A clause opening with a time as of which the toll stands: what follows in later sentences is of it, not more.
_AS_OF = re.compile(r"截至|截止|累计")
_OPENING = 8  # how far into a clause its opening words are looked for
# A figure reported earlier and since overtaken: 较早先公布的2人死亡, 当局早上公布1人死亡, 之前说3人遇难.
_EARLIER = re.compile(
    r"较早|早先|先前|此前|之前|最初|起初|原先|一开始|前次|上次|刚才|(?:早上|清晨|昨天|昨日)还?(?:公布|通报|说)"
)
# A count given as the toll reached: 累计造成3人死亡, 中午增至3人死亡, 共造成6人死亡.
_TOLL_BEFORE = re.compile(
    r"(?:累计|共计|总共|合计|一共|共|增至|升至|增加到|增加至|上升至|上升到|升到|达到)(?:造成|致|导致|有)?$"
)
# 还有3人, 另一人送院后不治, 1名村民也不幸遇难, 又走了一个: one more, not a new toll; not 一次又一次, 还是, 也是.
_ADDS = re.compile(r"还有|另有|另外|另|又有|又(?!一次|是)|还(?!是|在|不)|也(?!是)|再有")
_PART = re.compile(r"其中|当中|包括")  # 12人死亡，其中9人当场死亡: the breakdown of a figure already given

_ABOUT = r"(?:余|多|来|几)?"  # 三十余人 → 30: the lower bound
_END = r"(?=[，。；、！？：）)\s,.;!?:]|$)"  # a bare number must end its clause (死亡3天后 is not a count)
_GE = r"个(?!月|小时|多月|星期)"  # 3个人, not 3个月
_WHO = rf"(?:人|名|位|{_GE})"

_DEATH = (
    r"(?:死亡|遇难|罹难|身亡|丧生|殒命|丧命|不治|去世|离世|牺牲|殉职|遇害|溺亡"
    r"|没能?(?:抢)?救(?:过来|上来|回来|活)|没能?(?:跑|逃)出来|[死没]了的?(?!\w)|冇(?:咗|救返|救番)"
    r"|(?:无|没有|没了)生命(?:体征|迹象)|没气了)"
)
# The missing: 失联, 下落不明, and as people say it, 联系不上, 还有7个人没找到 (not 没找到工作, not 没找到原因).
_MISSING = (
    r"(?:失踪|失联|下落不明|失去联系|联系不上|联系不到|无法取得联系"
    r"|(?:没有?|未|尚未)找到(?=[，。；！？\s的了呢啊…,.;!?]|$))(?!证明)"  # 父母失联证明 is a paper
)
_KILLED = r"(?:[淹烧砸撞炸压闷电摔冻毒砍捅踩轧呛]死了?|死了)"  # 死了三个人, 淹死一个人, 砸死了2名工人; not 3死14人送院
_INJURY = r"(?:受伤|负伤|[烧擦砸摔刺砍割烫咬灼冻炸撞压划扎打踩碾震]伤)"
_LIGHT = r"受?轻伤"
_SERIOUS = r"(?:受?重伤|危重|病危|生命垂危)"
_WORSE = r"(?:伤势|伤情)(?:较重|严重|较为严重)"  # not 重伤, but the rest are lighter: at most these are serious
# What may stand between a count and its verb: 2人经抢救无效死亡, 6名被困矿工全部遇难, 一名3岁男童死亡.
_ADVERBS = (
    # the first characters of the words below: a position that starts none of them is passed at once
    r"(?:(?=[全均都已先相不英壮光当现仍处被还一到至目就也又是证救送经抢因在搜找打捞])"
    r"(?:全部|全|均|都|已|已经|先后|相继|不幸|英勇|壮烈|光荣|当场|现场|仍|仍然|处于|被|还|一直|到现在|至今|目前|就|也|又"
    r"|是|(?:被)?证实|(?:救出|送医|送院)后|送(?:医|院)途中|经(?:医院)?(?:全力)?抢救无效|抢救无效|因伤势过重"
    r"|经?(?:搜救|救援)?(?:被)?(?:找到|救上来|救出来|打捞上岸|打捞上来|捞上来|送到医院)(?:的时候|时|后)"
    rf"|不同程度(?:地)?|在[^\s\d{NUMERAL_CHARS}，。；、！？：,;!?:]{{1,12}}?(?:中|时|途中)))*"
)
_NOUN = (
    rf"(?:(?:\d+|[一二两三四五六七八九十]+)(?:岁|旬)"
    rf"|(?!致|造成|导致|救(?!护|援)|获|转移|疏散|送|其中|中)[^\s\d{NUMERAL_CHARS}，。；、！？：（）(),;!?:])"
)
_PERSON = r"[人子童孩娃婴者客生员警民妇手师兵翁爷奶叔姨哥姐弟妹士]"  # 一男子, 一工人, 一游客: a person, not 一工厂
# People named without a number, each one person (爸妈 is two, 司机和2名乘客 three), and pairs (父母, 夫妻).
_ONE_PERSON = (
    r"向导|父亲|母亲|爸爸|妈妈|爷爷|奶奶|外公|外婆|姥姥|姥爷|丈夫|妻子|老公|老婆|儿子|女儿|孙子|孙女|哥哥|姐姐|弟弟|妹妹"
    r"|嫂子|弟媳|女婿|儿媳|侄子|侄女|外甥|司机|驾驶员|船长|船员|老板娘|老板|店主|房东|户主|师傅|[爸妈爹娘哥嫂姐弟妹爷奶夫妻儿女]"
)
_TWO_PEOPLE = r"父母|夫妻|夫妇|母子|父子|母女|父女|爷孙|祖孙|婆媳|兄妹|姐弟|老两口|小两口|两口子"


def _first_characters(words: str) -> str:
    """The characters the alternatives of a word list (父亲|母亲|[爸妈]) begin with, for a lookahead that passes
    over every other position at once."""
    firsts = set()
    for word in words.split("|"):
        firsts.update(word[1 : word.index("]")] if word.startswith("[") else word[0])
    return "".join(sorted(firsts))


_FROM = rf"(?:[由从][^，。；]{{0,8}}?{NUM}{_WHO}?)?"  # 由最初通报的18人 (升至31人): the figure it rose from
# 死亡人数升至12人, 遇难者达30人; in 死亡人数已由最初通报的18人升至31人 the figure it rose from is passed over.
_RISE = (
    rf"(?:人数)?(?:已|已经)?{_FROM}"
    r"(?:上升|攀升|增加|增|升|上调|累计|共|合计)?(?:至|到|达|为)?(?:约|超过|超|逾)?"
)
# The same, where something says it is the toll: 人数, 者, a verb of rising or reaching.
_TOLL = (
    rf"(?:者|人数|的人数)(?:已|已经)?{_FROM}"
    r"(?:上升|攀升|增加|增|升|上调|累计|共|合计)?(?:至|到|达|为|是)?(?:约|超过|超|逾)?"
    rf"|的是|的?(?:已|已经)?{_FROM}(?:上升|攀升|增加|增|升|上调)(?:至|到|达|为)(?:约|超过|超|逾)?"
)
# A new figure that names no count, for the one stated just before it: 死亡9人，现在又更新成10人了.
# Only in the sentence of that count, and only with a verb of correcting: 救援力量已增至2000余人 is no casualty.
_UPDATED = re.compile(rf"(?:更新|变|改)(?:成|为|到)(?P<n>{NUM}){_ABOUT}{_WHO}")


def _counted(verb: str) -> list[tuple[str, str]]:
    """The word orders of a count that start with its verb: 死亡3人 is a count, 死亡人数升至3人 a total. Those that
    start with the number (3人死亡, 3名工人全部遇难, 一工人离世) are `_COUNT_FIRST`, one pattern for all measures."""
    return [
        ("total", rf"{verb}(?:{_TOLL})(?P<n>{NUM}){_ABOUT}(?:{_WHO}|{_END})"),
        ("count", rf"{verb}(?:(?:送医|送院|住院)?的有|的)?(?P<n>{NUM}){_ABOUT}(?:{_WHO}|{_END})"),
    ]


# The verb of each measure, in the order they are tried.
_VERBS = [
    ("deaths", _DEATH),
    ("missing", _MISSING),
    ("serious", _SERIOUS),
    ("worse", _WORSE),
    ("light", _LIGHT),
    ("injuries", _INJURY),
]


def _any_verb(slot: str) -> str:
    """Any measure's verb, the one found named `<slot>_<measure>`; not a noun (遇难者) nor an attribute (3名失联船员,
    遇难矿工, 死亡人员: those people, counted by the sentence's own verb)."""
    verbs = "|".join(f"(?P<{slot}_{measure}>{verb})" for measure, verb in _VERBS)
    return rf"(?:{verbs})(?!者|人员|人数|[^\s\d{CLAUSE_BREAK}]?[员工民客户])"


# A count before its verb, for every measure at once (the count's words are read once, not once per measure):
# 3人死亡, 3名工人全部遇难, 2名救护队员在救援过程中牺牲; and a headline's 一 without 名 (一工人离世), but
# 一转身人就没了 is someone gone, not dead.
_COUNT_FIRST = (
    rf"(?P<first>{NUM}){_ABOUT}(?:{_WHO}{_ADVERBS}|(?:名|位|{_GE}){_NOUN}{{1,8}}?{_ADVERBS}){_any_verb('first')}"
    rf"|(?P<head>一){_NOUN}{{0,6}}?{_PERSON}[^\s\d{CLAUSE_BREAK}]{{0,4}}?{_ADVERBS}(?!没了){_any_verb('head')}"
)


# Each way of stating a figure, with the count in group `n`: (measure, kind, pattern).
_FORMS: list[tuple[str, str, str]] = [
    *[("deaths", kind, form) for kind, form in _counted(_DEATH)],
    ("deaths", "total", rf"(?P<n>{NUM}){_ABOUT}(?:(?:名|位|具|{_GE}){_NOUN}{{0,4}}?)?(?:遇难者|罹难者|死者|遗体)"),
    ("deaths", "count", rf"(?P<n>{NUM}){_ABOUT}条人命"),
    ("deaths", "count", rf"{_KILLED}(?P<n>{NUM}){_ABOUT}{_WHO}"),
    ("deaths", "count", rf"一家(?P<n>{NUM})口[^。；！？\d{NUMERAL_CHARS}]{{0,16}}?{_DEATH}"),
    # 当场走了两个, 医院里又走了一个, 一共走了五个人: 走了 is a death only so qualified (走了两个小时 is not)
    ("deaths", "count", rf"(?:当场|又|先后|相继|一共|一起|共)走了(?P<n>{NUM}){_ABOUT}(?:{_WHO}|{_END})"),
    ("deaths", "count", rf"(?P<n>{NUM})个家庭[^，。；\d]{{0,6}}?失去了?(?:亲人|至亲|孩子|儿女|父母|丈夫|妻子)"),
    ("deaths", "count", rf"(?P<n>{NUM}){_ABOUT}(?:个|条)(?:鲜活的)?生命(?:定格|逝去|消逝|陨落)"),
    *[("missing", kind, form) for kind, form in _counted(_MISSING)],
    # 25人被困井下、与地面失去联系, 4人被埋、失去联系: the trapped out of contact are missing (those in contact are not)
    (
        "missing",
        "count",
        rf"(?P<n>{NUM}){_ABOUT}{_WHO}被[困埋压][^，。；\d]{{0,6}}?[、，]?(?:与[^，。；\d]{{0,6}}?)?{_MISSING}",
    ),
    *[("serious", kind, form) for kind, form in _counted(_SERIOUS)],
    *[("worse", kind, form) for kind, form in _counted(_WORSE)],
    *[("light", kind, form) for kind, form in _counted(_LIGHT)],
    *[("injuries", kind, form) for kind, form in _counted(_INJURY)],
    ("injuries", "total", rf"(?:伤者|伤员){_RISE}(?P<n>{NUM}){_ABOUT}(?:{_WHO}|{_END})"),
    ("injuries", "count", rf"伤了(?P<n>{NUM}){_ABOUT}{_WHO}"),
    ("injuries", "count", rf"(?P<n>{NUM}){_ABOUT}{_WHO}(?:仍|正)?(?:在医院|住院)(?:接受)?(?:治疗|救治)"),
]
# Every form begins with a numeral or a casualty word: checking that first skips most positions of a post at once.
_STARTS = (
    rf"(?=[\d{NUMERAL_CHARS}数几"  # numerals
    r"死遇罹身丧殒不去离牺殉溺没失下重受危病生轻负烧擦砸摔刺砍割烫咬灼冻伤淹撞炸压闷电毒捅踩轧呛"  # casualty words
    r"联未尚无当又先相一共])"
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
            _COUNT_FIRST,
            *(body.replace("(?P<n>", f"(?P<{measure}_{i}>") for i, (measure, _, body) in enumerate(_FORMS)),
        ]
    )
    + ")"
)
_KINDS = {f"{measure}_{i}": kind for i, (measure, kind, _) in enumerate(_FORMS)}
# Stated zeros. 无人员伤亡, 暂无人员伤亡报告, 没伤到人, 人都没事: 0 dead and 0 injured; 无人死亡, 没人死: 0 dead;
# 无人受伤: 0 injured, and nobody dead if the post says nothing else of the dead; 均为轻伤, 没有重伤的: 0 seriously
# injured; 全部获救, 人都跑出来了: nobody dead if the post says nothing else of the dead.
_NONE_HURT = re.compile(
    r"(?=[暂目尚无没未好还幸所万人均都全悉])"  # the first characters of the forms below
    r"(?:(?P<none>(?:暂|目前|尚)?(?:无|没有|没|未)(?:造成|发生|出现|有|致|发现|收到|接到|接报)?(?:任何)?(?:新的)?"
    r"(?:人员|人|游客|群众|师生|学生|村民|居民|乘客|旅客)?(?:伤亡|死伤)"
    r"|(?:没有?|未)伤(?:到|着|及)(?:人员|人)"
    r"|(?:(?:好在|还好|幸好|所幸|万幸|幸亏)人员?|(?<![老病家工客主个名位夫恋成敌熟男女])人员?(?:都|倒是|均|全都))"
    r"(?:没事|无恙|安然无恙|平安无事))"
    r"|(?P<no_deaths>(?:无|没有|未出现|未造成|未发生|未有)(?:人员?|重症[及和])?(?:死亡|遇难)|没有?人员?(?:死亡|遇难|死(?!伤)))"
    r"|(?P<no_injuries>(?:无|没有)人员?受伤|没人受伤)"
    r"|(?P<no_serious>(?:均|都|全部)(?:为|是|系)轻伤|(?:没有|无|没)人?重伤)"
    r"|(?P<all_safe>(?:全部|均|都|全都|全员|悉数)(?:已|被|已被|已经)?(?:及时|安全|成功|顺利)?"
    r"(?:获救|救起|救出|生还|脱险|跑出来|逃出来|逃生|撤出来|升井|转移上岸)))"
)
# Every form of _FIGURE, _NONE_HURT, _ONE_DEATH, _SUBJECTLESS and _PEOPLE contains one of these words: a post with
# none of them (most posts that are not incidents) states no casualty and skips those patterns. Extend it with every
# new verb (tests/classifier/test_figures.py holds it to the corpus).
MAY_COUNT = re.compile(
    r"(?=[死亡冇遗伤危遇罹丧殒人不治救去离牺殉没失下联找住在生走获脱跑逃撤升上无])"  # the words' first characters
    r"(?:[死亡冇遗伤危]|遇难|罹难|丧生|殒命|丧命|人命|不治|治疗|救治|去世|离世|牺牲|殉职|遇害|没[能抢救跑逃了]|救过来"
    r"|失踪|失联|下落不明|联系|找到|住院|在医院|生命体征|没气|走了|失去|生命|没事|无恙|获救|救起|救出|生还|脱险"
    r"|跑出来|逃出来|逃生|撤出来|升井|上岸)"
)
# Per form of zero: the counts it states to be 0, and those it implies are 0 when nothing else states them.
_ZEROED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "none": (("deaths", "injuries"), ()),
    "no_deaths": (("deaths",), ()),
    "no_injuries": (("injuries",), ("deaths",)),  # nobody hurt is nobody dead either
    "no_serious": (("serious",), ()),
    "all_safe": ((), ("deaths",)),  # only in a post that reports the injured: else it tells a rescue, not a toll
}
_OTHERS = re.compile(r"其余|其他|其它|另|周边|此外")  # 其余人员无伤亡 says nothing of the whole incident
# One unnumbered person stated dead; the clause before the verb must name no number and no group.
_ONE_DEATH = re.compile(
    rf"(?:^|[{CLAUSE_BREAK}\s])(?P<who>[^{CLAUSE_BREAK}\s\d{NUMERAL_CHARS}几数多们等些群家]{{1,10}}?)"
    r"(?:(?:经(?:全力)?抢救无效|抢救无效|当场|不幸)(?:死亡|遇难|去世|离世)|没能?(?:抢)?救(?:过来|回来|活)|未能(?:抢)?救过来"
    r"|不治身亡|身亡|牺牲|殉职|遇害|溺亡|已无生命(?:体征|迹象)|没气了"
    rf"|(?<={_PERSON})(?:当场|就|也|都|已经)*没了(?!\w)"
    rf"|(?<={_PERSON})(?:当场就?|就这么|已经|不幸)走了)"  # 大爷当场就走了; not 大爷就走了 (he left)
)
_PERSON_NAMED = re.compile(_PERSON)
_ONLY_ADVERBS = re.compile(_ADVERBS)  # ，已无生命体征 has no subject of its own (see _SUBJECTLESS)
_NEARLY = ("差点", "差一点", "险些", "几乎")
# A clause with no subject, whose dead or missing are those the clause before it names: 下游还捞上来一个小伙子，也没能
# 救回来; 那个被冲走的大爷找到了，已无生命体征; 3名工人被困，均已遇难; 两名村民被冲走，至今下落不明.
_SUBJECTLESS = re.compile(rf"(?:[，,]\s*|\s+){_ADVERBS}(?:(?P<deaths>{_DEATH})|(?P<missing>{_MISSING}))(?!者)")
_SUBJECT_COUNT = re.compile(
    rf"(?P<n>{NUM}){_ABOUT}(?:人|(?:名|位|{_GE})[^\s\d{CLAUSE_BREAK}]{{0,8}}?(?:{_PERSON}|少年|青年))"
)
_STATED = {"deaths": re.compile(_DEATH), "missing": re.compile(_MISSING)}
_GROUP = re.compile(r"(?<![我你他她咱])们|等人|些人|群人|[多几][人名个位]")  # 村民们, 多人; not 我们村
# Several people, named or counted, who died together: 司机和2名乘客当场遇难, 爸妈和哥嫂都没了.
_PERSON_ITEM = (
    rf"(?:{NUM}(?:名|位|{_GE})[^\s\d{CLAUSE_BREAK}和与及跟]{{0,8}}?(?:{_PERSON}|{_ONE_PERSON})"
    rf"|{_TWO_PEOPLE}|(?:{_ONE_PERSON})+)"
)
_PEOPLE = re.compile(
    rf"(?=[\d{NUMERAL_CHARS}{_first_characters(_ONE_PERSON + '|' + _TWO_PEOPLE)}])"  # where a person may start
    rf"(?P<people>{_PERSON_ITEM}(?:[和与及跟、]{_PERSON_ITEM})+|(?:{_TWO_PEOPLE})(?:俩|两人|二人)?){_ADVERBS}"
    rf"(?:(?P<deaths>{_DEATH})|(?P<missing>{_MISSING})|(?P<injuries>{_INJURY}))(?!者)"
)
_PERSON_TOKEN = re.compile(rf"(?P<n>{NUM})(?:名|位|{_GE})|(?P<two>{_TWO_PEOPLE})|(?P<one>{_ONE_PERSON})")


@dataclass(frozen=True)
class Statement:
    """One statement of a count in a post: where it stands, what it counts, its value and how it combines."""

    start: int
    end: int
    measure: str  # deaths, missing, injuries, serious, light, worse (伤势较重)
    value: int
    kind: str  # count, total, zero, one or earlier (see the module's docstring)
    joint: int | None = None  # the start of a zero of several counts (无人员伤亡), shared by its statements
    as_of: bool = False  # stated as the toll as of a time (截至21时已造成11人死亡): later sentences tell of it


def _statements(text: str) -> Iterator[Statement]:
    """Every statement of a count, in no particular order."""
    for match in _FIGURE.finditer(text):
        found = match.groupdict()
        for name, value in found.items():
            if value is None or name.startswith(("first_", "head_")) or (count := number(value)) is None:
                continue
            if name in ("first", "head"):  # the measure is the verb's
                measure = next(m for m, _ in _VERBS if found[f"{name}_{m}"] is not None)
            else:
                measure = name.rsplit("_", 1)[0]
            yield Statement(match.start(name), match.end(), measure, int(count), _KINDS.get(name, "count"))
    for match in _NONE_HURT.finditer(text):
        clause = re.split(f"[{CLAUSE_BREAK}]", text[max(0, match.start() - 8) : match.start()])[-1]
        if _OTHERS.search(clause) or clause.endswith("有"):  # 有没有人受伤？ is a question
            continue
        stated, implied = _ZEROED[match.lastgroup or ""]
        joint = match.start() if len(stated) > 1 else None
        for measure in stated:
            yield Statement(match.start(), match.end(), measure, 0, "zero", joint)
        for measure in implied:
            yield Statement(match.start(), match.end(), measure, 0, "implied")
    for match in _ONE_DEATH.finditer(text):
        who = match.group("who")
        if "人员" in who or _ONLY_ADVERBS.fullmatch(who) or who.endswith(_NEARLY):
            continue  # 人员身亡 names a group of unknown size; 差点没救回来 is someone who lived
        yield Statement(match.start("who"), match.end(), "deaths", 1, "one")
    yield from _subjectless(text)


def _subjectless(text: str) -> Iterator[Statement]:
    """The dead or missing of a clause with no subject, counted from the clause before it: its last count of people,
    or one person it names without a number (not a group: 村民们, 多人); nothing when that clause states them itself."""
    for match in _SUBJECTLESS.finditer(text):
        measure = "deaths" if match.group("deaths") else "missing"
        before = re.split(rf"[{CLAUSE_BREAK}]|\s", text[max(0, match.start() - 30) : match.start()])[-1]
        if _STATED[measure].search(before):
            continue  # 3个年轻人没能逃出来，全部遇难: the same dead, already counted
        counts = list(_SUBJECT_COUNT.finditer(before))
        offset = match.start() - len(before)
        if counts and (value := number(counts[-1].group("n"))) is not None:
            yield Statement(offset + counts[-1].start(), match.end(), measure, int(value), "count")
        elif before and _PERSON_NAMED.search(before) and not _GROUP.search(before) and "人员" not in before:
            yield Statement(offset, match.end(), measure, 1, "one")


def _people(text: str) -> Iterator[Statement]:
    """Several people named or counted together (司机和2名乘客当场遇难 is 3, 爸妈和哥嫂都没了 4)."""
    for match in _PEOPLE.finditer(text):
        value = 0
        for item in re.split("[和与及跟、]", match.group("people")):
            counted = _PERSON_TOKEN.match(item)
            if counted and counted.group("n"):  # 2名乘客: the count, whoever they are
                value += int(number(counted.group("n")) or 0)
                continue
            for token in _PERSON_TOKEN.finditer(item):  # 爸妈: each named person; 父母: two
                value += 2 if token.group("two") else 1
        measure = next(name for name in ("deaths", "missing", "injuries") if match.group(name))
        yield Statement(match.start("people"), match.end(), measure, value, "count")


class _Layout:
    """Where the post's sentences, clauses and fresh starts (a clause opening with a later moment) begin, to tell
    counts that add up from figures that replace each other."""

    def __init__(self, text: str) -> None:
        self.text = text

    # Worked out on first use: most posts state each count once and never ask.
    @cached_property
    def sentences(self) -> list[int]:
        return [0] + [match.end() for match in _SENTENCE_END.finditer(self.text)]

    @cached_property
    def clauses(self) -> list[int]:
        return [0] + [match.end() for match in _CLAUSE_START.finditer(self.text)]

    @cached_property
    def later(self) -> set[int]:
        return {start for start in self.clauses if self._opens_with(_LATER, start)}

    @cached_property
    def major_breaks(self) -> list[int]:
        return [match.start() for match in _MAJOR_BREAK.finditer(self.text)]

    def _opens_with(self, words: re.Pattern[str], start: int) -> bool:
        """Whether the clause starting here has one of the words among its first characters (截至目前, 官方最新通报)."""
        found = words.search(self.text, start, start + _OPENING)
        return found is not None and not any(char in "，。；,;" for char in self.text[start : found.start()])

    @cached_property
    def frames(self) -> list[int]:
        return sorted({*self.sentences, *self.later})

    def frame_start(self, position: int) -> int:
        return self.frames[bisect_right(self.frames, position) - 1]

    def opens_later(self, position: int) -> bool:
        """Whether the frame holding this position opens with news of a later moment (现在, 截至, 最新通报)."""
        return self.frame_start(position) in self.later

    def as_of(self, position: int) -> bool:
        """Whether the frame holding this position states the toll as of a time (截至21时已造成11人死亡)."""
        return self._opens_with(_AS_OF, self.frame_start(position))

    def earlier(self, statement: Statement) -> bool:
        """Whether the statement gives a figure reported before and since overtaken (较早先公布的2人死亡; 之前说3人
        遇难、3人失联: a list keeps what its clause says)."""
        breaks = self.major_breaks
        index = bisect_right(breaks, statement.start - 1)
        start = breaks[index - 1] + 1 if index else 0
        return _EARLIER.search(self.text, start, statement.start) is not None

    def toll_before(self, statement: Statement) -> bool:
        """Whether the words just before the count say it is the toll reached (累计造成3人死亡, 中午增至3人死亡)."""
        clause_start = self.clauses[bisect_right(self.clauses, statement.start) - 1]
        return _TOLL_BEFORE.search(self.text[max(clause_start, statement.start - 6) : statement.start]) is not None

    def same_sentence(self, one: int, other: int) -> bool:
        return bisect_right(self.sentences, one) == bisect_right(self.sentences, other)

    def same_frame(self, one: int, other: int) -> bool:
        return bisect_right(self.frames, one) == bisect_right(self.frames, other)

    def adds(self, statement: Statement) -> bool:
        """Whether the statement says it adds to what came before (还有3人, 另有2人, 1名村民也不幸遇难), and does not
        open news of a later moment (现在还有1个没找到 is the number missing now)."""
        clause_start = self.clauses[bisect_right(self.clauses, statement.start) - 1]
        window = max(clause_start, statement.start - 8)  # the words just before the count, and those in it
        return not self.opens_later(statement.start) and _ADDS.search(self.text, window, statement.end) is not None

    def breaks_down(self, total: Statement, statement: Statement) -> bool:
        """Whether the statement is a part of a figure given before it in the sentence (12人死亡，其中9人当场死亡)."""
        return self.same_sentence(total.start, statement.start) and (
            _PART.search(self.text, total.end, statement.start) is not None
        )


def _combine(statements: list[Statement], layout: _Layout) -> dict[str, Statement]:
    """Per count, the statement that leaves the post's figure, its value the figure (see the module's docstring)."""
    figures: dict[str, Statement] = {}
    for statement in sorted(statements, key=lambda s: (s.start, s.end)):
        previous = figures.get(statement.measure)
        if previous is None or statement.kind == "zero":
            figures[statement.measure] = statement
            continue
        later = layout.opens_later(statement.start) or layout.same_sentence(previous.start, statement.start)
        if statement.kind == "total":
            if later or statement.value >= previous.value:  # a smaller one in a later sentence tells of a part
                figures[statement.measure] = statement
            continue
        adds = layout.adds(statement) and previous.kind in {"count", "one"} and not previous.as_of
        if statement.kind == "one" and not adds:
            continue  # the same person named again, or one of the people already counted
        if layout.breaks_down(previous, statement) and not adds:
            continue
        if adds or (previous.kind == "count" and layout.same_frame(previous.start, statement.start)):
            value = previous.value + statement.value
            as_of = previous.as_of or statement.as_of
        elif later or statement.value > previous.value:
            value, as_of = statement.value, statement.as_of
        else:
            continue  # a smaller count in a later sentence, no news of a later moment: a part of the figure
        figures[statement.measure] = Statement(
            statement.start, statement.end, statement.measure, value, statement.kind, as_of=as_of
        )
    return figures


def _updates(text: str, statements: list[Statement], layout: _Layout) -> Iterator[Statement]:
    """更新成10人, 后来变成2人: a total of the count stated last before it in the sentence, unless a form read it."""
    for match in _UPDATED.finditer(text):
        if any(s.start <= match.start() < s.end for s in statements):
            continue
        before = [s for s in statements if s.end <= match.start() and layout.same_sentence(s.start, match.start())]
        if before and (count := number(match.group("n"))) is not None:
            measure = max(before, key=lambda s: s.end).measure
            yield Statement(match.start("n"), match.end(), measure, int(count), "total")


def _in_context(statement: Statement, layout: _Layout) -> Statement:
    """The statement as its surroundings make it: a figure reported earlier, a toll reached (累计造成3人死亡 is a
    total), or a count stated as of a time. Zeros and implied zeros are what they say wherever they stand."""
    if statement.kind in {"zero", "implied"}:
        return statement
    kind = statement.kind
    if layout.earlier(statement):
        kind = "earlier"
    elif kind == "count" and layout.toll_before(statement):
        kind = "total"
    as_of = layout.as_of(statement.start)
    if (kind, as_of) == (statement.kind, statement.as_of):
        return statement
    return replace(statement, kind=kind, as_of=as_of)


def read_counts(text: str) -> dict[str, int]:
    """Each count the post states (deaths, missing, injuries, serious, light, worse), as the post leaves it. The text is
    folded (`classifier.figures.fold`); a post without a word of `MAY_COUNT` states none."""
    layout = _Layout(text)
    together = list(_people(text))  # a list of people stands for the counts inside it
    statements = [
        s for s in _statements(text) if not any(t.start <= s.start < t.end and t.measure == s.measure for t in together)
    ]
    statements += together
    statements += _updates(text, statements, layout)
    implied = [s for s in statements if s.kind == "implied"]
    stated = [s for s in statements if s.kind != "implied"]
    measures = [s.measure for s in stated]
    if len(measures) == len(set(measures)) and not {"deaths", "missing"} <= set(measures):
        # Each count stated once (most posts), and no dead beside missing: nothing to combine, no context to read.
        figures = {s.measure: s for s in stated}
        earlier: list[Statement] = []
    else:
        stated = [_in_context(s, layout) for s in stated]
        earlier = [s for s in stated if s.kind == "earlier"]
        figures = _combine([s for s in stated if s.kind != "earlier"], layout)
    # A figure reported earlier (当局早上公布1人死亡) counts only when nothing else says how many are dead or
    # missing (早上公布6人失踪 … 死亡人数增至6人: the missing were found); the latest such figure wins.
    settled = set(figures)
    for statement in sorted(earlier, key=lambda s: s.start):
        dead_or_missing = {"deaths", "missing"} if statement.measure in {"deaths", "missing"} else set()
        if statement.measure not in settled and not settled & dead_or_missing:
            figures[statement.measure] = statement
    # A joint zero (无人员伤亡) that a later figure contradicts was wrong: it no longer says the other count is 0.
    for measure, statement in list(figures.items()):
        if statement.joint is not None and any(
            other.start > statement.start and other.value for other in figures.values()
        ):
            del figures[measure]
    # 无人受伤, 全部获救 say nobody died only when nothing else is said of the dead, and 全部获救 only in a post that
    # reports the injured (其中2人受轻伤): without them it tells of a rescue, not of a toll.
    for statement in implied:
        if statement.measure not in figures and ("injuries" in figures or "light" in figures or "serious" in figures):
            figures[statement.measure] = statement
    return {measure: statement.value for measure, statement in figures.items()}
