"""Reads of the audit log. Entries are never changed: there is no write here."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council import fiscal, permissions
from council.audit.models import AuditEntry
from council.extensions import db


def history_for(object_type: str, object_id: int, *, viewer=None, limit: int = 200):
    """The entries of one object, newest first. With `viewer`, only what they may see."""
    return history_for_objects({object_type: [object_id]}, viewer=viewer, limit=limit)


def history_for_objects(objects: dict[str, list[int]], *, viewer=None, limit: int = 200):
    """The entries of several objects ({type: [ids]}) in one list, newest first: an agency
    with its memberships and contacts, say."""
    conditions = [
        sa.and_(AuditEntry.object_type == object_type, AuditEntry.object_id.in_(ids))
        for object_type, ids in objects.items()
        if ids
    ]
    if not conditions:
        return []
    query = (
        sa.select(AuditEntry)
        .where(sa.or_(*conditions))
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    if viewer is not None:
        query = query.where(permissions.visible_audit_clause(viewer, AuditEntry.block_ids))
    return list(db.session.scalars(query))


@dataclass
class AuditFilters:
    object_type: str | None = None
    object_id: int | None = None
    block_id: int | None = None
    actor: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def search_entries(viewer, filters: AuditFilters, *, page: int = 1, per_page: int = 50):
    """One page of the entries `viewer` may see, newest first, and the number of matches."""
    query = sa.select(AuditEntry).where(
        permissions.visible_audit_clause(viewer, AuditEntry.block_ids)
    )
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEntry.object_id == filters.object_id)
    if filters.block_id is not None:
        query = query.where(AuditEntry.block_ids.contains(f",{filters.block_id},"))
    if filters.actor:
        query = query.where(AuditEntry.actor_label.ilike(f"%{filters.actor}%"))
    if filters.date_from is not None:
        query = query.where(AuditEntry.created_at >= fiscal.jst_datetime(filters.date_from))
    if filters.date_to is not None:
        end = fiscal.jst_datetime(filters.date_to + timedelta(days=1))
        query = query.where(AuditEntry.created_at < end)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    entries = db.session.scalars(
        query.options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return entries, total
