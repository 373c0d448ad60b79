"""The source types: every configured type has its parser, and each parser reads its pages into typed records."""

from __future__ import annotations

import json
from typing import get_args
from zoneinfo import ZoneInfo

import pytest

from crawler.source_types import SOURCE_TYPES
from crawler.source_types.api import ApiSource
from crawler.source_types.base import Page, ParseError
from yuqing.config_models import JsonSource, SourceTypes

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_every_configured_source_type_has_a_parser_for_its_config() -> None:
    configs = {get_args(model.model_fields["type"].annotation)[0]: model for model in get_args(SourceTypes)}
    assert set(SOURCE_TYPES) == set(configs)
    for type_id, parser in SOURCE_TYPES.items():
        [generic] = parser.__orig_bases__  # type: ignore[attr-defined]
        assert get_args(generic) == (configs[type_id],)


def api(**extra: object) -> ApiSource:
    config = {"name": "weibo", "type": "json", "urls": ["https://m.weibo.cn/api?q=lishui"], "interval": "5m"}
    fields = {"media": "weibo", "items": "data.list", "fields": {"text": "content", "id": "mid"}}
    return ApiSource(JsonSource.model_validate({**config, **fields, **extra}), SHANGHAI)


def test_a_paged_api_starts_at_its_first_page_and_stops_at_its_last() -> None:
    source = api(next={"param": "page", "start": 0, "max_pages": 2})
    assert source.first_pages() == ["https://m.weibo.cn/api?q=lishui&page=0"]
    answer = json.dumps({"data": {"list": [{"mid": 7, "content": "莲都区交通管制"}, {"mid": 8}]}})
    first = source.parse_index(Page("https://m.weibo.cn/api?q=lishui&page=0", answer, number=1))
    assert (first.items, [post.external_id for post in first.posts]) == (2, ["7"])  # an item without text is none
    assert first.next_url == "https://m.weibo.cn/api?q=lishui&page=1"
    assert source.parse_index(Page(first.next_url, answer, number=2)).next_url is None


def test_an_api_page_that_is_no_list_of_items_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not JSON"):
        api().parse_index(Page("https://m.weibo.cn/api", "<html>登录</html>"))
    with pytest.raises(ParseError, match=r"'data\.list' is not a list in the answer"):
        api().parse_index(Page("https://m.weibo.cn/api", '{"data": {"list": null}}'))
