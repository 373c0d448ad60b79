"""`yuqing cases ...` end to end through the real command."""

import json
import shlex
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from support.factories import EXPLOSION_UPDATE, add_critical_explosion, add_post, add_source, keep_test_labels

from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import AuditEntry, Obligation
from yuqing.vocabulary import local_time

SHANGHAI = ZoneInfo("Asia/Shanghai")  # service.yaml's time zone


def open_critical_case(cli, engine, config_dir) -> None:
    keep_test_labels(config_dir)
    with transaction(session_factory(engine)) as session:
        add_critical_explosion(session, datetime.now(UTC) - timedelta(hours=1))
    assert cli("run", "--once").returncode == 0


def test_cases_list_show_and_the_milestones(cli, engine, config_dir) -> None:
    open_critical_case(cli, engine, config_dir)
    assert cli("users", "add", "wang", "--role", "duty", input="a long passphrase\n").returncode == 0
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
    assert shown["rules"] == [3, 8, 10]
    text = cli("cases", "show", "1")
    assert "回应主体：浙江省应急管理部门（省级）" in text.stdout
    assert cli("cases", "close", "1", "--by", "wang").returncode == 0
    assert cli("cases", "list").stdout == ""
    assert "已办结" in cli("cases", "list", "--all").stdout


def test_refused_actions_explain_and_change_nothing(cli, engine, config_dir) -> None:
    open_critical_case(cli, engine, config_dir)
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
    invented = cli("cases", "reassign", "1", "--adcode", "999999", "--domain", "urban_management")
    assert (
        invented.returncode == 1
        and "--adcode: got '999999'; expected the 6-digit code of an existing" in invented.stderr
    )
    self_merge = cli("cases", "merge", "1", "--into", "1")
    assert self_merge.returncode == 1 and "1号案件不能合并到它自己" in self_merge.stderr
    dismissed = cli("cases", "dismiss", "1", "--reason", "演练信息")
    assert dismissed.returncode == 0 and "1 posts corrected" in dismissed.stdout


@pytest.mark.parametrize(
    ("milestone", "name"),
    [
        (["ack", "1"], "wang"),
        (["release", "1"], "李值班"),
        (["press", "1"], "duty-officer"),
        (["close", "1"], "zhao.li"),
    ],
)
def test_a_milestone_by_someone_who_is_no_console_user_names_the_command_that_creates_one(
    cli, engine, config_dir, milestone, name
) -> None:
    open_critical_case(cli, engine, config_dir)
    refused = cli("cases", *milestone, "--by", name)
    assert refused.returncode == 1 and f"没有控制台用户“{name}”" in refused.stderr
    create = refused.stderr.split("请先创建：")[1].strip()
    assert create == f"yuqing users add {name} --role duty"
    assert cli(*shlex.split(create)[1:], input="a long passphrase\n").returncode == 0
    assert cli("cases", *milestone, "--by", name).returncode == 0
    assert cli("users", "disable", name).returncode == 0
    disabled = cli("cases", "ack", "1", "--by", name)
    assert disabled.returncode == 1 and f"控制台用户“{name}”已停用" in disabled.stderr


