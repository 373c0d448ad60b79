"""Places named in a post, as division codes at the most specific level named."""

import pytest

from classifier.regions import RegionMatcher
from yuqing.text import simplified

MATCHER = RegionMatcher.default()


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("湖南省衡阳市南岳区居民用水价格由每吨2.3元调整为3.0元", ["430412"]),
        ("在广州市白云区打工三年，工地老板拖欠工资", ["440111"]),
        ("河南省开封市某街道办工作人员在窗口呵斥老人", ["410200"]),  # only the city is named
        ("#浙江新政# 省里刚出的老旧小区改造新规", ["330000"]),
        ("四川甘孜州泸定县发生6.8级地震，成都都能感觉到晃动", ["513322", "510100"]),
        ("紧急扩散！江西南昌某农商银行资金链断裂", ["360100"]),
        ("昆明五华区和大理市同时流传一条谣言", ["530102", "532901"]),
        ("北京朝阳区一小区停电", ["110105"]),
        ("长春朝阳区一小区停电", ["220104"]),
    ],
)
def test_places_are_found_at_the_most_specific_level_named(text: str, codes: list[str]) -> None:
    assert MATCHER.find(text) == codes


def test_an_ambiguous_name_without_context_is_dropped_when_nothing_is_certain() -> None:
    assert MATCHER.find("朝阳区一小区停电") == []


def test_a_short_county_name_needs_its_city() -> None:
    assert MATCHER.find("自然资源局通报一起违法占地") == []  # 资源 is 资源县's short name, and a common word
    assert MATCHER.find("桂林资源县发生山洪") == ["450329"]


def test_a_wire_dateline_is_not_where_it_happened() -> None:
    assert MATCHER.find("新华社合肥1月21日电 阜阳市临泉县市场监管局查处一批假奶粉") == ["341221"]


def test_traditional_characters_match_once_simplified() -> None:
    assert MATCHER.find(simplified("湖北省宜昌市西陵區一間餐館發生燃氣爆炸")) == ["420502"]


def test_the_vocabulary_feeds_jieba_with_full_and_short_names() -> None:
    vocabulary = set(MATCHER.vocabulary())
    assert {"莲都区", "丽水市", "丽水", "内蒙古自治区", "内蒙古", "甘孜藏族自治州", "甘孜州"} <= vocabulary


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("新华社昆明电 楚雄州禄丰市一煤矿发生透水事故，3人被困", ["532331"]),
        ("中新社兰州电 天水市麦积区一处边坡垮塌", ["620503"]),
        ("法新社北京电 外交部发言人回答记者提问", []),
        ("记者从长沙获悉，浏阳市一烟花厂发生爆炸", ["430181"]),
        ("记者从成都了解到，德阳市旌阳区部分小区停水", ["510603"]),
        ("记者从郴州市应急管理局获悉，北湖区一矿山发生事故", ["431002"]),  # the office there: its city stays
    ],
)
def test_a_dateline_or_the_place_a_reporter_heard_it_from_is_not_where_it_happened(text: str, codes: list[str]) -> None:
    assert MATCHER.find(text) == codes


@pytest.mark.parametrize(
    "text",
    [
        "仓库里存的20万全在里面，一把火全烧没了",  # not 万全区
        "12月8日照常上课，请家长注意接送安全",  # not 日照市
        "全校3千阳光少年参加了开幕式",  # not 千阳县
    ],
)
def test_a_place_name_must_not_straddle_a_number_or_a_date(text: str) -> None:
    assert MATCHER.find(text) == []


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("中国女排队员张常宁在比赛中表现出色", []),
        ("球员周宁远说，下一场会全力以赴", []),
        ("肇源县发生4.5级地震，震中距哈尔滨市约80公里", ["230622"]),
        ("莲都区一村庄距离丽水市区5公里，山体滑坡阻断道路", ["331102"]),
        ("我家在望江县长江边的一个洲上", ["340827"]),  # 县长 is no title here
    ],
)
def test_a_person_named_by_role_or_a_distance_does_not_place_the_story(text: str, codes: list[str]) -> None:
    assert MATCHER.find(text) == codes


def test_a_mall_named_like_a_county_is_not_that_county_without_its_city() -> None:
    assert MATCHER.find("阳光商都发生火灾，无人员伤亡") == []
    assert MATCHER.find("乌兰察布市商都县发生火灾") == ["150923"]


def test_an_official_name_the_table_spells_otherwise_still_maps() -> None:
    assert MATCHER.find("杨凌区一化工企业发生泄漏，5人送医") == ["610403"]
    assert MATCHER.find("杨凌示范区召开安全生产会议") == ["610403"]
