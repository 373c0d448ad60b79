"""`yuqing briefing`: write the briefing of a day (or the week or month before it) to files, now.

The command only writes files; the service's `briefing` job (jobs.py) is what records each briefing once and
hands it to the outbox for delivery."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from briefing.figures import period_for
from briefing.writer import FORMATS, out_folder, write
from yuqing.cli_support import engine_at_head, fail, settings_or_exit
from yuqing.storage.database import session_factory
from yuqing.storage.models import utcnow
from yuqing.vocabulary import BriefingPeriod

commands = typer.Typer()


@commands.command("briefing")
def briefing(
    day: Annotated[
        str | None, typer.Option("--date", help="YYYY-MM-DD: the morning the briefing is for (default today).")
    ] = None,
    period: Annotated[str, typer.Option("--period", help="day, week or month.")] = "day",
    formats: Annotated[str, typer.Option("--format", help="Comma-separated: docx, html, md.")] = ",".join(FORMATS),
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the files (default: briefings/ in the data folder).")
    ] = None,
) -> None:
    """Write the briefing (舆情日报) covering the 24 hours before the briefing hour of --date, or the week or month
    before it, in Word, HTML and Markdown; prints the files written."""
    settings = settings_or_exit()
    try:
        kind = BriefingPeriod(period)
    except ValueError:
        fail(f"--period: got {period!r}; expected day, week or month")
    chosen = tuple(dict.fromkeys(f.strip() for f in formats.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        fail(f"--format: got {formats!r}; expected one or more of {', '.join(FORMATS)}, comma-separated")
    if day is None:
        when = datetime.now(settings.timezone).date()
    else:
        try:
            when = date.fromisoformat(day)
        except ValueError:
            fail(f"--date: got {day!r}; expected YYYY-MM-DD")
    engine = engine_at_head(settings)
    with session_factory(engine)() as session:
        written = write(
            session, settings, period_for(settings, when, kind), utcnow(), out or out_folder(settings), chosen
        )
    for path in written.files.values():
        typer.echo(str(path))
