"""The portal's search index: one document per public record, with its facet values.

Only published records have a document, so search, facet counts and the sitemap cannot show a
draft or a withdrawn record. council/portal/index.py keeps it in step on every flush.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from council.extensions import db


class PortalDoc(db.Model):
    __tablename__ = "portal_docs"
    __table_args__ = (
        sa.UniqueConstraint("type", "record_id"),
        sa.Index("ix_portal_docs_sort", "sort_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(20))
    record_id: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    # NFKC-normalised, lower-cased text of every searchable field (substring search).
    text: Mapped[str] = mapped_column(sa.Text, default="")
    # One line shown under the title in results (organisation, place, dates).
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    sort_on: Mapped[date | None]
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]


class PortalDocFacet(db.Model):
    """A facet value of a document: block, pref, field, ministry, kind, fy, type."""

    __tablename__ = "portal_doc_facets"
    __table_args__ = (sa.Index("ix_portal_doc_facets_value", "facet", "value", "doc_id"),)

    doc_id: Mapped[int] = mapped_column(
        sa.ForeignKey("portal_docs.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class PortalState(db.Model):
    """One row: a version raised on every change of the index, so that anonymous pages can be
    kept per version (council/portal/cache.py) and never outlive a change."""

    __tablename__ = "portal_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
