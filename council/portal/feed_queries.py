"""Reads behind the Atom feeds and the sitemap: published records only, and the validators
their conditional requests are answered from."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from council.extensions import db
from council.portal.index import today_jst
from council.portal.models import News, PortalDoc, PortalDocFacet, SupportMeasure
from council.portal.queries import open_clause


def feed_news(block_id: int | None, field_id: int | None, limit: int = 50) -> list[News]:
    query = sa.select(News).where(News.status == "published")
    if block_id is not None:
        query = query.where(News.block_id == block_id)
    if field_id is not None:
        query = query.where(News.field_id == field_id)
    return list(
        db.session.scalars(
            query.options(joinedload(News.block))
            .order_by(News.updated_at.desc(), News.id.desc())
            .limit(limit)
        )
    )


def _measure_filter(query, block_code: str | None, field_code: str | None):
    for facet, value in (("block", block_code), ("field", field_code)):
        if value is not None:
            query = query.where(
                sa.exists().where(
                    PortalDocFacet.doc_id == PortalDoc.id,
                    PortalDocFacet.facet == facet,
                    PortalDocFacet.value == value,
                )
            )
    return query


def feed_calls(block_code: str | None, field_code: str | None, limit: int = 50) -> list:
    """Calls open today, the most recently opened first (a newly opened call is news)."""
    today = today_jst()
    query = sa.select(
        PortalDoc.record_id,
        PortalDoc.title,
        PortalDoc.summary,
        PortalDoc.opens_on,
        PortalDoc.closes_on,
    ).where(PortalDoc.type == "measure", open_clause(today))
    query = _measure_filter(query, block_code, field_code)
    return db.session.execute(
        query.order_by(PortalDoc.opens_on.desc(), PortalDoc.id.desc()).limit(limit)
    ).all()


def news_validator(block_id: int | None, field_id: int | None) -> tuple:
    """What the news feed's ETag is made of: the newest change of any news in scope (a
    withdrawal too) and the number of published items."""
    published = sa.func.sum(sa.case((News.status == "published", 1), else_=0))
    query = sa.select(sa.func.max(News.updated_at), published)
    if block_id is not None:
        query = query.where(News.block_id == block_id)
    if field_id is not None:
        query = query.where(News.field_id == field_id)
    return tuple(db.session.execute(query).one())


def calls_validator() -> tuple:
    """The calls feed depends on the registers and on today's date ("open now")."""
    newest = db.session.scalar(sa.select(sa.func.max(SupportMeasure.updated_at)))
    return (newest, today_jst())


def sitemap_docs() -> list:
    return db.session.execute(
        sa.select(PortalDoc.type, PortalDoc.record_id).order_by(PortalDoc.type, PortalDoc.record_id)
    ).all()
