"""Reads of the directory."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council.directory.models import Agency, Block, Membership, Ministry, membership_clause
from council.extensions import db
from council.reference.models import Prefecture


def list_blocks() -> list[Block]:
    return db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all()


def list_ministries() -> list[Ministry]:
    return list(db.session.scalars(sa.select(Ministry).order_by(Ministry.sort_order)))


def list_prefectures() -> list[Prefecture]:
    return list(db.session.scalars(sa.select(Prefecture).order_by(Prefecture.id)))


def membership_candidates(block: Block) -> list[Agency]:
    """Active agencies not currently seated on the block, in ministry then name order (an
    agency that left may join again for a new period)."""
    current_ids = set(
        db.session.scalars(
            sa.select(Membership.agency_id).where(
                Membership.block_id == block.id, Membership.last_fy.is_(None)
            )
        )
    )
    return [
        a
        for a in db.session.scalars(
            sa.select(Agency)
            .join(Ministry, Ministry.id == Agency.ministry_id)
            .where(Agency.is_active.is_(True))
            .order_by(Ministry.sort_order, Agency.name)
        )
        if a.id not in current_ids
    ]


def organisation_filters(kind: str | None, prefecture_id: int | None) -> list:
    """SQL conditions on Agency for the kind and prefecture filters (None: any)."""
    where = []
    if kind:
        where.append(Agency.kind == kind)
    if prefecture_id is not None:
        where.append(Agency.prefecture_id == prefecture_id)
    return where


def list_block_agencies(
    block: Block, fiscal_year: int, *, kind: str | None = None, prefecture_id: int | None = None
) -> list[tuple[Agency, Membership]]:
    """The roster of a block's member agencies as of a fiscal year, secretariat first."""
    rows = db.session.execute(
        sa.select(Agency, Membership)
        .join(Membership, Membership.agency_id == Agency.id)
        .outerjoin(Ministry, Ministry.id == Agency.ministry_id)
        .where(membership_clause(block.id, fiscal_year))
        .where(*organisation_filters(kind, prefecture_id))
        .options(
            selectinload(Agency.contacts),
            selectinload(Agency.memberships),
            selectinload(Agency.prefecture),
        )
        .order_by(
            Membership.is_secretariat.desc(),
            Ministry.sort_order.is_(None),
            Ministry.sort_order,
            Agency.kind,
            Agency.name,
        )
    ).all()
    return [(agency, membership) for agency, membership in rows]


def list_organisations(kind: str | None, prefecture_id: int | None) -> list[Agency]:
    """Every organisation of the register (members or not), by kind, prefecture and name."""
    return list(
        db.session.scalars(
            sa.select(Agency)
            .where(*organisation_filters(kind, prefecture_id))
            .options(selectinload(Agency.ministry), selectinload(Agency.prefecture))
            .order_by(Agency.kind, Agency.prefecture_id, Agency.name)
        )
    )


def membership_years(block: Block) -> list[int]:
    first = db.session.scalar(
        sa.select(sa.func.min(Membership.first_fy)).where(Membership.block_id == block.id)
    )
    return list(range(first or 2005, _current_fy() + 2))


def _current_fy() -> int:
    from council.fiscal import current_fiscal_year

    return current_fiscal_year()