def test_cases_list_json_gives_every_field_of_show_and_each_post_with_its_copies(cli, engine, config_dir) -> None:
    keep_test_labels(config_dir)
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    with transaction(session_factory(engine)) as session:
        wire = add_source(session, "新华网浙江频道", "news")
        original = add_post(
            session,
            EXPLOSION_UPDATE,
            title="莲都化工企业爆炸死亡升至12人",
            source=wire,
            severity="II",
            handling="unclear",
            category="emergency",
            media="news",
            domains=("emergency_management",),
            regions=("331102",),
            published_at=published,
        )
        original.url = "https://news.example.cn/2026/1118/explosion.html"
        grouped_copy = add_post(
            session,
            f"转发：{EXPLOSION_UPDATE}",
            category="emergency",
            duplicate_of=original,
            published_at=None,
            fetched_at=published + timedelta(minutes=10),
        )
        ids = original.id, grouped_copy.id
    assert cli("run", "--once").returncode == 0
    with transaction(session_factory(engine)) as session:  # crawled after the run: linked, not grouped yet
        late_copy = add_post(session, f"再转：{EXPLOSION_UPDATE}", category="emergency", published_at=published)
        late_copy.duplicate_of_id = ids[0]
        ids = (*ids, late_copy.id)

    listing = cli("cases", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    (line,) = listing.stdout.splitlines()
    case = json.loads(line)
    shown = json.loads(cli("cases", "show", "1", "--json").stdout)
    assert {k: v for k, v in case.items() if k != "posts"} == shown
    for field in ("id", "status", "category", "severity", "priority", "handling", "t0", "lead", "responders"):
        assert field in case
    assert case["lead"] == {
        "adcode": "330000",
        "domain": "emergency_management",
        "name": "浙江省应急管理部门",
        "contact": None,
    }
    assert all({"adcode", "domain", "name"} <= set(c) for c in case["coordinators"]) and case["rules"] == [3, 8, 10]
    assert [set(o) >= {"kind", "due_at", "status", "met_at"} for o in case["obligations"]] == [True, True]
    assert case["t0"] == published.astimezone(SHANGHAI).isoformat() and case["t0"].endswith("+08:00")
    assert case["posts"] == [
        {
            "id": ids[0],
            "url": "https://news.example.cn/2026/1118/explosion.html",
            "title": "莲都化工企业爆炸死亡升至12人",
            "source": "新华网浙江频道",
            "published_at": published.astimezone(SHANGHAI).isoformat(),
            "duplicate_of": None,
        },
        {
            "id": ids[2],
            "url": None,
            "title": "",
            "source": "weibo",
            "published_at": published.astimezone(SHANGHAI).isoformat(),
            "duplicate_of": ids[0],
        },
        {"id": ids[1], "url": None, "title": "", "source": "weibo", "published_at": None, "duplicate_of": ids[0]},
    ]
    assert cli("cases", "close", "1").returncode == 0
    assert cli("cases", "list", "--json").stdout == ""
    assert [json.loads(x)["status"] for x in cli("cases", "list", "--all", "--json").stdout.splitlines()] == ["closed"]


def test_correct_split_and_attach_answer_in_chinese_with_local_times(cli, engine, config_dir) -> None:
    keep_test_labels(config_dir)
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    labels = {"category": "emergency", "regions": ("331102",), "domains": ("emergency_management",)}
    with transaction(session_factory(engine)) as session:
        add_critical_explosion(session, published)
        restaurant = add_post(
            session, "莲都区紫金街道一餐馆发生燃气爆炸，造成2人受伤", severity="IV", published_at=published, **labels
        ).id
    assert cli("run", "--once").returncode == 0
    assert cli("users", "add", "wang", "--role", "duty", input="a long passphrase\n").returncode == 0

    split = cli("cases", "split", "1", "--post", str(restaurant), "--by", "wang")
    assert split.returncode == 0, split.stderr
    respond_due = local_time(published + timedelta(hours=48), SHANGHAI)
    assert split.stdout.strip() == (
        f"已从1号案件拆出1条帖文（含转载），新建2号案件“莲都区紫金街道一餐馆发生燃气爆炸，造成2人受伤”，"
        f"回应主体：莲都区应急管理部门；时限：回应关切 {respond_due}前"
    )
    again = cli("cases", "split", "1", "--post", str(restaurant))
    assert again.returncode == 1 and f"帖文#{restaurant}不在1号案件中" in again.stderr

    with transaction(session_factory(engine)) as session:
        stray = add_post(session, "莲都化工厂爆炸现场视频", severity="III", published_at=published, **labels).id
    attached = cli("cases", "attach", "1", "--post", str(stray), "--by", "wang")
    assert attached.returncode == 0, attached.stderr
    release_due = local_time(published + timedelta(hours=5), SHANGHAI)
    press_due = local_time(published + timedelta(hours=24), SHANGHAI)
    assert attached.stdout.strip() == (
        f"已将帖文#{stray}（共1条帖文，含转载）并入1号案件；回应主体：浙江省应急管理部门；"
        f"时限：发布权威信息 {release_due}前、举行新闻发布会 {press_due}前"
    )

    corrected = cli("cases", "correct", "2", "--category", "rumor", "--handling", "false_info", "--reason", "旧闻")
    assert corrected.returncode == 0, corrected.stderr
    assert corrected.stdout.strip() == (
        "2号案件类别已更正为“不实信息”（处置类型：虚假和不实信息），1条帖文记为训练更正；"
        f"时限：回应关切 {respond_due}前"
    )
    wrong = cli("cases", "correct", "2", "--category", "gossip", "--reason", "x")
    assert wrong.returncode == 2 and "gossip" in wrong.stderr
    shown = json.loads(cli("cases", "show", "2", "--json").stdout)
    assert shown["decisions"]["category"]["category"] == "rumor"
    assert shown["decisions"]["category"]["by"].startswith("cli:")
    with session_factory(engine)() as session:
        assert session.scalar(select(Obligation.due_at).where(Obligation.case_id == 2)) == published + timedelta(
            hours=48
        )


def test_raise_opens_a_case_for_a_post_grouping_has_not_reached(cli, engine) -> None:
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    with transaction(session_factory(engine)) as session:
        post = add_post(
            session,
            "龙泉市剑池街道某小区停水三天，居民只能到外面拎水",
            category="public_interest",
            handling="difficulty",
            domains=("housing",),
            regions=("331181",),
            published_at=published,
        ).id
    assert cli("users", "add", "wang", "--role", "duty", input="a long passphrase\n").returncode == 0
    raised = cli("cases", "raise", "--post", str(post), "--by", "wang")
    assert raised.returncode == 0, raised.stderr
    due = local_time(published + timedelta(hours=48), SHANGHAI)
    assert raised.stdout.strip().endswith(f"时限：回应关切 {due}前")
    assert raised.stdout.startswith(f"已据帖文#{post}立案：1号案件")
    again = cli("cases", "raise", "--post", str(post), "--by", "wang")
    assert again.returncode == 1 and "已在1号案件中" in again.stderr
