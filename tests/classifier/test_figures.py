"""Figures read from a post and the severity they give (DOMAIN.md §2): every form, the false friends, the rules."""

import pytest

from classifier import casualties, figures
from classifier.corpus import read_corpus
from classifier.figures import Figures, read_figures
from classifier.numerals import number
from classifier.severity import severity_of
from yuqing.config_models import CategoriesConfig
from yuqing.settings import load_settings

CORPUS = load_settings().corpus_dir

CATEGORIES = load_settings().categories


def _severity(text: str, categories: CategoriesConfig = CATEGORIES) -> str | None:
    return severity_of(read_figures(text), text, categories)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("12", 12),
        ("1,200", 1200),
        ("1.2亿", 120_000_000),
        ("3000万", 30_000_000),
        ("十二", 12),
        ("二十", 20),
        ("三十", 30),
        ("一百零五", 105),
        ("两千三百", 2300),
        ("一亿二千万", 120_000_000),
        ("廿三", 23),
        ("二〇二四", 2024),
        ("零", 0),
        ("数十", 20),
        ("几百", 200),
        ("七八", 7),  # a range: its lower end
        ("三四十", 30),
        ("十七八", 17),
        ("两三", 2),
    ],
)
def test_arabic_and_chinese_numerals_are_read(numeral: str, value: int) -> None:
    assert number(numeral) == value


def test_a_bare_big_unit_is_no_number() -> None:
    assert number("万") is None


