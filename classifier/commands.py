"""The classifier's commands: `yuqing classify`, `train` and `evaluate`.

The modules that load scikit-learn and jieba are imported inside the commands that use them, so that every
other `yuqing` command starts without them.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from classifier.corpus import SPLITS, CorpusError, read_corpus
from yuqing.cli_support import EXIT_SKIPPED_LINES, InputFile, fail, open_input, settings_or_exit
from yuqing.jsonl import LineErrors, read_all, write_line
from yuqing.records import PostIn
from yuqing.storage.database import current_revision, head_revision, make_engine

commands = typer.Typer()


@commands.command()
def classify(
    file: InputFile = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes to label with.")] = 1,
) -> None:
    """Label posts (JSON Lines in, one JSON line out per input line, same order)."""
    from classifier.batch import classify_all
    from classifier.model import ModelError

    settings = settings_or_exit()
    with ExitStack() as stack:
        stream, name = open_input(stack, file)
        errors = LineErrors(name, sys.stderr)
        posts = read_all(stream, PostIn, errors)
    try:
        for output in classify_all(posts, settings, workers):
            write_line(sys.stdout, output)
    except ModelError as error:
        fail(str(error))
    if errors.count:
        raise typer.Exit(EXIT_SKIPPED_LINES)


@commands.command()
def train(
    corrections: Annotated[
        bool, typer.Option("--corrections/--no-corrections", help="Include the analysts' corrections.")
    ] = True,
    if_stale: Annotated[
        bool,
        typer.Option(
            "--if-stale", help="Only when the model is missing or was built with another Python or other libraries."
        ),
    ] = False,
) -> None:
    """Rebuild the classifier from the corpus (train and dev splits) and the analysts' corrections."""
    from classifier.model import ModelError, Models
    from classifier.training import train as train_models

    settings = settings_or_exit()
    if if_stale:
        # make install asks for this on every run: one venv per Python shares the data folder's model, and a model
        # built under another Python does not load (Models.load), so switching Pythons rebuilds it here.
        try:
            Models.load(settings.model_file)
        except ModelError as stale:
            typer.echo(f"rebuilding: {stale}", err=True)
        else:
            typer.echo(f"{settings.model_file} is current")
            return
    engine = None
    if corrections:
        candidate = make_engine(settings.database_url)
        try:
            engine = candidate if current_revision(candidate) == head_revision() else None
        except SQLAlchemyError:
            engine = None
        if engine is None:
            typer.echo("no migrated database: training on the corpus alone", err=True)
    try:
        report = train_models(settings.model_file, settings.corpus_dir, settings.dictionary_file, engine=engine)
    except CorpusError as error:
        fail(f"corpus error: {error}")
    typer.echo(
        f"trained {report.version} on {report.examples} corpus posts and {report.corrections} corrections "
        f"→ {report.path}"
    )


@commands.command()
def evaluate(
    split: Annotated[str, typer.Option(help="Corpus split to score: train, dev or test.")] = "test",
    cv: Annotated[bool, typer.Option("--cv/--no-cv", help="Also 5-fold cross-validation on train+dev.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score the classifier on a corpus split."""
    from classifier.evaluation import as_text
    from classifier.evaluation import evaluate as score
    from classifier.labeller import Classifier
    from classifier.model import ModelError

    if split not in SPLITS:
        fail(f"--split: got {split!r}; expected one of {', '.join(SPLITS)}")
    settings = settings_or_exit()
    try:
        report = score(read_corpus(settings.corpus_dir), Classifier.load(settings), split, with_cv=cv)
    except ModelError as error:
        fail(str(error))
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else as_text(report))
