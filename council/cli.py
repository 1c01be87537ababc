"""Flask commands: seed, demo, backup."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from council.audit.hooks import set_actor
from council.extensions import db


def _system_session() -> None:
    set_actor(db.session, None)
    db.session.info["audit_actor_label"] = "system (cli)"


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the reference data (idempotent)."""
    from council.seed import seed_all

    _system_session()
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

    _system_session()
    seed_all()
    logins = load_demo()
    db.session.commit()
    click.echo("demo data loaded. logins (password for all: shown below):")
    for role, email, password in logins:
        click.echo(f"  {role:<12} {email}  {password}")


def register(app) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