@pytest.mark.parametrize(
    ("text", "deaths", "missing", "injuries"),
    [
        ("事故已造成3人死亡", 3, None, None),
        ("厂里锅炉房爆炸，3个师傅没了😭 其中一个是我师父", 3, None, None),
        ("新闻说遇难的已经升到三十一个了😭", 31, None, None),
        ("地下车库进水淹死一个人，物业说是天灾", 1, None, None),
        ("塔吊倒下砸死了2名工人", 2, None, None),
        ("正好砸中路过的外卖小哥，人没了😢", 1, None, None),
        ("送到医院人没抢救过来", 1, None, None),
        ("大巴追尾 两个人冇咗 几个受伤", 2, None, None),
        ("干了三个月的工资没了，钱也没了", None, None, None),
        ("井下12人被困。截至目前已确认3人死亡", 3, None, None),  # the trapped are not counted as missing
        ("造成5人死亡、3人失踪", 5, 3, None),
        ("死亡人数升至十二人", 12, None, None),
        ("长春一商贸市场火灾死亡人数已由最初通报的18人升至31人", 31, None, None),
        ("三十余人遇难", 30, None, None),
        ("遇难者达三十余人", 30, None, None),
        ("十几人受伤", None, None, 10),
        ("数十人受伤", None, None, 20),
        ("多人受伤", None, None, None),
        ("两人遇难，十七人失联", 2, 17, None),
        ("事故致2死5伤", 2, None, 5),
        ("致1死2伤", 1, None, 2),
        ("隧道施工坍塌 5死7失联", 5, 7, None),
        ("已找到5名工人遗体，仍有7人失联", 5, 7, None),
        ("一家五口救出来两个 另外三个没能救回来", 3, None, None),
        ("3个人没跑出来", 3, None, None),
        ("新闻说10个人死了 里面又黑又窄", 10, None, None),
        ("3人被救出后经医院抢救无效死亡", 3, None, None),
        ("5个人被炸伤，幸好无人死亡", 0, None, 5),
        ("一死一伤", 1, None, 1),
        ("因灾死亡6人、失联4人", 6, 4, None),
        ("另有6人仍处于失联状态", None, 6, None),
        ("已发现27名遇难者", 27, None, None),
        ("捞到了一具遗体", 1, None, None),
        ("一家三口都没能救出来，全部遇难", 3, None, None),
        ("6名被困矿工全部遇难", 6, None, None),
        ("其中2人经抢救无效死亡，3人受伤", 2, None, 3),
        ("3名地方专业扑火队员不幸牺牲", 3, None, None),
        ("一名3岁男童死亡", 1, None, None),
        ("武汉一建筑工人热射病离世", 1, None, None),
        ("住那屋的王大爷没救过来，还有4个邻居受伤", 1, None, 4),
        ("死了一个人，伤了四个", 1, None, 4),
        ("四个人全没了，老板跑了", 4, None, None),
        ("3个工人当场没了，被定为较大事故", 3, None, None),
        ("一个老人没了，物业还说年检合格", 1, None, None),
        ("一个游客落水没救上来", 1, None, None),
        ("又是电瓶车充电起火，三条人命", 3, None, None),
        ("另有13人仍在医院接受治疗", None, None, 13),
        ("１２人受伤", None, None, 12),
        ("廿人受伤", None, None, 20),
        ("到现在还有6个人没找到，家属都在码头等着", None, 6, None),
        ("井下一共有9个人联系不上", None, 9, None),
        ("有五个人到现在还联系不上", None, 5, None),
        ("另外2个一直联系不上", None, 2, None),
        ("另有25人被困井下、与地面失去联系", None, 25, None),  # trapped out of contact: missing
        ("9人被困但与外界保持联系", None, None, None),  # trapped in contact: not missing
        ("3个人没找到工作", None, None, None),
        ("两名消防员在灭火救援中牺牲", 2, None, None),
        ("一名消防员在工业大厦火警救援中殉职，终年三十五岁", 1, None, None),  # 终年 is an age
        ("两个人当场就没了", 2, None, None),
        ("骑士当场就没了", 1, None, None),
        ("被困的5个人里面2个已无生命体征，另外3个还能通话", 2, None, None),
        ("被困人员生命体征平稳", None, None, None),
        ("二楼还发现了2个已经没了的", 2, None, None),
        ("一名途人送院后证实不治", 1, None, None),
        ("十人在送医途中及抢救中死亡", 10, None, None),
        ("当场走了两个，昨天医院里又走了一个", 3, None, None),
        ("走了两个小时才到", None, None, None),
        ("28个家庭在那天失去了亲人", 28, None, None),
        ("48个生命定格在了那个假期", 48, None, None),
        ("那个被冲走的大爷找到了，已无生命体征。下游还捞上来一个小伙子，也没能救回来", 2, None, None),
        ("3名作业人员被困。经救援人员连续奋战，3人被找到时均已遇难", 3, None, None),
        ("两个来玩水的高中生被离岸流卷走 救上来的时候都没气了", 2, None, None),
        ("3个年轻人没能逃出来，全部遇难", 3, None, None),  # the same dead, not 6
        ("司机和2名乘客当场遇难", 3, None, None),
        ("19名消防指战员在扑救森林火灾中英勇牺牲", 19, None, None),
        ("森林火灾中19名地方专业扑火队员和1名向导牺牲", 20, None, None),
        ("爸妈和哥嫂都没了，就剩他和侄子两个", 4, None, None),
        ("司机和1名乘客受伤", None, None, 2),
        ("民房倒塌，屋里住的老两口都没了", 2, None, None),
        ("已经找到6个遇难者了，还有10多个人没找到", 6, 10, None),
        ("已搜寻到3名失联船员，均已无生命体征，仍有3人失联", 3, 3, None),  # 失联船员 names them: not a count
        ("当局早上公布6人失踪，下午确认其中3人罹难，晚上其余3人遗体亦被寻回，死亡人数增至6人", 6, None, None),
        ("增至3死14人送院", None, None, None),
        ("骑电动车的大爷当场就走了", 1, None, None),
        ("大爷说完就走了", None, None, None),
        ("目前仍有4人被埋、失去联系", None, 4, None),
        ("两名村民被冲走，至今下落不明", None, 2, None),  # a clause with no subject: the people before it
        ("村里有七八个人到现在都联系不上", None, 7, None),
        ("事故原因还没找到", None, None, None),
    ],
)
def test_casualty_forms_are_read(text: str, deaths: int | None, missing: int | None, injuries: int | None) -> None:
    figures = read_figures(text)
    assert (figures.deaths, figures.missing, figures.injuries) == (deaths, missing, injuries)


