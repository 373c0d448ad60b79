"""The crawler's command, `crawl`: the wiring package (monitor/) adds `commands` as `yuqing crawl`, and
`python -m crawler` runs it on its own (the service's crawl job does, in a child process)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yuqing.cli_support import EXIT_ERROR, engine_at_head, fail, settings_or_exit

commands = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@commands.command()
def crawl(
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this source (repeatable).")] = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="Another sources file.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the new posts as JSON Lines.")] = None,
    distributed: Annotated[
        bool, typer.Option("--distributed", help="Share the frontier and seen-set in Redis (YUQING_REDIS_URL).")
    ] = False,
) -> None:
    """Run the chosen sources once and store the new posts; exits 1 only when every source failed."""
    # Imported here, not at the top: every `yuqing` command loads this module, and only `crawl` needs Scrapy.
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
