"""`flask --app wsgi import-funding FILE [--dry-run]`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from council.extensions import db


@click.command("import-funding")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, import nothing.")
@with_appcontext
def import_funding_command(path: Path, dry_run: bool):
    """Import funding records from CSV (UTF-8 or Shift_JIS) or XLSX: all rows or none;
    re-importing the same file changes nothing."""
    from council.activities.csv_rows import ImportRejected
    from council.analysis.funding.importer import read_funding
    from council.analysis.funding.services import import_rows
    from council.cli import _system_session

    _system_session()
    try:
        summary = import_rows(read_funding(path.read_bytes()))
    except ImportRejected as rejected:
        db.session.rollback()
        for problem in rejected.problems:
            column = f" {problem.column}:" if problem.column else ""
            click.echo(f"{path}:{problem.line or '-'}:{column} {problem.message}", err=True)
        click.echo(
            f"{len(rejected.problems)} problem(s): nothing was imported from {path}.", err=True
        )
        raise SystemExit(1) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {path}: {summary.rows} rows, {summary.created} created, "
        f"{summary.updated} updated, {summary.unchanged} unchanged"
    )


def register(app) -> None:
    app.cli.add_command(import_funding_command)
