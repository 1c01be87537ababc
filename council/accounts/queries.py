"""Reads of accounts: the user list a manager sees, and what a manager may assign."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council import permissions
from council.accounts.models import ROLES, User
from council.directory.models import Agency, Block, Membership, Ministry
from council.extensions import db


@dataclass
class UserPage:
    users: list[User]
    total: int


def list_manageable_users(
    manager, *, q: str, role: str, state: str, page: int, per_page: int
) -> UserPage:
    """One page of the accounts `manager` manages, filtered by text (e-mail or name), role and
    state ("active", "inactive", anything else: both)."""
    query = sa.select(User).where(permissions.manageable_users_clause(manager))
    if q:
        pattern = f"%{q}%"
        query = query.where(sa.or_(User.email.ilike(pattern), User.name.ilike(pattern)))
    if role in ROLES:
        query = query.where(User.role == role)
    if state == "active":
        query = query.where(User.is_active_user.is_(True))
    elif state == "inactive":
        query = query.where(User.is_active_user.is_(False))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(selectinload(User.block), selectinload(User.agency))
        .order_by(User.role, User.email)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return UserPage(list(rows), total)


def assignable_blocks_and_agencies(manager) -> tuple[list[Block], list[Agency]]:
    """The blocks and active agencies a manager may put a user in: all of them for whoever
    manages the whole directory, no block and the own block's agencies for a secretariat."""
    agencies = (
        sa.select(Agency)
        .join(Ministry, Ministry.id == Agency.ministry_id)
        .where(Agency.is_active.is_(True))
        .order_by(Ministry.sort_order, Agency.name)
    )
    if permissions.can_manage_all_directory(manager):
        blocks = db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all()
        return list(blocks), list(db.session.scalars(agencies))
    in_block = sa.select(Membership.agency_id).where(
        Membership.block_id == manager.block_id, Membership.last_fy.is_(None)
    )
    return [], list(db.session.scalars(agencies.where(Agency.id.in_(in_block))))
