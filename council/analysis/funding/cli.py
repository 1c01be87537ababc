"""`flask --app wsgi import-funding FILE [--dry-run]`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from council.audit.hooks import act_as_system
from council.extensions import db


@click.command("import-funding")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, import nothing.")
@with_appcontext
def import_funding_command(path: Path, dry_run: bool):
    """Import funding records from CSV (UTF-8 or Shift_JIS) or XLSX: all rows or none;
    re-importing the same file changes nothing."""
    from council.analysis.funding.importer import read_funding
    from council.analysis.funding.services import import_rows
    from council.tables.commands import run_import

    act_as_system(db.session)
    run_import(path, lambda: import_rows(read_funding(path.read_bytes())), dry_run=dry_run)


def register(app) -> None:
    app.cli.add_command(import_funding_command)
