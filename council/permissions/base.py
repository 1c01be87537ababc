"""What every rule is made of: the user's role, staff and secretariat tests, a member's blocks, and
the check that a visibility clause really is SQL. Anonymous users are Flask-Login's
AnonymousUserMixin: `is_authenticated` is False and they carry no role."""

from functools import wraps

import sqlalchemy as sa

from council.directory.models import Membership
from council.extensions import db


def role_of(user) -> str | None:
    return getattr(user, "role", None) if user is not None and user.is_authenticated else None


def is_staff(user) -> bool:
    """hq and admin read everything in every block."""
    return role_of(user) in ("admin", "hq")


def is_secretariat_of(user, block_id: int | None) -> bool:
    return role_of(user) == "secretariat" and block_id is not None and user.block_id == block_id


def member_block_ids(user) -> frozenset[int]:
    """The blocks a member's agency currently sits on (cached on the user for the request)."""
    if role_of(user) != "member" or user.agency_id is None:
        return frozenset()
    cached = getattr(user, "_member_block_ids", None)
    if cached is None:
        rows = db.session.execute(
            sa.select(Membership.block_id).where(
                Membership.agency_id == user.agency_id, Membership.last_fy.is_(None)
            )
        ).scalars()
        cached = frozenset(rows)
        user._member_block_ids = cached
    return cached


def sql_clause(build):
    """Marks a function that returns a SQL condition for `.where()`, and checks that it does:
    `select(...).where(None)` filters nothing, so a branch that forgot its clause would show
    every row. Anything that is not a SQL expression raises instead."""

    @wraps(build)
    def checked(*args, **kwargs):
        clause = build(*args, **kwargs)
        if not isinstance(clause, sa.ColumnElement):
            raise TypeError(f"{build.__name__} returned {clause!r}, not a SQL condition")
        return clause

    checked.is_checked_clause = True
    return checked
