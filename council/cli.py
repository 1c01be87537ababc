"""Flask commands: seed, demo, import-activities, backup."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from council.audit.hooks import act_as_system, set_actor
from council.extensions import db
from council.tables.commands import run_import


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the reference data (idempotent)."""
    from council.seed import seed_all

    act_as_system(db.session)
    seed_all()
    db.session.commit()
    from council.models import Agency, Block, Measure

    counts = {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for name, model in (("blocks", Block), ("agencies", Agency), ("measures", Measure))
    }
    click.echo("reference data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the deterministic demo data set (safe to re-run)."""
    from council.demo import load_demo
    from council.seed import seed_all

    act_as_system(db.session)
    seed_all()
    logins = load_demo()
    from council.portal.demo import load_portal_demo

    portal = load_portal_demo()
    db.session.commit()
    if portal:
        click.echo("portal: " + ", ".join(f"{k} {v:,}" for k, v in portal.items()))
    click.echo("demo data loaded. logins (password for all: shown below):")
    for role, email, password in logins:
        click.echo(f"  {role:<12} {email}  {password}")


@click.command("import-activities")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--as",
    "as_email",
    metavar="EMAIL",
    help="Import as this user: their block rules apply and the log names them.",
)
@click.option("--dry-run", is_flag=True, help="Check the file and report, import nothing.")
@with_appcontext
def import_activities_command(csv_file: Path, as_email: str | None, dry_run: bool):
    """Import an Activity CSV file (all rows or none; re-importing changes nothing)."""
    from council.accounts.models import User
    from council.activities.csv.importer import import_activities

    actor = None
    if as_email:
        actor = db.session.scalar(sa.select(User).where(User.email == as_email.strip().lower()))
        if actor is None or not actor.is_active:
            raise click.ClickException(f"no active user with e-mail {as_email}")
        set_actor(db.session, actor)
    else:
        # The server's operator: every block and headquarters meetings.
        act_as_system(db.session)
    run_import(
        csv_file,
        lambda: import_activities(
            csv_file.read_bytes(),
            actor=actor,
            check_permissions=actor is not None,
            source=csv_file.name,
        ),
        dry_run=dry_run,
    )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Back up the database to PATH and the upload folder to PATH.uploads/."""
    from council.backup import BackupError, make_backup

    try:
        result = make_backup(db.engine.url, current_app.config["UPLOAD_FOLDER"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"database: {result.database} ({result.database_bytes:,} bytes)")
    click.echo(f"uploads:  {result.uploads} ({result.upload_files} files)")


def register(app) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(import_activities_command)
    app.cli.add_command(backup_command)
