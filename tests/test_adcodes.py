import pytest

from yuqing import adcodes


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("000000", "national", None),
        ("330000", "province", "000000"),
        ("331100", "city", "330000"),
        ("331102", "county", "331100"),
        ("110105", "county", "110000"),  # 北京朝阳区: a municipality has no real city level
        ("110100", "province", "000000"),  # 北京 市辖区 is Beijing itself
        ("500235", "county", "500000"),  # 重庆云阳县
        ("429004", "county", "420000"),  # 仙桃市, administered by the province
        ("469001", "county", "460000"),  # 五指山市
    ],
)
def test_level_and_parent(code: str, level: str, parent: str | None) -> None:
    assert adcodes.level(code) == level
    assert adcodes.parent(code) == parent


def test_lowest_common_ancestor_across_levels() -> None:
    assert adcodes.lowest_common_ancestor(["331102", "331121"]) == "331100"
    assert adcodes.lowest_common_ancestor(["331102", "330102"]) == "330000"
    assert adcodes.lowest_common_ancestor(["331102", "530102"]) == "000000"
    assert adcodes.lowest_common_ancestor(["331102", "331100"]) == "331100"
    assert adcodes.lowest_common_ancestor(["110105", "110108"]) == "110000"


def test_raise_to_the_minimum_level() -> None:
    assert adcodes.raise_to("152530", "province") == "150000"
    assert adcodes.raise_to("152530", "city") == "152500"
    assert adcodes.raise_to("152530", "county") == "152530"
    assert adcodes.raise_to("110105", "city") == "110000"
    assert adcodes.raise_to("000000", "province") == "000000"


def test_is_below_is_strict() -> None:
    assert adcodes.is_below("331102", "330000")
    assert not adcodes.is_below("330000", "330000")
    assert not adcodes.is_below("530102", "330000")


def test_related_means_is_contains_or_lies_in() -> None:
    assert adcodes.related("331100", "331100")  # 丽水市 itself
    assert adcodes.related("331122", "331100")  # 缙云县 lies in it
    assert adcodes.related("330000", "331100")  # 浙江省 contains it
    assert adcodes.related("110100", "110000")  # Beijing's 市辖区 is Beijing
    assert not adcodes.related("330106", "331100")  # 杭州西湖区: same province, another city
    assert not adcodes.related("520525", "331100")  # 纳雍县


@pytest.mark.parametrize("code", ["33110", "3311021", "33110a", "３３１１０２", 331102, None])
def test_is_adcode_refuses_anything_but_six_ascii_digits(code) -> None:
    assert not adcodes.is_adcode(code)
