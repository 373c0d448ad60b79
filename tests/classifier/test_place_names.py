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
