"""The `yuqing` command (exit statuses: see `yuqing.cli_support`)."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from yuqing.alert_commands import alerts_app
from yuqing.case_commands import cases_app
from yuqing.cli_support import (
    EXIT_ERROR,
    EXIT_SKIPPED_LINES,
    InputFile,
    actor,
    configure_logging,
    engine_at_head,
    fail,
    not_built,
    open_input,
    settings_or_exit,
)

app = typer.Typer(
    name="yuqing",
    help="Public-opinion (舆情) monitoring and response: crawl, classify, assign, track the response clocks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Console users (analysts, supervisors, admins).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(cases_app, name="cases")
app.add_typer(alerts_app, name="alerts")

# --- the service ----------------------------------------------------------------------------------------------


@app.command()
def run(once: Annotated[bool, typer.Option("--once", help="Run every job one time and exit.")] = False) -> None:
    """Run the monitor: every job on its schedule, and the web server, until Ctrl-C."""
    from yuqing.service import build_jobs, describe_jobs, run_once, serve

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    configure_logging()
    if once:
        raise typer.Exit(0 if run_once(settings, engine) else EXIT_ERROR)
    jobs = build_jobs(settings, engine)
    web = settings.service.web
    typer.echo(
        f"Yuqing is running.\n"
        f"  health:   http://{web.host}:{web.port}/healthz\n"
        f"  database: {engine.url!r}\n"
        f"  jobs:     {describe_jobs(jobs)}\n"
        f"  alerts:   written to this log while no Slack token, SMTP server or webhook is configured\n"
        f"Stop with Ctrl-C."
    )
    serve(settings, engine, jobs, with_scheduler=True)


@app.command("serve")
def serve_command() -> None:
    """Run only the web server (health and console), without the jobs."""
    from yuqing.service import build_jobs, serve

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    configure_logging()
    serve(settings, engine, build_jobs(settings, engine), with_scheduler=False)


# --- stages ---------------------------------------------------------------------------------------------------


@app.command()
def crawl(
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this source (repeatable).")] = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="Another sources file.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the new posts as JSON Lines.")] = None,
    distributed: Annotated[
        bool, typer.Option("--distributed", help="Share the frontier and seen-set in Redis (YUQING_REDIS_URL).")
    ] = False,
) -> None:
    """Run the chosen sources once and store the new posts; exits 1 only when every source failed."""
    from crawler.run import choose, summary_line, write_jsonl
    from crawler.run import crawl as crawl_sources
    from yuqing.config_models import SourcesConfig
    from yuqing.settings import ConfigError, load_yaml_model

    settings = settings_or_exit()
    catalogue = settings.sources
    if sources is not None:
        try:
            catalogue = load_yaml_model(sources, SourcesConfig)
        except ConfigError as error:
            fail(f"configuration error:\n{error}")
    engine_at_head(settings).dispose()
    try:
        chosen = choose(catalogue.sources, source)
        result = crawl_sources(settings, chosen, health=catalogue.health, distributed=distributed)
    except (ValueError, ConnectionError) as error:
        fail(str(error))
    for outcome in result.outcomes:
        typer.echo(summary_line(outcome))
    if not result.outcomes:
        typer.echo("no source to crawl")
    if out is not None:
        write_jsonl(out, result.stored)
    if result.all_failed:
        raise typer.Exit(EXIT_ERROR)


@app.command()
def classify(
    file: InputFile = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes to label with.")] = 1,
) -> None:
    """Label posts (JSON Lines in, one JSON line out per input line, same order)."""
    from classifier.batch import classify_all
    from classifier.labeller import model_path
    from classifier.model import ModelError
    from yuqing.jsonl import LineErrors, read_all, write_line
    from yuqing.records import PostIn

    settings = settings_or_exit()
    with ExitStack() as stack:
        stream, name = open_input(stack, file)
        errors = LineErrors(name, sys.stderr)
        posts = read_all(stream, PostIn, errors)
    try:
        for output in classify_all(posts, settings, model_path(), workers):
            write_line(sys.stdout, output)
    except ModelError as error:
        fail(str(error))
    if errors.count:
        raise typer.Exit(EXIT_SKIPPED_LINES)


@app.command()
def train(
    corrections: Annotated[
        bool, typer.Option("--corrections/--no-corrections", help="Include the analysts' corrections.")
    ] = True,
) -> None:
    """Rebuild the classifier from the corpus (train and dev splits) and the analysts' corrections."""
    from classifier.corpus import CorpusError
    from classifier.labeller import model_path
    from classifier.training import train as train_models

    settings = settings_or_exit()
    engine = None
    if corrections:
        from yuqing.storage.database import current_revision, head_revision, make_engine

        candidate = make_engine(settings.database_url)
        try:
            engine = candidate if current_revision(candidate) == head_revision() else None
        except SQLAlchemyError:
            engine = None
        if engine is None:
            typer.echo("no migrated database: training on the corpus alone", err=True)
    try:
        report = train_models(model_path(), engine=engine)
    except CorpusError as error:
        fail(f"corpus error: {error}")
    typer.echo(
        f"trained {report.version} on {report.examples} corpus posts and {report.corrections} corrections "
        f"→ {report.path}"
    )


