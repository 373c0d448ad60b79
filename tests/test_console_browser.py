"""The console in a real headless Chromium (Debian's, driven by Playwright): the duty officer signs in, sees the
board, opens a case, records the release and sees its countdown end; a department cannot open another
department's case. Screenshots are kept under tests/artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from support.console import PASSWORD, add_accounts, now, seed_cases, serving

from monitor.web import create_app
from yuqing.settings import load_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Debian's chromium: apt-get install -y chromium (.ci/run does)"
)


@pytest.fixture
def site(engine, config_dir):
    settings = load_settings({"YUQING_CONFIG": str(config_dir)})
    seeded = seed_cases(engine, settings, now())
    add_accounts(engine)
    with serving(create_app(settings, engine, [])) as base_url:
        yield base_url, seeded


@pytest.fixture
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_duty_officer_records_the_release_and_sees_its_countdown_end(site, browser) -> None:
    base_url, seeded = site
    page = browser.new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    sign_in(page, base_url, "duty")
    expect(page.get_by_role("heading", name="案件看板")).to_be_visible()
    rows = page.locator("#board-rows tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_class("clock-on_time")
    expect(rows.first.locator(".countdown")).to_contain_text("剩余")  # the script has started the countdown
    page.screenshot(path=ARTIFACTS / "board.png", full_page=True)

    page.get_by_role("link", name=f"{seeded.explosion}号案件").click()
    expect(page.get_by_role("heading", name=f"{seeded.explosion}号案件")).to_be_visible()
    release_row = page.locator("table.obligations tr", has_text="发布权威信息").first
    expect(release_row.locator(".countdown")).to_contain_text("剩余")
    page.screenshot(path=ARTIFACTS / "case-before-release.png", full_page=True)

    form = page.locator("#form-release")
    expect(form.locator("input[name=at]")).not_to_have_value("")  # now, in local time, by default
    form.locator("input[name=evidence_url]").fill("https://gov.example.cn/release/1")
    form.get_by_role("button", name="已发布权威信息").click()

    expect(page.get_by_role("status")).to_have_text("已记录：发布权威信息")
    release_row = page.locator("table.obligations tr", has_text="发布权威信息").first
    expect(release_row.locator(".countdown")).to_have_count(0)
    expect(release_row).to_contain_text("按时")
    expect(release_row.get_by_role("link", name="查看")).to_have_attribute("href", "https://gov.example.cn/release/1")
    page.screenshot(path=ARTIFACTS / "case-after-release.png", full_page=True)


def test_a_department_cannot_open_another_departments_case(site, browser) -> None:
    base_url, seeded = site
    page = browser.new_page(locale="zh-CN")
    sign_in(page, base_url, "environment")
    expect(page.locator("#board-rows tr")).to_have_count(1)
    expect(page.get_by_role("link", name=f"{seeded.explosion}号案件")).to_have_count(0)
    response = page.goto(f"{base_url}/cases/{seeded.explosion}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="没有这个案件")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "department-foreign-case.png", full_page=True)
