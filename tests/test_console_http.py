"""The console through HTTP, for every role and every forbidden path: the real app (`monitor.web.create_app`)
on the test database, driven by FastAPI's TestClient."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from support.console import PASSWORD, add_accounts, csrf_of, login_form_token, now, seed_cases, sign_in

from monitor.web import create_app
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import AuditEntry, Case, ConsoleSession, Obligation, User


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


def client_of(app, username: str | None = None, base_url: str = "http://testserver") -> TestClient:
    client = TestClient(app, base_url=base_url)
    if username:
        assert sign_in(client, username).status_code == 303
    return client


def obligation(engine, case_id: int, kind: str) -> Obligation:
    with session_factory(engine)() as session:
        return session.scalars(select(Obligation).where(Obligation.case_id == case_id, Obligation.kind == kind)).one()


def case_status(engine, case_id: int) -> str:
    with session_factory(engine)() as session:
        return session.get_one(Case, case_id).status


def audit_actions(engine) -> list[tuple[str, str]]:
    with session_factory(engine)() as session:
        return [(e.actor, e.action) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# --- signing in ---------------------------------------------------------------------------------------------


def test_without_a_session_pages_send_to_the_login_and_the_api_answers_401(app, seeded) -> None:
    client = client_of(app)
    page = client.get(f"/cases/{seeded.explosion}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/login?next=/cases/{seeded.explosion}"
    assert client.get("/api/cases").status_code == 401
    assert client.get(f"/api/cases/{seeded.explosion}").status_code == 401
    assert client.post(f"/api/cases/{seeded.explosion}/ack", json={}).status_code == 401


def test_signing_in_sets_an_httponly_samesite_cookie_secure_over_tls(app) -> None:
    plain = sign_in(client_of(app), "duty")
    cookie = plain.headers["set-cookie"]
    assert "yuqing_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie
    secure = sign_in(client_of(app, base_url="https://testserver"), "duty")
    assert "Secure" in secure.headers["set-cookie"]


def test_a_wrong_password_is_refused_and_audited(app, engine) -> None:
    refused = sign_in(client_of(app), "duty", "not the password")
    assert refused.status_code == 401 and "用户名或密码错误" in refused.text
    assert ("duty", "user.login_failed") in audit_actions(engine)


def test_the_login_form_needs_its_csrf_token(app) -> None:
    client = client_of(app)
    login_form_token(client)
    forged = client.post("/login", data={"username": "duty", "password": PASSWORD, "csrf_token": "forged"})
    assert forged.status_code == 403 and "yuqing_session" not in client.cookies


def test_after_five_failures_an_account_is_locked_even_with_the_right_password(app, engine) -> None:
    client = client_of(app)
    for _ in range(5):
        assert sign_in(client, "duty", "wrong guess").status_code == 401
    locked = sign_in(client, "duty")
    assert locked.status_code == 429 and "登录失败次数过多" in locked.text
    assert ("duty", "user.login_blocked") in audit_actions(engine)
    assert sign_in(client, "admin").status_code == 303  # another account from the same address still signs in


def test_twenty_failures_from_one_address_lock_every_account_from_it(app) -> None:
    client = client_of(app)
    for attempt in range(20):
        assert sign_in(client, f"guess{attempt}", "wrong guess").status_code == 401
    assert sign_in(client, "admin").status_code == 429


def test_the_login_never_redirects_to_another_site(app) -> None:
    client = client_of(app)
    token = login_form_token(client)
    done = client.post(
        "/login",
        data={"username": "duty", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"


def test_signing_out_ends_the_session_on_the_server(app, engine) -> None:
    client = client_of(app, "duty")
    stolen = client.cookies["yuqing_session"]
    assert client.post("/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies={"yuqing_session": stolen})
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert ("duty", "user.logout") in audit_actions(engine)


def test_signing_out_needs_the_csrf_token(app) -> None:
    client = client_of(app, "duty")
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200


def test_a_disabled_account_is_signed_out_at_once(app, engine) -> None:
    client = client_of(app, "duty")
    with transaction(session_factory(engine)) as session:
        session.scalars(select(User).where(User.username == "duty")).one().active = False
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_database_keeps_only_a_hash_of_the_session_token(app, engine) -> None:
    client = client_of(app, "duty")
    with session_factory(engine)() as session:
        (stored,) = session.scalars(select(ConsoleSession)).all()
    assert stored.id != client.cookies["yuqing_session"] and len(stored.id) == 64


# --- the board ----------------------------------------------------------------------------------------------


def test_the_duty_officer_sees_every_open_case_nearest_deadline_first_in_chinese(app, seeded) -> None:
    board = client_of(app, "duty").get("/")
    assert board.status_code == 200
    rows = re.findall(r'<tr class="clock-(\w+)">.*?href="/cases/(\d+)"', board.text, re.S)
    # The explosion's release is due in 4 h, the complaint's response in 18 h.
    assert rows == [("on_time", str(seeded.explosion)), ("warning", str(seeded.complaint))]
    for words in (
        "特急",
        "重大（Ⅱ级）",
        "重大突发事件和自然灾害",
        "浙江省应急管理部门",
        "莲都区",
        "发布权威信息",
        "临近时限",
    ):
        assert words in board.text


def test_the_board_filters_by_category_priority_body_and_region(app, seeded) -> None:
    client = client_of(app, "duty")

    def numbers(query: str) -> list[str]:
        return re.findall(r'href="/cases/(\d+)"', client.get(f"/board/rows?{query}").text)

    assert numbers("category=public_interest") == [str(seeded.complaint)]
    assert numbers("priority=critical") == [str(seeded.explosion)]
    assert numbers("body=331102:environment") == [str(seeded.complaint)]
    assert numbers("region=331102") == [str(seeded.explosion), str(seeded.complaint)]
    assert numbers("region=110000") == []


def test_a_department_sees_only_cases_it_has_a_part_in(app, seeded) -> None:
    environment = client_of(app, "environment")
    assert re.findall(r'href="/cases/(\d+)"', environment.get("/").text) == [str(seeded.complaint)]
    assert [row["number"] for row in environment.get("/api/cases").json()] == [seeded.complaint]
    emergency = client_of(app, "emergency")
    assert [row["number"] for row in emergency.get("/api/cases").json()] == [seeded.explosion]


# --- a department and another department's case -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/cases/{n}", None),
        ("get", "/api/cases/{n}", None),
        ("post", "/cases/{n}/ack", "form"),
        ("post", "/cases/{n}/release", "form"),
        ("post", "/api/cases/{n}/ack", "json"),
        ("post", "/api/cases/{n}/release", "json"),
    ],
)
def test_another_departments_case_answers_404_like_a_case_that_does_not_exist(
    app, engine, seeded, method, path, body
) -> None:
    client = client_of(app, "environment")
    token = csrf_of(client)
    kwargs = {}
    if body == "form":
        kwargs["data"] = {"csrf_token": token}
    elif body == "json":
        kwargs["json"] = {}
        kwargs["headers"] = {"X-CSRF-Token": token}
    foreign = getattr(client, method)(path.format(n=seeded.explosion), **kwargs)
    missing = getattr(client, method)(path.format(n=999), **kwargs)
    assert foreign.status_code == missing.status_code == 404
    assert case_status(engine, seeded.explosion) == "open"


# --- what each role may do ----------------------------------------------------------------------------------


def test_a_department_records_its_response_with_when_and_the_evidence(app, engine, seeded, settings) -> None:
    client = client_of(app, "environment")
    at = now() - timedelta(hours=2)
    local = at.astimezone(settings.timezone).strftime("%Y-%m-%dT%H:%M")
    done = client.post(
        f"/cases/{seeded.complaint}/respond",
        data={"csrf_token": csrf_of(client), "at": local, "evidence_url": "https://gov.example.cn/notice/1"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{seeded.complaint}?done=respond"
    met = obligation(engine, seeded.complaint, "respond")
    assert met.status == "met" and met.met_at == at.replace(second=0)
    assert met.evidence_url == "https://gov.example.cn/notice/1"
    assert ("environment", "case.respond") in audit_actions(engine)
    page = client.get(done.headers["location"])
    assert "已记录：回应关切" in page.text and "按时" in page.text and "https://gov.example.cn/notice/1" in page.text


@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("close", {}),
        ("dismiss", {"reason": "误报"}),
        ("reassign", {"adcode": "331100", "domain": "environment"}),
        ("correct", {"category": "credibility", "reason": "其实是作风问题"}),
        ("merge", {"into": "1"}),
        ("split", {"posts": "1"}),
        ("attach", {"posts": "1"}),
    ],
)
def test_a_department_may_not_end_move_or_relabel_its_own_case(app, engine, seeded, action, form) -> None:
    client = client_of(app, "environment")
    refused = client.post(f"/cases/{seeded.complaint}/{action}", data={"csrf_token": csrf_of(client), **form})
    assert refused.status_code == 403 and "无权" in refused.text
    assert case_status(engine, seeded.complaint) == "open"


def test_an_admin_sees_cases_but_does_not_act_on_them(app, engine, seeded) -> None:
    client = client_of(app, "admin")
    assert client.get(f"/cases/{seeded.explosion}").status_code == 200
    refused = client.post(f"/cases/{seeded.explosion}/ack", data={"csrf_token": csrf_of(client)})
    assert refused.status_code == 403 and case_status(engine, seeded.explosion) == "open"


def test_an_action_without_the_csrf_token_changes_nothing(app, engine, seeded) -> None:
    client = client_of(app, "duty")
    forged = client.post(f"/cases/{seeded.explosion}/ack", data={"csrf_token": "forged"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert client.post(f"/api/cases/{seeded.explosion}/ack", json={}).status_code == 403
    assert case_status(engine, seeded.explosion) == "open"


def test_the_duty_officer_records_the_release_and_its_clock_ends(app, engine, seeded, settings) -> None:
    client = client_of(app, "duty")
    token = csrf_of(client)
    assert client.post(f"/cases/{seeded.explosion}/ack", data={"csrf_token": token}).status_code == 200
    local = now().astimezone(settings.timezone).strftime("%Y-%m-%dT%H:%M")
    page = client.post(
        f"/cases/{seeded.explosion}/release",
        data={"csrf_token": token, "at": local, "evidence_url": "https://gov.example.cn/release"},
    )
    assert page.status_code == 200 and "已记录：发布权威信息" in page.text
    assert obligation(engine, seeded.explosion, "release").status == "met"
    assert case_status(engine, seeded.explosion) == "released"
    assert [a for a in audit_actions(engine) if a[1].startswith("case.")][-2:] == [
        ("duty", "case.ack"),
        ("duty", "case.release"),
    ]


def test_an_action_that_does_not_fit_the_case_says_why_and_changes_nothing(app, engine, seeded) -> None:
    client = client_of(app, "duty")
    refused = client.post(f"/cases/{seeded.complaint}/release", data={"csrf_token": csrf_of(client)})
    assert refused.status_code == 400 and "respond" in refused.text
    bad_link = client.post(
        f"/cases/{seeded.complaint}/respond", data={"csrf_token": csrf_of(client), "evidence_url": "not a link"}
    )
    assert bad_link.status_code == 400 and "依据链接填写有误" in bad_link.text
    assert case_status(engine, seeded.complaint) == "open"


def test_the_duty_officer_dismisses_with_a_reason_and_the_case_leaves_the_board(app, engine, seeded) -> None:
    client = client_of(app, "duty")
    client.post(f"/cases/{seeded.complaint}/dismiss", data={"csrf_token": csrf_of(client), "reason": "广告帖"})
    assert case_status(engine, seeded.complaint) == "dismissed"
    assert f'href="/cases/{seeded.complaint}"' not in client.get("/").text


def test_the_duty_officer_reassigns_and_the_department_then_sees_the_case(app, engine, seeded) -> None:
    duty = client_of(app, "duty")
    duty.post(
        f"/cases/{seeded.explosion}/reassign",
        data={"csrf_token": csrf_of(duty), "adcode": "331102", "domain": "environment", "reason": "污染事故"},
    )
    environment = client_of(app, "environment")
    assert environment.get(f"/cases/{seeded.explosion}").status_code == 200


# --- the API for other systems ------------------------------------------------------------------------------


def test_another_system_signs_in_for_a_bearer_token_and_acts_without_csrf(app, engine, seeded) -> None:
    client = client_of(app)
    assert client.post("/api/session", json={"username": "emergency", "password": "wrong"}).status_code == 401
    token = client.post("/api/session", json={"username": "emergency", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    case = client.get(f"/api/cases/{seeded.explosion}", headers=headers).json()
    assert case["category"] == "emergency" and case["t0"].endswith("+08:00") and case["posts"]
    assert client.get(f"/api/cases/{seeded.complaint}", headers=headers).status_code == 404
    done = client.post(
        f"/api/cases/{seeded.explosion}/release",
        json={"evidence_url": "https://gov.example.cn/r", "at": now().isoformat()},
        headers=headers,
    )
    assert done.status_code == 200 and done.json()["case"] == seeded.explosion
    assert obligation(engine, seeded.explosion, "release").evidence_url == "https://gov.example.cn/r"
    assert client.post(f"/api/cases/{seeded.explosion}/close", json={}, headers=headers).status_code == 403
    assert client.delete("/api/session", headers=headers).status_code == 204
    assert client.get("/api/cases", headers=headers).status_code == 401


def test_an_api_time_without_a_zone_is_refused_with_where(app, seeded) -> None:
    client = client_of(app, "duty")
    refused = client.post(
        f"/api/cases/{seeded.explosion}/release",
        json={"at": "2026-11-18T13:00:00"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert refused.status_code == 422 and "with its zone" in refused.text


def test_the_openapi_description_lists_the_case_api_and_the_docs_page_is_served_locally(app) -> None:
    schema = client_of(app).get("/api/openapi.json").json()
    assert {"/api/cases", "/api/cases/{number}", "/api/cases/{number}/{action}", "/api/session"} <= set(schema["paths"])
    docs = client_of(app, "duty").get("/api/docs")
    assert docs.status_code == 200 and "POST /api/cases/{number}/{action}" in docs.text
    assert "cdn" not in docs.text.lower()


# --- what every page is made of -----------------------------------------------------------------------------


def test_pages_load_only_local_assets_under_a_strict_content_policy(app, seeded) -> None:
    client = client_of(app, "duty")
    for path in ("/", f"/cases/{seeded.explosion}", "/login"):
        page = client.get(path)
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert not re.search(r'(src|href)="(https?:)?//', page.text.split("<main>")[0])
        assert "<script>" not in page.text
    assert client.get("/static/console.js").status_code == 200
    assert client.get("/static/console.css").status_code == 200


def test_the_case_page_shows_the_case_in_chinese_with_its_rule_trail_posts_and_history(app, seeded) -> None:
    page = client_of(app, "duty").get(f"/cases/{seeded.explosion}").text
    for words in (
        "1号案件" if seeded.explosion == 1 else f"{seeded.explosion}号案件",
        "适用规则",
        "第3、8、10条",
        "浙江省人民政府办公厅",
        "发布权威信息",
        "举行新闻发布会",
        "帖文时间线",
        "莲都化工企业爆炸死亡升至12人",
        "经过",
        "系统",
        "立案",
        "建议处置",
    ):
        assert words in page


def test_a_long_board_shows_a_page_of_the_most_urgent_and_how_many_there_are(app, seeded) -> None:
    client = client_of(app, "duty")
    first = client.get("/", params={"limit": 1})
    assert re.findall(r'href="/cases/(\d+)"', first.text) == [str(seeded.explosion)]
    assert "共2件，按时限先后显示第1至1件" in first.text and "offset=1" in first.text
    second = client.get("/api/cases", params={"limit": 1, "offset": 1}).json()
    assert [row["number"] for row in second] == [seeded.complaint]
