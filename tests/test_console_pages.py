"""The console's other pages through HTTP: posts (search, paging, raising to a case, correcting labels),
sources, the briefing archive, timeliness; each for the roles that may read it and refused to the others."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from support.console import add_accounts, csrf_of, now, seed_cases, sign_in
from support.factories import add_post, add_source

from monitor.web import create_app
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import AuditEntry, Briefing, Case, LabelCorrection, Obligation, Source, SourceRun


@pytest.fixture
def settings(config_dir: Path):
    return load_settings({"YUQING_CONFIG": str(config_dir)})


@pytest.fixture
def seeded(engine, settings):
    found = seed_cases(engine, settings, now())
    add_accounts(engine)
    return found


@pytest.fixture
def app(engine, settings, seeded):
    return create_app(settings, engine, [])


def client_of(app, username: str) -> TestClient:
    client = TestClient(app)
    assert sign_in(client, username).status_code == 303
    return client


def post_links(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/posts/(\d+)"', page)]


# --- posts --------------------------------------------------------------------------------------------------


@pytest.fixture
def stray(engine) -> int:
    """A labelled post grouping has not reached: a complaint about water in 龙泉市 on a named source."""
    with transaction(session_factory(engine)) as session:
        source = add_source(session, "丽水网", "news")
        post = add_post(
            session,
            "龙泉市剑池街道某小区停水三天，居民只能到外面拎水",
            title="龙泉小区停水三天",
            category="public_interest",
            handling="difficulty",
            domains=("housing",),
            regions=("331181",),
            source=source,
            published_at=now() - timedelta(days=3),
        )
        return post.id


def test_posts_are_found_by_words_category_region_source_and_dates(app, seeded, stray) -> None:
    client = client_of(app, "duty")
    everything = post_links(client.get("/posts").text)
    assert len(everything) == 3 and everything[-1] == stray  # newest first: the stray is three days old
    assert post_links(client.get("/posts", params={"q": "停水 拎水"}).text) == [stray]
    assert post_links(client.get("/posts", params={"q": "停水 爆炸"}).text) == []
    assert len(post_links(client.get("/posts", params={"category": "public_interest"}).text)) == 2
    assert len(post_links(client.get("/posts", params={"priority": "critical"}).text)) == 1
    assert post_links(client.get("/posts", params={"region": "331181"}).text) == [stray]
    assert len(post_links(client.get("/posts", params={"region": "331100"}).text)) == 3  # the city holds all three
    assert post_links(client.get("/posts", params={"source": "丽水网"}).text) == [stray]
    today = now().astimezone(app.state.console.settings.timezone).date()
    recent = client.get("/posts", params={"start": str(today - timedelta(days=2)), "end": str(today)}).text
    assert stray not in post_links(recent) and len(post_links(recent)) == 2


def test_posts_come_a_page_at_a_time(app, engine, seeded) -> None:
    with transaction(session_factory(engine)) as session:
        for n in range(55):
            add_post(session, f"第{n}条测试帖文", category="other", published_at=now() - timedelta(minutes=n))
    client = client_of(app, "duty")
    first = client.get("/posts", params={"category": "other"}).text
    assert len(post_links(first)) == 50 and "下一页" in first and "上一页" not in first
    second = client.get("/posts", params={"category": "other", "page": 2}).text
    assert len(post_links(second)) == 5 and "上一页" in second and "下一页" not in second


def test_a_department_may_not_search_posts_sources_or_briefings(app) -> None:
    client = client_of(app, "environment")
    for path in ("/posts", "/posts/1", "/sources", "/briefings"):
        assert client.get(path).status_code == 403, path


def test_a_post_raised_by_hand_opens_a_case_at_once(app, engine, stray) -> None:
    client = client_of(app, "duty")
    page = client.get(f"/posts/{stray}").text
    assert "龙泉小区停水三天" in page and "未立案" in page and "丽水网" in page
    done = client.post(f"/posts/{stray}/raise", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert done.status_code == 303
    number = int(re.search(r"/cases/(\d+)", done.headers["location"]).group(1))
    with session_factory(engine)() as session:
        case = session.get_one(Case, number)
        assert case.category == "public_interest" and case.assignment.lead.adcode == "331181"
        assert session.scalars(select(Obligation).where(Obligation.case_id == number)).one().kind == "respond"
        actions = [
            (e.actor, e.action) for e in session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(number)))
        ]
    assert ("duty", "case.raise") in actions
    again = client.post(f"/posts/{stray}/raise", data={"csrf_token": csrf_of(client)})
    assert again.status_code == 400 and f"已在{number}号案件中" in again.text


def test_a_post_filed_as_other_is_corrected_before_it_is_raised(app, engine) -> None:
    with transaction(session_factory(engine)) as session:
        post_id = add_post(session, "某小区门口垃圾堆了一周没人清", category="other", regions=("331102",)).id
    client = client_of(app, "duty")
    refused = client.post(f"/posts/{post_id}/raise", data={"csrf_token": csrf_of(client)})
    assert refused.status_code == 400 and "请先更正其类别" in refused.text
    corrected = client.post(
        f"/posts/{post_id}/correct",
        data={"csrf_token": csrf_of(client), "category": "public_interest", "handling": "difficulty", "reason": "民生"},
        follow_redirects=False,
    )
    assert corrected.status_code == 303
    with session_factory(engine)() as session:
        correction = session.scalars(select(LabelCorrection).where(LabelCorrection.post_id == post_id)).one()
        assert (correction.category, correction.priority, correction.regions) == ("public_interest", "high", ["331102"])
    assert "已记录帖文类别更正" in client.get(corrected.headers["location"]).text
    assert client.post(f"/posts/{post_id}/raise", data={"csrf_token": csrf_of(client)}).status_code == 200


def test_only_the_duty_officer_acts_on_posts(app, engine, stray) -> None:
    client = client_of(app, "admin")
    assert "人工立案" not in client.get(f"/posts/{stray}").text
    assert client.post(f"/posts/{stray}/raise", data={"csrf_token": csrf_of(client)}).status_code == 403
    with session_factory(engine)() as session:
        assert len(session.scalars(select(Case)).all()) == 2  # the two seeded cases, no third


# --- sources, briefings, timeliness -------------------------------------------------------------------------


def test_sources_show_their_health_and_why_they_fail(app, engine) -> None:
    moment = now()
    with transaction(session_factory(engine)) as session:
        good = Source(
            name="丽水网", type="rss", media="news", last_run_at=moment, last_success_at=moment, last_items=12
        )
        bad = Source(
            name="某论坛", type="html", media="forum", last_run_at=moment, consecutive_failures=3,
            last_error_kind="captcha", last_error="验证码页面",
        )  # fmt: skip
        session.add_all([good, bad])
        session.flush()
        session.add(SourceRun(source_id=bad.id, started_at=moment, status="failed", items=0, error_kind="captcha"))
    page = client_of(app, "duty").get("/sources").text
    assert page.index("某论坛") < page.index("丽水网")  # failing first
    for words in ("遇到验证码：验证码页面", "异常", "正常", "新闻网站", "论坛", "失败（遇到验证码）"):
        assert words in page


def test_briefings_are_listed_and_each_format_downloads(app, engine, tmp_path) -> None:
    docx, markdown = tmp_path / "舆情日报-2026-11-18.docx", tmp_path / "舆情日报-2026-11-18.md"
    docx.write_bytes(b"PK word file")
    markdown.write_text("# 舆情日报", encoding="utf-8")
    moment = now()
    with transaction(session_factory(engine)) as session:
        session.add(
            Briefing(
                period="day", period_start=moment - timedelta(days=1), period_end=moment, generated_at=moment,
                files={"docx": str(docx), "md": str(markdown)}, figures={}, text="",
            )
        )  # fmt: skip
    client = client_of(app, "duty")
    page = client.get("/briefings").text
    assert "舆情日报" in page and "Word" in page and "Markdown" in page
    (briefing_id,) = set(re.findall(r'href="/briefings/(\d+)/', page))
    word = client.get(f"/briefings/{briefing_id}/docx")
    assert word.status_code == 200 and word.content == b"PK word file"
    assert "wordprocessingml" in word.headers["content-type"]
    assert client.get(f"/briefings/{briefing_id}/md").text == "# 舆情日报"
    assert client.get(f"/briefings/{briefing_id}/html").status_code == 404
    assert client.get(f"/briefings/{briefing_id}/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_timeliness_gives_each_body_its_on_time_rate_and_breaches(app, engine, seeded) -> None:
    moment = now()
    with transaction(session_factory(engine)) as session:
        release = session.scalars(
            select(Obligation).where(Obligation.case_id == seeded.explosion, Obligation.kind == "release")
        ).one()
        release.due_at, release.status = moment - timedelta(minutes=10), "breached"
        respond = session.scalars(select(Obligation).where(Obligation.case_id == seeded.complaint)).one()
        respond.due_at, respond.status, respond.met_at = moment - timedelta(hours=1), "met", moment - timedelta(hours=2)
    duty = client_of(app, "duty").get("/timeliness").text
    rows = re.findall(r"<tr class=\"clock-\w+\">\s*<td>([^<]+)</td>\s*<td>(\d+)%</td>", duty)
    assert rows == [("浙江省应急管理部门", "0"), ("丽水市生态环境局莲都分局", "100")]
    assert f"{seeded.explosion}号案件" in duty and "发布权威信息" in duty and "尚未完成" in duty
    own = client_of(app, "environment").get("/timeliness").text
    assert "丽水市生态环境局莲都分局" in own and "浙江省应急管理部门" not in own
    earlier = client_of(app, "duty").get("/timeliness", params={"start": "2026-01-01", "end": "2026-01-31"}).text
    assert "该时段内没有到期的回应时限" in earlier


# --- administration -----------------------------------------------------------------------------------------


def test_an_admin_adds_a_department_account_that_then_signs_in(app, engine) -> None:
    client = client_of(app, "admin")
    added = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf_of(client),
            "username": "housing",
            "role": "department",
            "bodies": "331102:housing\n331100:housing",
            "password": "housing passphrase",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    listing = client.get("/admin/users").text
    assert "莲都区住房和城乡建设" in listing and "责任部门" in listing
    refused = client.post(
        "/admin/users",
        data={"csrf_token": csrf_of(client), "username": "x", "role": "department", "password": "housing passphrase"},
    )
    assert refused.status_code == 400 and "give the bodies" in refused.text
    assert sign_in(TestClient(app), "housing", "housing passphrase").status_code == 303
    with session_factory(engine)() as session:
        assert ("admin", "user.add") in [(e.actor, e.action) for e in session.scalars(select(AuditEntry))]


def test_an_admin_disables_an_account_and_its_sessions_end(app) -> None:
    duty = client_of(app, "duty")
    admin = client_of(app, "admin")
    assert admin.post("/admin/users/duty/disable", data={"csrf_token": csrf_of(admin)}).status_code == 200
    assert duty.get("/", follow_redirects=False).status_code == 303
    assert sign_in(TestClient(app), "duty").status_code == 401
    assert admin.post("/admin/users/admin/disable", data={"csrf_token": csrf_of(admin)}).status_code == 400


def test_only_an_admin_reaches_accounts_and_configuration(app) -> None:
    for role in ("duty", "environment"):
        client = client_of(app, role)
        assert client.get("/admin/users").status_code == 403
        assert client.get("/admin/config").status_code == 403
        assert client.post("/admin/users/admin/disable", data={"csrf_token": csrf_of(client)}).status_code == 403
    config = client_of(app, "admin").get("/admin/config").text
    assert "timers.yaml" in config and "release_hours" in config and "organisations.yaml" in config