@pytest.mark.parametrize(
    ("text", "serious", "injuries"),
    [
        ("重伤12人", 12, 12),
        ("12人重伤", 12, 12),
        ("96人受伤，其中重伤21人", 21, 96),
        ("造成3人死亡、重伤52人，还有百余人轻伤", 52, 152),
        ("13人受伤（其中3人重伤）", 3, 13),
        ("3人轻伤、2人重伤", 2, 5),
        ("2人危重", 2, 2),
        ("17人受伤，其中3人伤势较重", None, 17),
        ("18人受伤，均为轻伤", 0, 18),  # stated: none is serious
        ("30多人都受伤了，不过医院说没有重伤的", 0, 30),
        ("2人重伤，其余均为轻伤", 2, 2),  # the rest, not the whole incident
        ("村里受伤送医的有49个，听医生说其中12个是重伤", 12, 49),
        ("伤了二十多个，重伤的有五个", 5, 20),
        ("爆炸死了2个，但是重伤的有六十多个", 60, 60),
    ],
)
def test_only_injuries_stated_as_serious_are_serious(text: str, serious: int | None, injuries: int) -> None:
    figures = read_figures(text)
    assert (figures.serious_injuries, figures.injuries) == (serious, injuries)


@pytest.mark.parametrize(
    ("text", "deaths", "injuries"),
    [
        ("火灾无人员伤亡", 0, 0),
        ("事故未造成人员伤亡", 0, 0),
        ("所幸没有造成人员伤亡", 0, 0),
        ("8人送医观察，无人员死亡", 0, None),
        ("目前暂无人员伤亡", 0, 0),
        ("目前暂无人员伤亡报告", 0, 0),  # issue 13: "no casualties reported" is an explicit statement too
        ("暂未收到人员伤亡报告", 0, 0),
        ("暂未接到人员伤亡和房屋倒塌报告", 0, 0),
        ("万幸无人伤亡", 0, 0),
        ("还好没伤到人", 0, 0),
        ("好在人都没事", 0, 0),
        ("此次余震未造成新的人员伤亡", 0, 0),
        ("还好没人死", 0, None),
        ("46名游客全部安全转移，无人受伤", 0, 0),  # nobody hurt is nobody dead
        ("6名游客落水，均被及时救起，其中2人受轻伤", 0, 2),  # all rescued: nobody dead
        ("3个客人被烧伤送医了，幸好人都跑出来了", 0, 3),
        ("司机当场死亡，乘客无人受伤", 1, 0),  # what is said of the dead stands
        ("造成2人死亡，其余人员无伤亡", 2, None),
        ("老人没事吧？", None, None),  # one person, not the incident
        ("不知道有没有人员伤亡", None, None),
        ("有无人员伤亡还不清楚", None, None),
    ],
)
def test_an_explicit_statement_of_no_casualties_is_zero(text: str, deaths: int | None, injuries: int | None) -> None:
    figures = read_figures(text)
    assert (figures.deaths, figures.injuries) == (deaths, injuries)


@pytest.mark.parametrize(
    ("text", "deaths", "injuries"),
    [
        ("湖北宜昌餐館燃氣爆炸 2死17傷", 2, 17),
        ("造成2人死亡、17人受傷", 2, 17),
        ("已有三十餘人遇難", 30, None),
        ("死亡人數升至十二人", 12, None),
        ("目前暫未收到人員傷亡報告", 0, 0),
        ("此次火災無人員傷亡", 0, 0),
    ],
)
def test_traditional_characters_are_read(text: str, deaths: int | None, injuries: int | None) -> None:
    figures = read_figures(text)
    assert (figures.deaths, figures.injuries) == (deaths, injuries)


