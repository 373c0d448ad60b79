"""The pure parts: dates as Chinese sites write them, charsets, canonical URLs, text folding, SimHash."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crawler.dates import find_date, parse_date
from crawler.dedupe import SimHashIndex, distance, simhash
from crawler.encoding import decode_page
from crawler.normalise import canonical_url, normalise_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2026-11-03 14:20", datetime(2026, 11, 3, 14, 20, tzinfo=SHANGHAI)),
        ("2026年11月3日", datetime(2026, 11, 3, tzinfo=SHANGHAI)),
        ("2026年11月3日 14时20分", datetime(2026, 11, 3, 14, 20, tzinfo=SHANGHAI)),
        ("11-03 14:20", datetime(2026, 11, 3, 14, 20, tzinfo=SHANGHAI)),
        ("12-30 10:00", datetime(2025, 12, 30, 10, 0, tzinfo=SHANGHAI)),  # not in the future: last year
        ("3小时前", datetime(2026, 11, 22, 7, 0, tzinfo=SHANGHAI)),
        ("5分钟前", datetime(2026, 11, 22, 9, 55, tzinfo=SHANGHAI)),
        ("昨天 08:15", datetime(2026, 11, 21, 8, 15, tzinfo=SHANGHAI)),
        ("刚刚", NOW),
        ("Tue, 03 Nov 2026 06:20:00 GMT", datetime(2026, 11, 3, 14, 20, tzinfo=SHANGHAI)),
        ("2026-11-03T14:20:00+08:00", datetime(2026, 11, 3, 14, 20, tzinfo=SHANGHAI)),
        (1793600000, datetime(2026, 11, 2, 14, 13, 20, tzinfo=SHANGHAI)),
        ("1793600000000", datetime(2026, 11, 2, 14, 13, 20, tzinfo=SHANGHAI)),
    ],
)
def test_dates_as_sites_write_them_become_aware_datetimes(written, meant) -> None:
    parsed = parse_date(written, SHANGHAI, NOW)
    assert parsed == meant and parsed.tzinfo is not None


def test_text_that_is_no_date_gives_none_and_a_date_in_a_page_is_found() -> None:
    assert parse_date("责任编辑：张三", SHANGHAI, NOW) is None
    assert find_date("来源：丽水市 发布时间：2026-11-03 14:20:11 浏览次数", SHANGHAI) == datetime(
        2026, 11, 3, 14, 20, 11, tzinfo=SHANGHAI
    )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("丽水市人民政府关于防御台风的紧急通知".encode("gbk"), "text/html; charset=gbk"),
        ("丽水市人民政府关于防御台风的紧急通知".encode("gb18030"), None),
        ("丽水市人民政府关于防御台风的紧急通知".encode(), "text/html; charset=gb2312"),  # wrong label
        ("丽水市人民政府关于防御台风的紧急通知".encode("gbk"), "text/html; charset=utf-8"),  # wrong label
    ],
)
def test_pages_decode_whatever_charset_they_declare(body: bytes, content_type: str | None) -> None:
    assert decode_page(body, content_type) == "丽水市人民政府关于防御台风的紧急通知"


def test_big5_pages_decode_by_their_meta_tag() -> None:
    page = "<meta charset='big5'><p>臺灣颱風災情通報，各縣市政府請注意防範</p>"
    assert decode_page(page.encode("big5")) == page


def test_canonical_urls_drop_tracking_parameters_and_fragments() -> None:
    assert (
        canonical_url("HTTP://Www.Lishui.gov.cn:80/art/1.html?utm_source=wx&b=2&a=1#top")
        == "http://www.lishui.gov.cn/art/1.html?a=1&b=2"
    )
    assert (
        canonical_url("https://mp.weixin.qq.com/s?__biz=Mz&mid=2&idx=1&sn=ab&chksm=9&scene=21#wechat_redirect")
        == "https://mp.weixin.qq.com/s?__biz=Mz&idx=1&mid=2&sn=ab"
    )


def test_text_is_stripped_of_markup_and_full_width_forms_folded() -> None:
    assert normalise_text("<p>丽水市　发布&nbsp;通知</p><p>ＡＢＣ１２３，  好</p><script>x()</script>") == (
        "丽水市 发布 通知\nABC123, 好"
    )


def test_simhash_finds_a_repost_with_small_edits_and_not_another_story() -> None:
    story = (
        "丽水市莲都区昨日发生一起交通事故，造成两人受伤，事故原因正在调查中。"
        "当地交警部门已经介入处理，请广大市民注意出行安全，遵守交通规则。"
    )
    repost = "【转发】" + story.replace("遵守交通规则。", "")
    other = "青田县今天举办侨乡文化节开幕式，来自二十多个国家的华侨代表参加活动，展示了各地特色美食和传统手工艺。"
    index = SimHashIndex()
    index.add(1, simhash(story))
    assert distance(simhash(story), simhash(repost)) <= 6
    assert index.nearest(simhash(repost)) == 1
    assert index.nearest(simhash(other)) is None
    assert simhash("太短了") is None
