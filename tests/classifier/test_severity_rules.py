"""Figures read from posts, and the severity level they give (DOMAIN.md §2, thresholds from config)."""

import pytest
from support.config import edit_config

from classifier.figures import read_figures
from classifier.severity import severity_of
from yuqing.settings import load_settings

CATEGORIES = load_settings().categories


@pytest.mark.parametrize(
    ("text", "deaths", "injuries"),
    [
        ("已造成3人死亡、8人受伤，其中2人重伤", 3, 8),
        ("死亡人数升至十二人", 12, None),
        ("三十余人遇难", 30, None),
        ("事故致2死5伤", 2, 5),
        ("遇难者达三十余人", 30, None),
        ("一名3岁男童死亡", 1, None),
        ("初步统计3人死亡。截至发稿，死亡人数已上升至9人，另有14人受伤", 9, 14),
        ("火灾未造成人员伤亡", 0, 0),
        ("死亡3天后才被发现", None, None),
        ("转移群众300人，救出5人", None, None),
    ],
)
def test_casualties_are_read_in_arabic_and_chinese_numerals(text: str, deaths, injuries) -> None:
    figures = read_figures(text)
    assert (figures.deaths, figures.injuries) == (deaths, injuries)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("截至目前已确认3人死亡，12人被困", "III"),  # the trapped are not the missing
        ("造成5人死亡、6人失踪", "II"),  # deaths plus missing
        ("泸定县发生6.8级地震", "II"),
        ("门源县发生5.2级地震", "III"),
        ("温宿县发生4.6级地震", "IV"),
        ("直接经济损失1.2亿元", "I"),
        ("直接经济损失约1800万元，无人员伤亡", "III"),
        ("重伤12人", "III"),
        ("一起特别重大火灾事故", "I"),
        ("山体滑坡，无人员伤亡", "IV"),
        ("暴雨导致城区内涝，车辆被淹", None),
    ],
)
def test_the_gravest_criterion_sets_the_level(text: str, level: str | None) -> None:
    assert severity_of(read_figures(text), text, CATEGORIES) == level


def test_thresholds_come_from_config(config_dir) -> None:
    edit_config(config_dir, "categories.yaml", {"severity": {"III": {"deaths": 2}}})
    stricter = load_settings({"YUQING_CONFIG": str(config_dir)}).categories
    assert severity_of(read_figures("2人死亡"), "2人死亡", stricter) == "III"
    assert severity_of(read_figures("2人死亡"), "2人死亡", CATEGORIES) == "IV"
