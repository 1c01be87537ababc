"""`flask notices send [--once]`: the sender (SPEC "Notices")."""

import click
from flask.cli import AppGroup

from council.audit.hooks import set_actor
from council.extensions import db

notices_cli = AppGroup("notices", help="Deliver notices (mail) from the outbox.")


@notices_cli.command("send")
@click.option(
    "--once", is_flag=True, help="One pass: the changes' notices, today's if due, then the outbox."
)
def send_command(once: bool):
    """Deliver the outbox to MAIL_SERVER (or to instance/mail/ without one); without --once,
    keep running and poll every NOTICES_POLL_SECONDS."""
    from council.notices import sender

    set_actor(db.session, None)
    db.session.info["audit_actor_label"] = "system (notices)"
    stats = sender.run(once=once, log=lambda line: click.echo(line, err=True))
    if once:
        click.echo(
            f"sent {stats.sent}, to retry {stats.retried}, failed {stats.failed}, "
            f"mails from changes {stats.expanded}, daily notices enqueued {stats.daily}"
        )


def register(app) -> None:
    app.cli.add_command(notices_cli)
