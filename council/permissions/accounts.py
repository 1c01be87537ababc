"""Accounts: who manages which users, unlocks logins, and hands out which roles."""

import sqlalchemy as sa

from council.accounts.models import User
from council.directory.models import Membership
from council.permissions.base import role_of, sql_clause


def can_manage_users(user) -> bool:
    return role_of(user) in ("admin", "secretariat")


def can_manage_user(user, target) -> bool:
    role = role_of(user)
    if role == "admin":
        return True
    if role != "secretariat" or target.role != "member" or target.agency is None:
        return False
    return any(m.block_id == user.block_id and m.last_fy is None for m in target.agency.memberships)


def can_unlock_logins(user) -> bool:
    """Administrators see the accounts waiting after repeated login failures, and unlock them."""
    return role_of(user) == "admin"


@sql_clause
def manageable_users_clause(user):
    """SQL condition on User for the accounts this user manages (see can_manage_user)."""
    role = role_of(user)
    if role == "admin":
        return sa.true()
    if role != "secretariat":
        return sa.false()
    return sa.and_(
        User.role == "member",
        User.agency_id.in_(
            sa.select(Membership.agency_id).where(
                Membership.block_id == user.block_id, Membership.last_fy.is_(None)
            )
        ),
    )


def assignable_roles(user) -> tuple[str, ...]:
    if role_of(user) == "admin":
        return ("admin", "hq", "secretariat", "member")
    if role_of(user) == "secretariat":
        return ("member",)
    return ()
