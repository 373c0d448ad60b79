import re
from pathlib import Path

import pytest
from pydantic import ValidationError

import yuqing.expressions
from classifier.schemes import SchemeHit, apply_schemes, compile_schemes, decide
from yuqing.config_models import Scheme, SchemesConfig
from yuqing.settings import ConfigError, load_settings


def schemes(*entries: dict[str, object]) -> SchemesConfig:
    return SchemesConfig.model_validate({"schemes": list(entries)})


def hit(name: str, set_category: str | None = None, raise_priority: str | None = None) -> SchemeHit:
    return SchemeHit(name, set_category, raise_priority)


def test_shipped_schemes_parse_and_tag_a_lishui_explosion(config_dir: Path) -> None:
    compiled = compile_schemes(load_settings({"YUQING_CONFIG": str(config_dir)}).schemes)
    assert [s.name for s in compiled] == ["丽水-安全生产", "丽水-辟谣"]
    hits = apply_schemes(compiled, "莲都区一化工厂爆炸", "现场浓烟滚滚，消防正在处置。")
    assert hits == [hit("丽水-安全生产", set_category="emergency")]
    assert apply_schemes(compiled, "莲都区开展化工厂爆炸应急演练", "演练持续两小时。") == []


def test_a_bad_expression_is_a_config_error_naming_the_scheme_key_path(config_dir: Path) -> None:
    path = config_dir / "schemes.yaml"
    path.write_text(
        "schemes:\n  - {name: ok, expression: 丽水 火灾}\n  - {name: broken, expression: '(丽水 AND'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings({"YUQING_CONFIG": str(config_dir)})
    expected = (
        f"{path}: schemes[1].expression: got '(丽水 AND'; "
        "expected a valid keyword expression (expected a word or '(' after AND at 5)"
    )
    assert str(caught.value) == expected


def test_a_scheme_looking_at_no_field_is_refused() -> None:
    with pytest.raises(ValidationError, match=re.escape("fields")):
        Scheme(name="x", expression="丽水", fields=[])


def test_disabled_schemes_are_not_compiled() -> None:
    config = schemes({"name": "on", "expression": "丽水"}, {"name": "off", "expression": "丽水", "enabled": False})
    assert [s.name for s in compile_schemes(config)] == ["on"]


def test_hits_come_in_file_order_with_what_they_set() -> None:
    config = schemes(
        {"name": "general", "expression": "丽水"},
        {"name": "fire", "expression": "丽水 火灾", "set_category": "emergency", "raise_priority": "high"},
        {"name": "rumor", "expression": "谣言"},
    )
    hits = apply_schemes(compile_schemes(config), "丽水火灾", "")
    assert hits == [hit("general"), hit("fire", "emergency", "high")]


def test_a_scheme_on_both_fields_combines_title_and_text() -> None:
    compiled = compile_schemes(schemes({"name": "s", "expression": "丽水 AND 火灾"}))
    assert apply_schemes(compiled, "丽水突发", "一仓库发生火灾")


def test_a_title_only_scheme_ignores_the_text_and_a_text_only_one_the_title() -> None:
    compiled = compile_schemes(
        schemes(
            {"name": "title", "expression": "火灾", "fields": ["title"]},
            {"name": "text", "expression": "火灾", "fields": ["text"]},
        )
    )
    assert [h.name for h in apply_schemes(compiled, "丽水火灾", "现场")] == ["title"]
    assert [h.name for h in apply_schemes(compiled, "丽水", "发生火灾")] == ["text"]


def test_a_word_shared_by_many_schemes_is_searched_once_per_post(monkeypatch: pytest.MonkeyPatch) -> None:
    searches: list[str] = []

    class CountingText(str):
        def __contains__(self, word: object) -> bool:
            searches.append(str(word))
            return super().__contains__(str(word))

    compiled = compile_schemes(
        schemes(*({"name": f"s{i}", "expression": f"(丽水 OR 莲都) AND 事件{i}"} for i in range(50)))
    )
    monkeypatch.setattr(yuqing.expressions, "fold", lambda text: CountingText(text.lower()))
    assert apply_schemes(compiled, "杭州新闻", "与丽水无关的正文") == []
    assert searches.count("丽水") == 1  # found once, remembered for the other 49 schemes
    assert "莲都" not in searches  # OR stopped at 丽水
    assert sorted(searches) == sorted(["丽水", *(f"事件{i}" for i in range(50))])


def test_decide_keeps_category_and_priority_without_hits() -> None:
    assert decide("policy", "high", []) == ("policy", "high")


def test_decide_takes_the_category_of_the_first_hit_that_sets_one() -> None:
    hits = [hit("tag only"), hit("fire", set_category="emergency"), hit("rumor", set_category="rumor")]
    assert decide("other", "low", hits) == ("emergency", "low")


def test_decide_raises_priority_to_the_highest_hit() -> None:
    hits = [hit("a", raise_priority="high"), hit("b", raise_priority="critical"), hit("c")]
    assert decide("other", "low", hits) == ("other", "critical")


def test_decide_never_lowers_priority() -> None:
    assert decide("emergency", "critical", [hit("a", raise_priority="high")]) == ("emergency", "critical")
