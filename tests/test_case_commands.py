"""`yuqing cases ...` end to end through the real command."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from support.factories import add_critical_explosion, keep_test_labels

from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import AuditEntry


def open_critical_case(cli, engine, config_dir) -> None:
    keep_test_labels(config_dir)
    with transaction(session_factory(engine)) as session:
        add_critical_explosion(session, datetime.now(UTC) - timedelta(hours=1))
    assert cli("run", "--once").returncode == 0


def test_cases_list_show_and_the_milestones(cli, engine, config_dir) -> None:
    open_critical_case(cli, engine, config_dir)
    assert cli("users", "add", "wang", "--role", "analyst").returncode == 0
    listing = cli("cases", "list")
    assert listing.returncode == 0
    (row,) = listing.stdout.splitlines()
    assert row.split("\t")[:5] == ["1", "待处置", "特急", "重大突发事件和自然灾害", "浙江省应急管理部门"]
    assert row.split("\t")[5].startswith("发布权威信息 ")

    assert cli("cases", "ack", "1", "--by", "wang").returncode == 0
    released_at = (datetime.now(UTC) - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    release = cli("cases", "release", "1", "--by", "wang", "--at", released_at)
    assert release.returncode == 0 and "meets: release" in release.stdout
    assert cli("cases", "press", "1", "--by", "wang").returncode == 0
    shown = json.loads(cli("cases", "show", "1", "--json").stdout)
    assert shown["status"] == "press_held"
    assert [(o["kind"], o["status"], o["on_time"]) for o in shown["obligations"]] == [
        ("release", "met", True),
        ("press_conference", "met", True),
        ("follow_up", "open", None),
    ]
    assert [h["action"] for h in shown["history"]] == ["case.open", "case.ack", "case.release", "case.press"]
    assert shown["assignment"]["rules"] == [3, 8, 10]
    text = cli("cases", "show", "1")
    assert "回应主体：浙江省应急管理部门（省级）" in text.stdout
    assert cli("cases", "close", "1", "--by", "wang").returncode == 0
    assert cli("cases", "list").stdout == ""
    assert "已办结" in cli("cases", "list", "--all").stdout


def test_refused_actions_explain_and_change_nothing(cli, engine, config_dir) -> None:
    open_critical_case(cli, engine, config_dir)
    unknown_user = cli("cases", "ack", "1", "--by", "nobody")
    assert unknown_user.returncode == 1 and "no active user 'nobody'" in unknown_user.stderr
    missing = cli("cases", "ack", "99")
    assert missing.returncode == 1 and "no case 99" in missing.stderr
    wrong = cli("cases", "respond", "1")
    assert wrong.returncode == 1 and "has no response due" in wrong.stderr
    future = cli("cases", "release", "1", "--at", "2999-01-01T00:00:00+08:00")
    assert future.returncode == 1 and "in the future" in future.stderr
    with session_factory(engine)() as session:
        assert [e.action for e in session.scalars(select(AuditEntry))] == ["case.open"]


def test_dismiss_reassign_and_merge_from_the_command_line(cli, engine, config_dir) -> None:
    open_critical_case(cli, engine, config_dir)
    moved = cli(
        "cases", "reassign", "1", "--adcode", "331100", "--domain", "emergency_management", "--reason", "市级统筹"
    )
    assert moved.returncode == 0 and "丽水市应急管理局" in moved.stdout
    bad = cli("cases", "reassign", "1", "--adcode", "3311", "--domain", "emergency_management")
    assert bad.returncode == 1 and "--adcode: got '3311'" in bad.stderr
    self_merge = cli("cases", "merge", "1", "--into", "1")
    assert self_merge.returncode == 1 and "cannot be merged into itself" in self_merge.stderr
    dismissed = cli("cases", "dismiss", "1", "--reason", "演练信息")
    assert dismissed.returncode == 0 and "1 posts corrected" in dismissed.stdout
