"""The shape every table import command shares on the command line."""

from collections.abc import Callable
from pathlib import Path

import click

from council.extensions import db
from council.tables.results import ImportRejected


def run_import(path: Path, do_import: Callable, *, dry_run: bool) -> None:
    """Run `do_import` (which raises ImportRejected with line-numbered problems, or returns a
    summary), print the problems and exit 1 with nothing written, or commit (roll back on a dry
    run) and print the counts."""
    try:
        summary = do_import()
    except ImportRejected as rejected:
        db.session.rollback()
        _report_rejection(path, rejected)
        raise SystemExit(1) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for note in getattr(summary, "notes", ()):
        click.echo(f"{path}:{note.line}: {note.column}: {note.message}")
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {path}: {summary.rows} rows, {summary.created} created, "
        f"{summary.updated} updated, {summary.unchanged} unchanged"
    )


def _report_rejection(path: Path, rejected: ImportRejected) -> None:
    for problem in rejected.problems:
        column = f" {problem.column}:" if problem.column else ""
        click.echo(f"{path}:{problem.line or '-'}:{column} {problem.message}", err=True)
    click.echo(f"{len(rejected.problems)} problem(s): nothing was imported from {path}.", err=True)