@pytest.mark.parametrize(
    "text",
    [
        "2024年8月21日14时08分，我市发生火灾",
        "3月17日14时许发生火灾",
        "木里县“3·17”森林火灾",
        "犯罪嫌疑人刘某（男，35岁）当场被控制",
        "孩子才四岁",
        "3岁男童",
        "我是5号楼的住户，3单元4楼燃气爆炸",
        "转移群众300人，救出5人",
        "7人获救，疏散周边群众1200余人",
        "调集扑救力量800余人，投入直升机2架",
        "事发时井下共有作业人员96人",
        "死亡3天后才被发现",
        "受伤3个月后仍未赔偿",
        "#长沙男子持刀伤人# 有人当街拿刀乱砍",
        "12名作业人员被困",
        "37名学生送医",
        "到底有没有人受伤？",
        "1972年出生，2020去世",
        "九死一生",
        "一转身人就没了",
        "人送到医院是热射病，差点没救回来",
    ],
)
def test_years_dates_times_ages_addresses_and_the_rescued_are_no_casualties(text: str) -> None:
    figures = read_figures(text)
    assert (figures.deaths, figures.missing, figures.injuries, figures.serious_injuries) == (None, None, None, None)


def test_a_later_figure_replaces_an_earlier_one() -> None:
    text = "初步统计3人死亡、5人受伤。截至发稿，死亡人数已上升至9人，另有14人受伤"
    figures = read_figures(text)
    assert (figures.deaths, figures.injuries) == (9, 14)


@pytest.mark.parametrize(
    ("text", "deaths"),
    [
        ("甲村2人遇难，乙村3人遇难", 5),  # counts side by side in a sentence are parts of the incident
        ("甲县死亡3人，乙县死亡2人", 5),
        ("A车上7人遇难，B车上还有3人遇难", 10),
        ("交通事故已致12人死亡，其中9人当场死亡、3人经抢救无效死亡", 12),  # the breakdown of a figure given
        ("造成3人死亡，3名死者身份已确认", 3),  # the dead named again
        ("之前说3人遇难，现在5人遇难", 5),  # a clause opening with a later moment starts afresh
        ("矿上那边说死亡9人，现在又更新成10人了", 10),  # a new figure naming no count is the last count's
        ("[新闻] 矿难 31人罹难 来源：某网 当地通报，已确认31人罹难", 31),  # whitespace ends a sentence
        ("一次又一次，31人罹难。三十几条人命", 31),  # a smaller later figure with no news is a part; 又 adds nothing
        ("截至19时已造成11人死亡。救援人员在下游搜寻到7名落水乘客，均已无生命体征", 11),  # the 7 are of the 11
        ("官方最新通报，事故已造成11人死亡，较早先公布的2人死亡大幅增加", 11),  # a figure reported earlier
        ("当局早上公布1人死亡，中午增至3人死亡", 3),
        ("又有2名伤者经全力抢救无效死亡，累计造成3人死亡", 3),  # the toll reached, not 2 + 3
        ("截至21时已造成11人死亡。此前失联的3人已被找到，均已遇难；另有4名重伤人员经抢救无效死亡", 11),
        ("网传10人死亡。官方通报：2人死亡", 2),  # news of a later moment replaces, smaller or not
    ],
)
def test_counts_side_by_side_add_up_and_a_later_sentence_replaces(text: str, deaths: int) -> None:
    assert read_figures(text).deaths == deaths


def test_a_new_figure_naming_no_count_must_follow_a_count_in_its_sentence() -> None:
    assert read_figures("3人受伤。现场救援力量已增至2000余人").missing is None
    assert read_figures("3人受伤。现场救援力量已增至2000余人").injuries == 3


def test_a_zero_of_dead_and_injured_that_a_later_figure_contradicts_says_nothing_more() -> None:
    figures = read_figures("昨天通报说无人员伤亡，今天看新闻死亡人数升到3个了")
    assert (figures.deaths, figures.injuries) == (3, None)


