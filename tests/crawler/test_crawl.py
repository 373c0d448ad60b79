"""`yuqing crawl` against the real fixture site: collection, incrementality, failures, robots, dedupe, health."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import yaml
from sqlalchemy import select
from support.sources import gov_html, link_page, pages, rss, weibo_api

from yuqing.settings import PROJECT_ROOT
from yuqing.storage.database import session_factory
from yuqing.storage.models import Notification, Post, Source, SourceRun


def stored(engine) -> list[Post]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Post).order_by(Post.id)))


def test_feeds_gov_lists_pages_and_apis_are_collected_decoded_and_dated(crawl, site, engine, tmp_path) -> None:
    out = tmp_path / "new.jsonl"
    charsets = link_page(
        site, "/charsets.html", ["/pages/big5.html", "/pages/wrong-charset.html", "/pages/malformed.html"]
    )
    sources = [
        rss("lishui-rss", f"{site.url}/feeds/rss.xml", f"{site.url}/feeds/atom.xml"),
        gov_html(f"{site.url}/gov/list.html"),
        pages("charsets", charsets),
        weibo_api(f"{site.url}/api/posts"),
    ]
    result = crawl(sources, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "lishui-rss: ok, 5 items, 5 new" in result.stdout
    assert "lishui-gov: ok, 6 items, 6 new" in result.stdout  # two list pages of three
    assert "weibo-search: ok, 6 items, 6 new" in result.stdout  # two API pages, the third empty
    posts = {p.title or p.external_id: p for p in stored(engine)}

    feed = posts["丽水市发布寒潮蓝色预警"]
    assert feed.canonical_url == f"{site.url}/news/1.html"  # utm_source and the fragment dropped
    assert feed.published_at == datetime(2026, 11, 3, 6, 20, tzinfo=UTC)
    assert feed.text.startswith("受强冷空气影响") and "<p>" not in feed.text and "&nbsp;" not in feed.text
    atom = posts["龍泉市青瓷文化節開幕"]
    assert atom.text_simplified == "龙泉市第十届青瓷文化节今日开幕,吸引众多游客。"  # the original stays in `text`
    assert atom.raw_text.startswith("龍泉市")

    gov = posts["关于碧湖镇工地坍塌事件的情况通报(2)"]  # ArticleTitle meta, full-width brackets folded
    assert gov.meta["ContentSource"] == "丽水市应急管理局" and gov.meta["ColumnName"] == "政务动态"
    assert gov.published_at == datetime(2026, 11, 3, 6, 20, tzinfo=UTC)  # PubDate 14:20 in Asia/Shanghai
    assert "莲都区碧湖镇" in gov.text and gov.media == "gov"

    assert posts["臺灣颱風災情通報"].text.startswith("臺灣颱風災情通報")  # Big5
    wrong = posts["缙云县召开秋季安全生产会议"]  # says GBK, is UTF-8
    assert "落实安全生产责任制" in wrong.text
    assert wrong.published_at is not None  # 昨天 08:15
    assert any("遂昌县城北路" in p.text for p in posts.values())  # malformed HTML still read

    weibo = posts["wb11"]
    assert (weibo.author, weibo.reposts, weibo.comments, weibo.likes) == ("丽水网友1", 12000, 35, 7)
    assert posts["wb10"].published_at is not None  # 3小时前

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(posts)
    assert set(lines[0]) == {"id", "title", "text", "source", "url", "published_at", "media", "author", "duplicate_of"}


def test_a_second_run_fetches_no_stored_article_again_and_asks_feeds_conditionally(crawl, site, engine) -> None:
    sources = [rss("lishui-rss", f"{site.url}/feeds/rss.xml"), gov_html(f"{site.url}/gov/list.html")]
    assert crawl(sources).returncode == 0
    site.gov_pages, site.per_page = 1, 7  # the first list page now shows all six and one new article
    second = crawl(sources)
    assert second.returncode == 0, second.stderr
    assert "lishui-rss: ok, 0 items, 0 new" in second.stdout  # 304 Not Modified
    assert "lishui-gov: ok, 7 items, 1 new" in second.stdout
    assert site.conditional_hits["/feeds/rss.xml"] == 1
    assert all(site.hits[f"/gov/art/{n}.html"] == 1 for n in range(1, 7))
    assert len(stored(engine)) == 3 + 7


def test_each_failure_is_named_and_one_broken_source_never_stops_the_others(crawl, site) -> None:
    sources = [
        rss("missing", f"{site.url}/no/such/feed.xml"),
        rss("server-error", f"{site.url}/status/500"),
        rss("slow", f"{site.url}/slow"),
        rss("loop", f"{site.url}/loop"),
        rss("huge", f"{site.url}/huge.html"),
        rss("captcha", f"{site.url}/captcha.html"),
        rss("good", f"{site.url}/feeds/rss.xml"),
    ]
    result = crawl(sources)
    assert result.returncode == 0, result.stderr
    lines = {line.split(":")[0]: line for line in result.stdout.splitlines()}
    assert "failed" in lines["missing"] and "http_status" in lines["missing"] and "HTTP 404" in lines["missing"]
    assert "HTTP 500" in lines["server-error"]
    assert "timeout" in lines["slow"]
    assert "redirect_loop" in lines["loop"]
    assert "too_large" in lines["huge"]
    assert "captcha" in lines["captcha"]
    assert "1 failure(s) in a row, last success never" in lines["captcha"]
    assert lines["good"] == "good: ok, 3 items, 3 new"
    assert site.hits["/status/500"] == 2  # retried once


def test_python_m_crawler_is_yuqing_crawl(crawl, site, tmp_path) -> None:
    out = tmp_path / "new.jsonl"
    sources = [rss("good", f"{site.url}/feeds/rss.xml"), rss("missing", f"{site.url}/gone.xml")]
    result = crawl(sources, "--out", str(out), module=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "good: ok, 3 items, 3 new",
        f"missing: failed, 0 items, 0 new; http_status: {site.url}/gone.xml: HTTP 404; "
        "1 failure(s) in a row, last success never",
    ]
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert crawl(sources[1:], module=True).returncode == 1  # every source failed
    unknown = crawl(sources, "--source", "nope", module=True)
    assert unknown.returncode == 1
    assert unknown.stderr == "yuqing: unknown source(s) nope; configured: good, missing\n"


def test_every_source_failing_exits_non_zero(crawl, site) -> None:
    result = crawl([rss("missing", f"{site.url}/gone.xml"), rss("broken", f"{site.url}/status/500")])
    assert result.returncode == 1
    assert "missing: failed" in result.stdout and "broken: failed" in result.stdout


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("<html><body>系统维护中</body></html>", "not JSON"),
        ('{"data": {"list": "维护中"}}', "'data.list' is not a list in the answer"),
    ],
)
def test_a_page_its_parser_cannot_read_is_a_failed_run_from_the_first_one(crawl, site, engine, answer, reason) -> None:
    site.extra["/api/broken"] = (200, "application/json", answer.encode())
    result = crawl([weibo_api(f"{site.url}/api/broken")])
    assert result.returncode == 1
    assert "weibo-search: failed, 0 items, 0 new; parse" in result.stdout and reason in result.stdout
    with session_factory(engine)() as session:
        (run,) = session.scalars(select(SourceRun))
        assert (run.status, run.error_kind) == ("failed", "parse")


def test_robots_txt_disallowed_pages_are_never_fetched_at_normal_concurrency(crawl, site) -> None:
    targets = [f"/{folder}/{n}.html" for n in range(6) for folder in ("private", "public")]
    listing = link_page(site, "/links.html", targets)
    start_urls = [f"{site.url}{target}" for target in targets]  # queued at once, before robots.txt is read
    sources = [pages("listed", listing), {**rss("direct", *start_urls), "type": "rss"}]
    crawl(sources, settings={"CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 8})
    assert site.hits["/robots.txt"] == 1
    assert not [path for path in site.hits if path.startswith("/private/")]
    assert all(site.hits[f"/public/{n}.html"] >= 1 for n in range(6))


def test_no_more_requests_are_open_at_once_to_one_site_than_the_per_domain_limit(crawl, site) -> None:
    site.gov_pages, site.per_page, site.detail_delay = 1, 12, 0.2  # twelve article links queued at once
    result = crawl([gov_html(f"{site.url}/gov/list.html")], settings={"CONCURRENT_REQUESTS_PER_DOMAIN": 3})
    assert "ok, 12 items, 12 new" in result.stdout, result.stdout + result.stderr
    assert site.peak_open_articles == 3


def test_a_source_may_turn_robots_txt_off(crawl, site) -> None:
    listing = link_page(site, "/links.html", ["/private/1.html"])
    result = crawl([{**pages("own-site", listing), "obey_robots": False}])
    assert result.returncode == 0, result.stderr
    assert site.hits["/private/1.html"] == 1


def _article(prefix: str, body: str, title: str) -> bytes:
    page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><div class='content'>{prefix}{body}</div>"
    return (page + "</body></html>").encode()


def test_copies_and_near_copies_are_linked_to_the_first_post_and_counted_as_its_spread(crawl, site, engine) -> None:
    body = (
        "丽水市莲都区昨日发生一起交通事故，造成两人受伤，事故原因正在调查中。当地交警部门已经介入处理，"
        "请广大市民注意出行安全，遵守交通规则，文明驾驶，礼让行人。"
    )
    traditional = (
        body.replace("丽水市", "麗水市").replace("发生", "發生").replace("调查", "調查").replace("处理", "處理")
    )
    site.extra["/a/original.html"] = (200, "text/html; charset=utf-8", _article("", body, "莲都区交通事故"))
    site.extra["/a/exact.html"] = (200, "text/html; charset=utf-8", _article("", traditional, "莲都区交通事故"))
    near = body.replace("文明驾驶，", "")
    site.extra["/a/near.html"] = (200, "text/html; charset=utf-8", _article("【转载】", near, "莲都区交通事故"))
    other = "青田县今天举办侨乡文化节开幕式，来自二十多个国家的华侨代表参加活动，展示了各地的特色美食和传统手工艺。"
    site.extra["/a/other.html"] = (200, "text/html; charset=utf-8", _article("", other, "青田侨乡文化节"))
    listing = link_page(site, "/copies.html", ["/a/original.html"])
    crawl([{**pages("first", listing), "detail": {"title": "h1::text", "text": "div.content"}}])
    listing = link_page(site, "/copies2.html", ["/a/exact.html", "/a/near.html", "/a/other.html"])
    result = crawl([{**pages("second", listing), "detail": {"title": "h1::text", "text": "div.content"}}])
    assert result.returncode == 0, result.stderr
    posts = {p.url.rsplit("/", 1)[1]: p for p in stored(engine)}
    original = posts["original.html"]
    assert posts["exact.html"].duplicate_of_id == original.id
    assert posts["near.html"].duplicate_of_id == original.id
    assert posts["other.html"].duplicate_of_id is None
    assert original.spread == 3


def test_three_failed_runs_in_a_row_raise_one_health_alert(crawl, site, engine) -> None:
    sources = [rss("dead", f"{site.url}/status/500")]
    outputs = [crawl(sources).stdout for _ in range(4)]
    assert "3 failure(s) in a row" in outputs[2] and "health alert sent" in outputs[2]
    assert "health alert sent" not in outputs[3]  # same episode: no second alert
    with session_factory(engine)() as session:
        alerts = session.scalars(select(Notification).where(Notification.kind == "source_health")).all()
        source = session.scalar(select(Source).where(Source.name == "dead"))
        runs = session.scalars(select(SourceRun).where(SourceRun.source_id == source.id)).all()
    assert len(alerts) == 1
    assert alerts[0].payload.reason == "http_status" and alerts[0].payload.source == "dead"
    assert source.consecutive_failures == 4 and source.last_error_kind == "http_status"
    assert [run.status for run in runs] == ["failed"] * 4


def test_a_collapse_in_volume_raises_one_health_alert_by_the_sources_files_rules(crawl, site, engine) -> None:
    rules = {"collapse_fraction": 0.5, "collapse_baseline_runs": 2, "collapse_min_items": 4}
    targets = [f"/public/{n}.html" for n in range(8)]
    listing = link_page(site, "/news.html", targets)
    for _ in range(2):  # the baseline: eight links a run
        assert "news: ok, 8 items" in crawl([pages("news", listing)], health=rules).stdout
    link_page(site, "/news.html", targets[:3])  # three is under half of eight
    collapsed = crawl([pages("news", listing)], health=rules).stdout
    again = crawl([pages("news", listing)], health=rules).stdout
    assert "news: ok, 3 items, 0 new; volume_collapse: 3 items, under 50% of the recent runs' median" in collapsed
    assert "health alert sent" in collapsed and "health alert sent" not in again  # one alert per episode
    with session_factory(engine)() as session:
        alerts = session.scalars(select(Notification).where(Notification.kind == "source_health")).all()
    assert [alert.payload.reason for alert in alerts] == ["volume_collapse"]


def test_a_source_sends_the_cookies_its_environment_variable_holds(crawl, site) -> None:
    listing = link_page(site, "/members.html", ["/public/1.html"])
    source = {**pages("forum", listing), "cookies_env": "FORUM_COOKIES"}
    result = crawl([source], env={"FORUM_COOKIES": "SUB=abc123; lang=zh-CN"})
    assert "forum: ok, 1 items, 1 new" in result.stdout, result.stdout + result.stderr
    for path in ("/members.html", "/public/1.html"):
        assert sorted(site.cookies[path].split("; ")) == ["SUB=abc123", "lang=zh-CN"]


@pytest.mark.parametrize("module", [False, True], ids=["yuqing crawl", "python -m crawler"])
def test_a_cookie_variable_that_is_no_cookie_string_stops_the_run_naming_the_source(crawl, site, module) -> None:
    source = {**pages("forum", link_page(site, "/members.html", [])), "cookies_env": "FORUM_COOKIES"}
    result = crawl([source], env={"FORUM_COOKIES": "SUB=abc; 会话 token"}, module=module)
    assert result.returncode == 1
    assert "forum: $FORUM_COOKIES is not a cookie string" in result.stderr
    assert not site.hits


def test_a_list_that_stops_listing_items_is_a_failed_run_not_a_quiet_one(crawl, site, engine) -> None:
    listing = link_page(site, "/news.html", ["/public/1.html"])
    assert "ok, 1 items, 1 new" in crawl([pages("news", listing)]).stdout
    site.extra["/news.html"] = (
        200,
        "text/html",
        "<html><body><div class='new-layout'>改版</div></body></html>".encode(),
    )
    result = crawl([pages("news", listing)])
    assert "news: failed, 0 items, 0 new; empty_parse" in result.stdout


def test_the_bundled_samples_crawl_the_same_over_http(crawl, site, engine) -> None:
    catalogue = yaml.safe_load((PROJECT_ROOT / "config" / "sources.yaml").read_text(encoding="utf-8"))
    sources = [
        {**source, "urls": [url.replace("file:samples/", f"{site.url}/samples/") for url in source["urls"]]}
        for source in catalogue["sources"]
    ]
    result = crawl(sources)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert set(lines) == {"lishui-gov-rss", "lishui-gov-news", "weibo-lishui"}
    assert all(line.startswith("ok, ") and " 0 new" not in line for line in lines.values()), lines
    assert lines["lishui-gov-news"].startswith("ok, 4 items, 4 new")  # two GBK list pages, four articles
    assert site.hits["/samples/weibo/search.json"] == 3  # ?page=1..3 of the paged API
    gov = [post for post in stored(engine) if post.url and "/lishui-gov/art/" in post.url]
    assert len(gov) == 4 and all(post.title and post.published_at for post in gov)
