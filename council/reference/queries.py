"""Reads of the reference lists, in their display order."""

import sqlalchemy as sa

from council.extensions import db
from council.reference.models import ClusterRegion, Prefecture, ResearchField


def list_research_fields() -> list[ResearchField]:
    return list(db.session.scalars(sa.select(ResearchField).order_by(ResearchField.sort_order)))


def list_prefectures() -> list[Prefecture]:
    return list(db.session.scalars(sa.select(Prefecture).order_by(Prefecture.id)))


def list_cluster_regions() -> list[ClusterRegion]:
    return list(db.session.scalars(sa.select(ClusterRegion).order_by(ClusterRegion.sort_order)))


def prefecture_by_code_or_name(value: str) -> Prefecture | None:
    """A prefecture by JIS code ("13", "1" → "01") or Japanese name (東京都)."""
    value = (value or "").strip()
    if value.isdigit() and len(value) <= 2:
        return db.session.scalar(sa.select(Prefecture).filter_by(code=value.zfill(2)))
    return db.session.scalar(sa.select(Prefecture).filter_by(name=value))
