"""`flask portal import TYPE FILE [--dry-run]`, `flask portal export TYPE FILE`,
`flask portal reindex`, `flask portal stats-flush`."""

from pathlib import Path

import click
from flask.cli import AppGroup

from council.audit.hooks import act_as_system
from council.extensions import db

portal_cli = AppGroup("portal", help="The public portal's registers.")
KINDS = click.Choice(["measures", "facilities", "themes", "news"])


@portal_cli.command("import")
@click.argument("kind", type=KINDS)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, import nothing.")
def import_command(kind: str, file: Path, dry_run: bool):
    """Import a register from CSV (UTF-8, BOM or Shift_JIS) or XLSX: all rows or none."""
    from council.portal.csv.importer import import_register
    from council.tables.commands import run_import

    act_as_system(db.session)
    run_import(
        file,
        lambda: import_register(
            kind, file.read_bytes(), actor=None, check_permissions=False, filename=file.name
        ),
        dry_run=dry_run,
    )


@portal_cli.command("export")
@click.argument("kind", type=KINDS)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_command(kind: str, file: Path):
    """Export a register as CSV (UTF-8 with BOM) or, for a .xlsx name, XLSX."""
    from council.portal.csv import exporter

    data = (
        exporter.export_xlsx(kind) if file.suffix.lower() == ".xlsx" else exporter.export_csv(kind)
    )
    file.write_bytes(data)
    click.echo(f"exported {kind} to {file} ({len(data):,} bytes)")


@portal_cli.command("reindex")
def reindex_command():
    """Rebuild the portal's search index from the registers."""
    from council.portal.index import rebuild

    n = rebuild()
    db.session.commit()
    click.echo(f"portal index: {n} documents")
