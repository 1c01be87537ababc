"""`flask users …`: create accounts, issue API tokens, deactivate, first-run admin.

Every command exits 0 on success; otherwise it prints its reasons on stderr, exits non-zero
and changes nothing (the session is committed only at the very end).
"""

import re
from typing import NoReturn

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from council.accounts import services
from council.accounts.forms import MIN_PASSWORD
from council.accounts.models import ROLES, User
from council.audit.hooks import act_as_system
from council.directory.models import Agency, Block
from council.extensions import db
from council.formfields import EMAIL_PATTERN

users_cli = AppGroup("users", help="Manage user accounts.")

FIRST_ADMIN_EMAIL = "admin@localhost"


def _fail(message: str) -> NoReturn:
    db.session.rollback()
    raise click.ClickException(message)


def _find_user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        _fail(f"no user with e-mail {email}")
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        _fail(f"the password must be at least {MIN_PASSWORD} characters long")
    if re.search(r"[\x00-\x1f\x7f]", password):
        _fail("the password contains control characters")


@users_cli.command("create")
@click.option("--email", required=True, help="Login e-mail address.")
@click.option("--role", required=True, type=click.Choice(list(ROLES)), help="Role.")
@click.option("--block", "block_code", help="Block code (secretariat).")
@click.option("--agency", "agency_name", help="Agency name as in the directory (member).")
@click.option("--password", help="Initial password; a random one is printed when omitted.")
@click.option("--name", help="Display name (defaults to the part of the e-mail before @).")
def create(email, role, block_code, agency_name, password, name):
    """Create a user."""
    act_as_system(db.session)
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        _fail(f"not an e-mail address: {email}")
    block = agency = None
    if block_code:
        block = db.session.scalar(sa.select(Block).where(Block.code == block_code))
        if block is None:
            codes = ", ".join(db.session.scalars(sa.select(Block.code).order_by(Block.sort_order)))
            _fail(f"unknown block {block_code!r} (known: {codes or 'none; run flask seed'})")
        if role != "secretariat":
            _fail("--block is for a secretariat user only")
    if agency_name:
        agency = db.session.scalar(sa.select(Agency).where(Agency.name == agency_name.strip()))
        if agency is None:
            _fail(f"unknown agency {agency_name!r}")
        if role != "member":
            _fail("--agency is for a member user only")
    if password is not None:
        _check_password(password)
    generated = password is None
    password = password or services.generate_password()
    name = (name or email.split("@")[0]).strip()
    if not name or len(name) > 60:
        _fail("the name must be 1 to 60 characters long")
    try:
        user = services.create_user(
            email=email,
            name=name,
            role=role,
            password=password,
            block_id=block.id if block else None,
            agency_id=agency.id if agency else None,
        )
    except services.AccountError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"created {user.role} {user.email}")
    if generated:
        click.echo(f"password: {password}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="What the token is for.")
def token(email, name):
    """Print a new API token for the user (it is stored hashed and never shown again)."""
    act_as_system(db.session)
    user = _find_user(email)
    if not user.is_active:
        _fail(f"{user.email} is deactivated")
    value = services.issue_api_token(user, name)
    db.session.commit()
    click.echo(value)


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Deactivate a user: ends their sessions and revokes their API and feed tokens."""
    act_as_system(db.session)
    user = _find_user(email)
    if not user.is_active:
        click.echo(f"{user.email} is already deactivated")
        return
    try:
        services.deactivate_user(user)
    except services.AccountError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"deactivated {user.email}; sessions ended, API and feed tokens revoked")


@users_cli.command("password")
@click.argument("email")
@click.option("--password", help="New password; a random one is printed when omitted.")
def password_command(email, password):
    """Set a new password (ends the user's sessions): the way back in for a locked-out admin."""
    act_as_system(db.session)
    user = _find_user(email)
    if password is not None:
        _check_password(password)
    generated = password is None
    password = password or services.generate_password()
    services.set_password(user, password)
    db.session.commit()
    click.echo(f"password changed for {user.email}")
    if generated:
        click.echo(f"password: {password}")


@users_cli.command("ensure-admin")
def ensure_admin():
    """Create the first admin when no user exists (prints its password once)."""
    act_as_system(db.session)
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("users exist; no administrator created")
        return
    password = services.generate_password()
    user = services.create_user(
        email=FIRST_ADMIN_EMAIL, name="システム管理者", role="admin", password=password
    )
    db.session.commit()
    # Printed among installation logs (make run): a banner, so that it is not missed.
    click.echo("")
    click.echo("=" * 72)
    click.echo(
        "  最初の管理者を作成しました。このパスワードは今回だけ表示されます。控えてください。"
    )
    click.echo("  created the first administrator (this password is shown only once):")
    click.echo("=" * 72)
    click.echo(f"  e-mail:   {user.email}")
    click.echo(f"  password: {password}")


def register(app) -> None:
    app.cli.add_command(users_cli)
