import codecs
import json
from datetime import UTC, datetime, timedelta

import pytest
import typer
from sqlalchemy import select

from monitor.cli import app
from yuqing.storage.database import head_revision, session_factory, transaction
from yuqing.storage.models import AuditEntry, ConsoleSession, User
from yuqing.users import verify_password


def subcommands(command: object, prefix: str = "") -> list[str]:
    """Every command and group under `command`, as typed after `yuqing`, walked from the app itself."""
    if not isinstance(command, typer.core.TyperGroup):
        return []
    found = []
    for name, child in command.commands.items():
        found += [f"{prefix}{name}", *subcommands(child, f"{prefix}{name} ")]
    return found


SUBCOMMANDS = subcommands(typer.main.get_command(app))


def test_the_command_tree_has_every_stage() -> None:
    assert {"run", "serve", "crawl", "classify", "assign", "cases show", "alerts retry", "db upgrade"} <= set(
        SUBCOMMANDS
    )


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_every_subcommand_has_help(cli, subcommand: str) -> None:
    result = cli(*subcommand.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_unknown_subcommand_is_an_error(cli) -> None:
    result = cli("crawel")
    assert result.returncode != 0
    assert "No such command 'crawel'" in result.stderr


def test_db_upgrade_reports_the_revision(cli) -> None:
    result = cli("db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert f"at revision {head_revision()}" in result.stdout


def test_commands_refuse_a_database_that_is_not_migrated(cli) -> None:
    result = cli("users", "list")
    assert result.returncode == 1
    assert "run `yuqing db upgrade`" in result.stderr


def test_users_are_added_listed_disabled_and_audited(cli, database_url: str, engine) -> None:
    added = cli("users", "add", "wang", "--role", "duty", "--name", "王科长", input="a long passphrase\n")
    assert added.returncode == 0, added.stderr
    department = cli(
        "users", "add", "env", "--role", "department", "--body", "331102:environment", input="another passphrase\n"
    )
    assert department.returncode == 0, department.stderr
    duplicate = cli("users", "add", "wang", "--role", "duty", input="a long passphrase\n")
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    bad_role = cli("users", "add", "li", "--role", "analyst", input="a long passphrase\n")
    assert bad_role.returncode == 1 and "expected one of duty, department, admin" in bad_role.stderr
    assert cli("users", "disable", "wang").returncode == 0
    listing = cli("users", "list")
    assert listing.stdout.splitlines() == [
        "env\tdepartment\tactive\t\t\t331102:environment",
        "wang\tduty\tdisabled\t王科长\t\t",
    ]
    with session_factory(engine)() as session:
        user = session.scalars(select(User).where(User.username == "wang")).one()
        assert user.password_hash.startswith("$argon2id$") and "passphrase" not in user.password_hash
        actions = [entry.action for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["user.add", "user.add", "user.disable"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "department"], "a long passphrase\n", "--role department: give the bodies"),
        (["--role", "duty", "--body", "331102:environment"], "a long passphrase\n", "only department accounts"),
        (["--role", "department", "--body", "331102"], "a long passphrase\n", "expected ADCODE:DOMAIN"),
        (["--role", "department", "--body", "331102:weather"], "a long passphrase\n", "unknown domain 'weather'"),
        (["--role", "duty"], "short\n", "expected at least 10"),
        (["--role", "duty"], "", "no password on standard input"),
    ],
)
def test_a_user_is_refused_with_what_is_wrong(cli, engine, args, stdin, message) -> None:
    refused = cli("users", "add", "li", *args, input=stdin)
    assert refused.returncode == 1 and message in refused.stderr
    assert cli("users", "list").stdout == ""


def test_passwd_changes_the_password_and_ends_the_users_sessions(cli, engine) -> None:
    assert cli("users", "add", "wang", "--role", "duty", input="a long passphrase\n").returncode == 0
    with transaction(session_factory(engine)) as session:
        user = session.scalars(select(User)).one()
        session.add(
            ConsoleSession(id="x" * 64, user_id=user.id, csrf_token="c", expires_at=datetime.now(UTC) + timedelta(1))
        )
    changed = cli("users", "passwd", "wang", input="a new long passphrase\n")
    assert changed.returncode == 0, changed.stderr
    with session_factory(engine)() as session:
        user = session.scalars(select(User)).one()
        assert verify_password(user, "a new long passphrase") and not verify_password(user, "a long passphrase")
        assert session.scalars(select(ConsoleSession)).all() == []
    assert cli("users", "passwd", "nobody", input="a new long passphrase\n").returncode == 1


def test_assign_skips_malformed_lines_reports_them_and_exits_2(cli) -> None:
    lines = [
        json.dumps(
            {
                "id": "ok1",
                "category": "public_interest",
                "regions": ["331102"],
                "domains": ["environment"],
                "t0": "2026-11-18T09:30:00+08:00",
            }
        ),
        '{"id": "broken", "category": ',
        json.dumps({"id": "bad-region", "category": "policy", "regions": ["33110"]}),
        json.dumps({"id": "bad-domain", "category": "policy", "domains": ["weather"]}),
        "[1, 2]",
        json.dumps({"id": "ok2", "category": "other"}),
    ]
    result = cli("assign", input="\n".join(lines) + "\n")
    assert result.returncode == 2
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["ok1", "ok2"]
    errors = result.stderr.splitlines()
    assert errors[0].startswith("stdin:2: not valid JSON")
    assert errors[1].startswith("stdin:3: regions.0: got '33110'")
    assert errors[2].startswith("stdin:4: domains: unknown id(s) weather")
    assert errors[3] == "stdin:5: expected a JSON object, got list; line skipped"
    assert len(errors) == 4