def test_a_later_stated_zero_replaces_a_refuted_figure() -> None:
    figures = read_figures("网传“威宁县突降冰雹，已造成三人死亡”。县应急管理局回应：未造成人员伤亡")
    assert (figures.deaths, figures.injuries) == (0, 0)


@pytest.mark.parametrize(
    ("text", "loss"),
    [
        ("直接经济损失1.2亿元", 120_000_000),
        ("直接经济损失约3000万元", 30_000_000),
        ("直接经济损失5000余万元", 50_000_000),
        ("经济损失达三千万元", 30_000_000),
        ("物业说损失估计两千多万", 20_000_000),
        ("直接经济损失1.2亿", 120_000_000),
        ("初步估算直接经济损失800万元，后核定直接经济损失1200万元", 12_000_000),
        ("为群众避免经济损失3000万元", None),
        ("幸好退了票，差点损失一千块", None),
        ("冷库着火烧了一晚上，损失估计有六千万", 60_000_000),
        ("听说损失了三千多万", 30_000_000),
        ("损失大概8万块钱", 80_000),
        ("损失大概人民币八百万", 8_000_000),
        ("直接经济损失约人民币四千五百万元", 45_000_000),
        ("初步估计损失逾1.2亿", 120_000_000),
        ("直接经济损失12,600,000元", 12_600_000),
        ("仓库火灾烧了1200多万的货", 12_000_000),
        ("直接经济损失1.08亿元，其中基础设施损失6000万元", 108_000_000),  # a part of the sum
        ("无人员伤亡和财产损失", 0),
        ("直接经济损失正在统计中", None),
    ],
)
def test_direct_loss_is_read_in_yuan(text: str, loss: int | None) -> None:
    assert read_figures(text).loss_cny == loss