@app.command()
def evaluate(
    split: Annotated[str, typer.Option(help="Corpus split to score: train, dev or test.")] = "test",
    cv: Annotated[bool, typer.Option("--cv/--no-cv", help="Also 5-fold cross-validation on train+dev.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score the classifier on a corpus split."""
    import json

    from classifier.corpus import SPLITS, read_corpus
    from classifier.evaluation import as_text
    from classifier.evaluation import evaluate as score
    from classifier.labeller import Classifier
    from classifier.model import ModelError
    from classifier.training import CORPUS

    if split not in SPLITS:
        fail(f"--split: got {split!r}; expected one of {', '.join(SPLITS)}")
    settings = settings_or_exit()
    try:
        report = score(read_corpus(CORPUS), Classifier.load(settings), split, with_cv=cv)
    except ModelError as error:
        fail(str(error))
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else as_text(report))


@app.command()
def assign(
    file: InputFile = None,
    home: Annotated[
        str | None, typer.Option("--home", help="Home jurisdiction ADCODE (default: organisations.yaml).")
    ] = None,
) -> None:
    """Assign each event to its responsible body and compute its deadlines, from the rules alone (no database)."""
    from responder.assignment import AssignmentRules
    from responder.assignment import assign as assign_event
    from yuqing import adcodes
    from yuqing.jsonl import process
    from yuqing.records import EventIn

    settings = settings_or_exit()
    if home is not None and not adcodes.is_adcode(home):
        fail(f"--home: got {home!r}; expected a 6-digit division code such as 331100")
    rules = AssignmentRules.from_settings(settings, home)
    with ExitStack() as stack:
        stream, name = open_input(stack, file)
        skipped = process(stream, name, EventIn, lambda event: assign_event(event, rules).model_dump(mode="json"))
    if skipped:
        raise typer.Exit(EXIT_SKIPPED_LINES)


@app.command()
def briefing() -> None:
    """Write the morning briefing."""
    settings_or_exit()
    not_built("briefing", "briefing report")


# --- users ----------------------------------------------------------------------------------------------------


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="analyst, supervisor or admin")] = "analyst",
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read a password from stdin.")] = False,
) -> None:
    """Add a user."""
    from yuqing.storage.database import session_factory, transaction
    from yuqing.users import add_user

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    if password_stdin and not password:
        fail("--password-stdin: no password on standard input")
    try:
        with transaction(session_factory(engine)) as session:
            add_user(session, actor(), username, role, name, email, password)
    except ValueError as error:
        fail(str(error))
    typer.echo(f"added {username} ({role})")


@users_app.command("list")
def users_list() -> None:
    """List the users."""
    from yuqing.storage.database import session_factory
    from yuqing.storage.models import User

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    with session_factory(engine)() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            state = "active" if user.active else "disabled"
            typer.echo(f"{user.username}\t{user.role}\t{state}\t{user.display_name}\t{user.email or ''}")


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user (kept for the audit trail, never deleted)."""
    from yuqing.storage.database import session_factory, transaction
    from yuqing.users import audit, find_user

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    with transaction(session_factory(engine)) as session:
        user = find_user(session, username)
        if user is None:
            fail(f"no user {username!r}")
        user.active = False
        audit(session, actor(), "user.disable", "user", user.id, username=username)
    typer.echo(f"disabled {username}")


# --- database -------------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    from yuqing.storage.database import current_revision, make_engine, upgrade

    settings = settings_or_exit()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine, revision)
        typer.echo(f"database {engine.url!r} at revision {current_revision(engine)}")
    except SQLAlchemyError as error:
        fail(f"cannot upgrade {engine.url!r}: {str(error.__cause__ or error).splitlines()[0]}")


def main() -> None:
    app()