def test_assign_reads_a_file_and_takes_home(cli, tmp_path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        json.dumps({"id": 7, "category": "credibility", "t0": "2026-11-18T09:30:00+08:00"}) + "\n", encoding="utf-8"
    )
    result = cli("assign", str(events), "--home", "330100")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["id"] == 7
    assert out["lead"] == {"adcode": "330100", "domain": "government"}
    assert out["rules"] == [8, 11]


def event_line(event_id: str) -> str:
    return json.dumps({"id": event_id, "category": "policy", "regions": ["331102"]}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("encoded", "what"),
    [
        (lambda text: text.encode("gbk"), "GBK, as Chinese Windows tools write it"),
        (lambda text: text.encode("gb18030"), "GB18030"),
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "UTF-8 with a byte-order mark"),
    ],
)
def test_assign_reads_gbk_and_a_byte_order_mark_without_losing_a_line(cli, tmp_path, encoded, what) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(encoded("\n".join(event_line(f"莲都-{n}") for n in range(3)) + "\n"))
    result = cli("assign", str(events))
    assert result.returncode == 0, f"{what}: {result.stderr}"
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["莲都-0", "莲都-1", "莲都-2"]


def test_an_undecodable_line_is_reported_with_its_number_and_the_rest_is_read(cli, tmp_path) -> None:
    events = tmp_path / "events.jsonl"
    lines = [
        event_line("丽水-1").encode(),
        b'{"id": "\xff\xfe\xff", "category": "policy"}',
        event_line("丽水-3").encode("gbk"),
    ]
    events.write_bytes(b"\n".join(lines) + b"\n")
    result = cli("assign", str(events))
    assert result.returncode == 2
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["丽水-1", "丽水-3"]
    assert result.stderr.splitlines() == [f"{events}:2: not UTF-8 or GBK text (byte 9 cannot be decoded); line skipped"]


def test_assign_refuses_codes_of_no_division_and_reads_newer_ones(cli) -> None:
    lines = [
        json.dumps({"id": "invented", "category": "policy", "regions": ["999999"]}),
        json.dumps({"id": "renamed-2019", "category": "policy", "regions": ["430582"]}),  # 邵东市, after the table
        json.dumps({"id": "lishui", "category": "policy", "regions": ["331102"]}),
    ]
    result = cli("assign", input="\n".join(lines) + "\n")
    assert result.returncode == 2
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["renamed-2019", "lishui"]
    assert result.stderr.splitlines() == [
        "stdin:1: regions.0: got '999999'; the code of an existing division (none has this code); line skipped"
    ]
    home = cli("assign", "--home", "999999", input="")
    assert home.returncode == 1 and "--home: got '999999'" in home.stderr


def test_assign_reports_an_unreadable_file(cli, tmp_path) -> None:
    result = cli("assign", str(tmp_path / "missing.jsonl"))
    assert result.returncode == 1
    assert "cannot read" in result.stderr and "missing.jsonl" in result.stderr


def test_assign_refuses_a_bad_home(cli) -> None:
    result = cli("assign", "--home", "lishui", input="")
    assert result.returncode == 1
    assert "--home: got 'lishui'" in result.stderr


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://root@127.0.0.1/test", "mysql is not supported; use sqlite:///PATH or postgresql+psycopg://"),
        ("oracle+cx_oracle://scott@127.0.0.1/orcl", "oracle+cx_oracle is not supported"),
        ("127.0.0.1:5432/test", "'127.0.0.1:5432/test' is not a database URL"),
        ("postgresql+psycopg2://postgres@127.0.0.1/test", "the psycopg2 driver is not installed"),
    ],
)
def test_an_unusable_database_url_is_one_clear_line(cli, url: str, problem: str) -> None:
    result = type(cli)({**cli.env, "YUQING_DATABASE_URL": url})("db", "upgrade")
    assert result.returncode == 1
    assert problem in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("yuqing: configuration error:\nYUQING_DATABASE_URL: ")


def test_db_upgrade_creates_one_missing_folder_but_not_a_tree(cli, tmp_path) -> None:
    deep = tmp_path / "srv" / "yuqnig" / "data" / "yuqing.db"
    refused = type(cli)({**cli.env, "YUQING_DATABASE_URL": f"sqlite:///{deep}"})("db", "upgrade")
    assert refused.returncode == 1 and f"the folder {deep.parent} does not exist" in refused.stderr
    assert not (tmp_path / "srv").exists()
    fresh = tmp_path / "fresh-data" / "yuqing.db"
    made = type(cli)({**cli.env, "YUQING_DATABASE_URL": f"sqlite:///{fresh}"})("db", "upgrade")
    assert made.returncode == 0, made.stderr
    assert fresh.exists()