@pytest.mark.parametrize(
    ("text", "magnitude"),
    [
        ("泸定县发生6.8级地震", 6.8),
        ("门源縣發生5.2級地震", 5.2),
        ("震级为7.1级", 7.1),
        ("去年那场6.2级地震，今天又发生4.5级地震", 4.5),
        ("阵风7级大风", None),
        ("漾濞又震了 刚刚6.0级", 6.0),
        ("今日凌晨我县发生M5.2地震", 5.2),
        ("#云南地震# 里氏6.1级，昆明都有震感", 6.1),
        ("花莲县近海今晨发生芮氏规模6.4地震", 6.4),
        ("四川发生六点八级地震", 6.8),
        ("主震6.8级之后，今天凌晨又来了一个4.5级余震", 4.5),  # the aftershock is the news
        ("某地区在7.0级地震后发生5.1级余震", 5.1),
        ("2008年那次8.0级地震的时候我还小，今天这个4.8级地震", 4.8),
        ("6.8级地震发生后共记录到余震200余次，最大余震4.5级", 6.8),  # the largest aftershock is a detail
        ("地震发生后，台风又来了，风力5.5级", None),
        ("发生6.3级地震，启动国家四级地震应急响应", 6.3),  # a response level is no magnitude
    ],
)
def test_the_magnitude_of_an_earthquake_is_read(text: str, magnitude: float | None) -> None:
    assert read_figures(text).magnitude == magnitude


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("造成2人死亡", "IV"),
        ("造成3人死亡", "III"),
        ("造成10人死亡", "II"),
        ("造成30人死亡", "I"),
        ("造成5人死亡、6人失踪", "II"),  # deaths plus missing
        ("5人失联", "III"),  # the missing alone
        ("已造成12人死亡、47人失联", "I"),  # 59 dead or missing
        ("还有7个人没找到", "III"),
        ("截至目前已确认3人死亡，12人被困", "III"),  # the trapped are not the missing
        ("山体滑坡，无人员伤亡", "IV"),  # a stated zero is a figure
        ("3人受伤（均无生命危险）", "IV"),  # injured, none stated serious: the least level
    ],
)
def test_deaths_and_missing_set_the_level(text: str, level: str) -> None:
    assert _severity(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("重伤9人", "IV"),
        ("重伤12人", "III"),
        ("12人受伤，其中重伤50人", "II"),
        ("100人重伤", "I"),
        ("120人受伤，其中5人伤势较重", "IV"),  # not stated as serious, and at most 5 can be
        ("12名学生受伤，其中2人伤势较重", "IV"),
        ("9人受伤", "IV"),  # even if all were serious, IV
        ("10人受伤", None),  # 10 serious would be III: the injured alone give no level
        ("120多人受伤送医，现在还不知道有没有人死亡", None),
    ],
)
def test_serious_injuries_set_the_level(text: str, level: str) -> None:
    assert _severity(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("直接经济损失约800万元", "IV"),
        ("直接经济损失约1800万元，无人员伤亡", "III"),
        ("直接经济损失约6300万元", "II"),
        ("直接经济损失约3.8亿元", "I"),
        ("直接经济损失4999万元", "III"),
        ("直接经济损失5000万元", "II"),
        ("直接经济损失9999万元", "II"),
        ("直接经济损失1亿元", "I"),
    ],
)
def test_direct_loss_sets_the_level(text: str, level: str) -> None:
    assert _severity(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("温宿县发生4.6级地震", "IV"),
        ("门源县发生5.2级地震", "III"),
        ("泸定县发生6.8级地震", "II"),
        ("发生7.0级地震", "I"),
        ("发生3.1级地震", None),
    ],
)
def test_magnitude_sets_the_level(text: str, level: str | None) -> None:
    assert _severity(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("此次事故为特别重大生产安全事故", "I"),
        ("一起特别重大火灾事故", "I"),
        ("经调查认定为重大事故", "II"),
        ("南丹县“6·7”重大透水事故救援情况通报", "II"),
        ("调查报告认定为较大生产安全责任事故", "III"),
        ("升级为重大突发事件", "II"),
        ("定性为较大事故", "III"),
        ("属一般事故", "IV"),
        ("不属于重大事故", None),
        ("某区发生一起重大火灾，消防部门正在全力扑救", "II"),
        ("某县发生重大山洪灾害", "II"),
        ("某县发生一起較大火災事故", "III"),
    ],
)
def test_explicit_wording_about_the_incident_sets_the_level(text: str, level: str | None) -> None:
    assert _severity(text) == level


@pytest.mark.parametrize(
    "text",
    [
        "贯彻落实党中央重大决策部署",
        "出台一项特别重大政策",
        "群众反映的重大问题",
        "排查重大事故隐患",
        "修订重大突发事件应急预案",
        "坚决遏制重大事故发生",
        "负责人涉嫌重大责任事故罪被刑拘",
        "排查重大火灾隐患",
        "做好防御重大灾害性天气的准备",
        "正值重大节日，商场客流大",
    ],
)
def test_severity_words_about_something_else_give_no_level(text: str) -> None:
    assert _severity(text) is None


def test_the_gravest_criterion_wins() -> None:
    assert _severity("6.8级地震已造成126人遇难、188人受伤") == "I"  # deaths I over magnitude II
    assert _severity("造成2人死亡，直接经济损失1.2亿元") == "I"  # loss I over deaths IV
    assert _severity("造成2人死亡，此次事故为重大事故") == "II"  # wording II over deaths IV


def test_no_figure_and_no_wording_give_no_level() -> None:
    assert _severity("暴雨导致城区内涝，车辆被淹") is None
    assert _severity("目前伤亡情况正在核实") is None


def test_an_explicit_statement_of_no_casualties_gives_the_least_level() -> None:
    assert _severity("目前暂无人员伤亡报告") == "IV"
    assert _severity("还好没伤到人") == "IV"


def test_figures_without_text_give_their_level() -> None:
    assert severity_of(Figures(deaths=1, missing=2), "", CATEGORIES) == "III"
    assert severity_of(Figures(serious_injuries=50), "", CATEGORIES) == "II"
    assert severity_of(Figures(), "", CATEGORIES) is None


