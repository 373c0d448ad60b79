"""The `yuqing` command: the service (`run`, `serve`), the database and users, and every stage's commands
(`monitor.stages`). Exit statuses: see `yuqing.cli_support`."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from alembic.util import CommandError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from monitor.stages import COMMANDS
from yuqing.audit import audit
from yuqing.cli_support import EXIT_ERROR, actor, engine_at_head, fail, settings_or_exit
from yuqing.logs import configure_logging
from yuqing.storage.database import current_revision, make_engine, session_factory, transaction, upgrade
from yuqing.storage.models import User
from yuqing.users import add_user, end_sessions, find_user, parse_body, set_password

app = typer.Typer(
    name="yuqing",
    help="Public-opinion (舆情) monitoring and response: crawl, classify, assign, track the response clocks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Console users (admin, duty, department).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
for stage_commands in COMMANDS:
    app.add_typer(stage_commands)

# --- the service ----------------------------------------------------------------------------------------------


LogJson = Annotated[bool, typer.Option("--log-json", help="Log one JSON object a line (for a log collector).")]


@app.command()
def run(
    once: Annotated[bool, typer.Option("--once", help="Run every job one time and exit.")] = False,
    log_json: LogJson = False,
) -> None:
    """Run the monitor: every job on its schedule, and the web server, until Ctrl-C."""
    from monitor.service import describe_jobs, lead, run_once, serve
    from monitor.stages import build_jobs

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    configure_logging(settings.timezone, log_json)
    if once:
        raise typer.Exit(0 if run_once(settings, engine) else EXIT_ERROR)
    leader = lead(engine)  # before anything is said or done: a second instance exits here
    jobs = build_jobs(settings, engine)
    web = settings.service.web
    duty = ", ".join(settings.duty_channels.addresses())
    silent = ", ".join(body.name for body in settings.organisations.bodies_without_channel())
    heard = "heard through the duty channel" if duty else "only this log hears them"
    typer.echo(
        f"Yuqing is running.\n"
        f"  console:  http://{web.host}:{web.port}/ (accounts: yuqing users add)\n"
        f"  health:   http://{web.host}:{web.port}/healthz\n"
        f"  database: {engine.url!r}\n"
        f"  jobs:     {describe_jobs(jobs)}\n"
        f"  alerts:   written to this log while no Slack token, SMTP server or webhook is configured\n"
        f"  duty:     {duty or 'none (organisations.yaml home.channels)'}, "
        f"told of every case in {settings.organisations.home.name}\n"
        + (f"  without an alert channel ({heard}): {silent}\n" if silent else "")
        + "Stop with Ctrl-C."
    )
    serve(settings, engine, jobs, leader=leader)


@app.command("serve")
def serve_command(log_json: LogJson = False) -> None:
    """Run only the web server (health and console), without the jobs."""
    from monitor.service import serve
    from monitor.stages import build_jobs

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    configure_logging(settings.timezone, log_json)
    serve(settings, engine, build_jobs(settings, engine), leader=None)


# --- users ----------------------------------------------------------------------------------------------------


def _password(prompt: str) -> str:
    """The password from standard input when it is not a terminal (scripts), else typed twice without echo."""
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            fail("no password on standard input (give it on the first line)")
        return password
    password = getpass.getpass(f"{prompt}: ")
    if getpass.getpass("again: ") != password:
        fail("the two passwords differ")
    return password


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin, duty (the press office: every case) or department.")],
    body: Annotated[
        list[str] | None,
        typer.Option("--body", help="ADCODE:DOMAIN a department answers for (repeatable), e.g. 331102:environment."),
    ] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
) -> None:
    """Add a console user; the password is read from standard input when it is not a terminal."""
    settings = settings_or_exit()
    engine = engine_at_head(settings)
    try:
        bodies = [parse_body(text, settings.organisations.domains) for text in body or []]
        password = _password(f"password for {username}")
        with transaction(session_factory(engine)) as session:
            add_user(session, actor(), username, role, password, bodies, name, email)
    except ValueError as error:
        fail(str(error))
    typer.echo(f"added {username} ({role}{': ' + ', '.join(body or []) if body else ''})")


@users_app.command("passwd")
def users_passwd(username: str) -> None:
    """Set a user's password (read from standard input when it is not a terminal); their sessions end."""
    settings = settings_or_exit()
    engine = engine_at_head(settings)
    try:
        password = _password(f"new password for {username}")
        with transaction(session_factory(engine)) as session:
            user = find_user(session, username)
            if user is None:
                fail(f"no user {username!r}")
            set_password(session, actor(), user, password)
            end_sessions(session, user)
    except ValueError as error:
        fail(str(error))
    typer.echo(f"password of {username} changed")


@users_app.command("list")
def users_list() -> None:
    """List the users: name, role, state, display name, email, bodies."""
    settings = settings_or_exit()
    engine = engine_at_head(settings)
    with session_factory(engine)() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            state = "active" if user.active else "disabled"
            fields = [user.username, user.role, state, user.display_name, user.email or "", ",".join(user.bodies)]
            typer.echo("\t".join(fields))


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user (kept for the audit trail, never deleted); their sessions end at once."""
    settings = settings_or_exit()
    engine = engine_at_head(settings)
    with transaction(session_factory(engine)) as session:
        user = find_user(session, username)
        if user is None:
            fail(f"no user {username!r}")
        user.active = False
        end_sessions(session, user)
        audit(session, actor(), "user.disable", "user", user.id, username=username)
    typer.echo(f"disabled {username}")


# --- database -------------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    settings = settings_or_exit()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine, revision)
        typer.echo(f"database {engine.url!r} at revision {current_revision(engine)}")
    except SQLAlchemyError as error:
        fail(f"cannot upgrade {engine.url!r}: {str(error.__cause__ or error).splitlines()[0]}")
    except CommandError as error:  # a revision this version does not know: a newer version wrote the database
        fail(f"cannot upgrade {engine.url!r} to {revision}: {error}")


def main() -> None:
    app()