def test_thresholds_and_wording_come_from_config() -> None:
    settings = CATEGORIES.model_dump()
    settings["severity"]["III"]["deaths"] = 2
    settings["severity"]["II"]["magnitude"] = 6.9
    settings["severity_wording"] = {"重大事故": "I"}
    stricter = CategoriesConfig.model_validate(settings)
    assert (_severity("2人死亡", stricter), _severity("2人死亡")) == ("III", "IV")
    assert (_severity("6.8级地震", stricter), _severity("6.8级地震")) == ("III", "II")
    assert (_severity("认定为重大事故", stricter), _severity("认定为重大事故")) == ("I", "II")


def test_a_post_without_any_casualty_word_could_match_no_casualty_pattern() -> None:
    """The cheap check that lets most posts skip the casualty patterns must never skip a post they would match."""
    texts = [figures.fold(example.text) for example in read_corpus(CORPUS)]
    skipped = [text for text in texts if not casualties.MAY_COUNT.search(text)]
    patterns = (
        casualties._FIGURE,
        casualties._NONE_HURT,
        casualties._ONE_DEATH,
        casualties._SUBJECTLESS,
        casualties._PEOPLE,
    )
    assert len(skipped) > len(texts) / 3
    assert [text[:40] for text in skipped if any(p.search(text) for p in patterns)] == []


@pytest.mark.parametrize(
    "text",
    [
        "转发：【岳阳云溪化工企业爆炸事故已致12人死亡】截至19时，云溪区化工企业爆炸事故已造成12人死亡、2人失联。",
        "【快讯】【江门一厂房坍塌致12人遇难】记者从现场获悉，厂房坍塌事故已造成12人遇难，2人失踪。",
        "#某地矿难# 【煤矿透水事故已致12人死亡】事故已造成12人死亡，另有2人被困失联。",
    ],
)
def test_a_headline_in_brackets_restating_the_toll_is_not_added_to_it(text: str) -> None:
    counts = casualties.read_counts(text)
    assert (counts.get("deaths"), counts.get("missing")) == (12, 2)


@pytest.mark.parametrize(
    ("text", "deaths", "missing"),
    [
        ("广东清远英德市一煤矿透水，经核查，网传“井下10人遇难”说法不实，实际被困2人已全部获救。", None, None),
        ("经核查，网传“某地学校食物中毒致3名学生死亡”的说法不实。", None, None),
        ("关于“大桥垮塌致8人失联”的消息系谣言，大桥主体结构完好。", None, None),
        ("網傳「化工廠爆炸已致12人死亡」與事實不符，目前確認1人死亡。", 1, None),
        ("网传“车祸5死”纯属虚假，事故造成2人受伤。", None, None),
        ("记者了解到，“已有6人遇难”的说法没有依据，目前3人失联。", None, 3),
    ],
)
def test_a_figure_inside_a_claim_the_post_calls_false_is_not_counted(
    text: str, deaths: int | None, missing: int | None
) -> None:
    figures = read_figures(text)
    assert (figures.deaths, figures.missing) == (deaths, missing)


@pytest.mark.parametrize(
    ("text", "deaths", "magnitude"),
    [
        ("云南昭通彝良县发生4.8级余震。此前该县曾发生5.7级地震，造成81人死亡。", None, 4.8),
        ("宜昌一化工厂发生爆燃，2人死亡。该厂去年也发生过一起事故，致5人死亡。", 2, None),
        ("寿光一化工园区爆炸，已致3人死亡。历史上这个园区曾发生过两次爆炸，共造成11人遇难。", 3, None),
        ("去年12月发生的矿难又有新进展：遇难人数升至9人。", 9, None),  # the first sentence is the post's own news
    ],
)
def test_a_sentence_that_recalls_an_earlier_happening_gives_no_figure(
    text: str, deaths: int | None, magnitude: float | None
) -> None:
    figures = read_figures(text)
    assert (figures.deaths, figures.magnitude) == (deaths, magnitude)
