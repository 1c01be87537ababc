"""Blocks, ministries, member agencies, their block memberships and contacts."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.extensions import UTCDateTime, db, utc_now

if TYPE_CHECKING:
    from council.reference.models import Prefecture

# Every body the product knows is one organisation (an Agency row): a member agency of a
# council, a company, a university … . The kind says what it is.
AGENCY_KINDS = {
    "branch": "国の地方支分部局",
    "iaa": "独立行政法人",
    "prefecture": "都道府県",
    "municipality": "市町村",
    "university": "大学・高専",
    "public_lab": "公設試",
    "support": "産業支援機関",
    "company": "企業",
    "other": "その他",
}
# Only these kinds belong to a ministry (a branch office, an independent administrative agency).
MINISTRY_KINDS = frozenset({"branch", "iaa"})


class Block(db.Model):
    __tablename__ = "blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(20))
    secretariat_name: Mapped[str] = mapped_column(sa.String(100))
    seat: Mapped[str] = mapped_column(sa.String(20))
    sort_order: Mapped[int] = mapped_column(default=0)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="block")

    def __repr__(self) -> str:
        return f"<Block {self.code}>"


class Ministry(db.Model):
    __tablename__ = "ministries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(20), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class Agency(db.Model):
    __tablename__ = "agencies"
    __table_args__ = (
        sa.CheckConstraint(
            "kind NOT IN ('branch', 'iaa') OR ministry_id IS NOT NULL", name="ministry_for_kind"
        ),
        # The analysis pages' data versions read MAX(updated_at) on every request: one
        # index probe instead of a scan of the organisations.
        sa.Index("ix_agencies_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    ministry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ministries.id"), index=True)
    prefecture_id: Mapped[int | None] = mapped_column(sa.ForeignKey("prefectures.id"), index=True)
    city: Mapped[str] = mapped_column(sa.String(40), default="")
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    # Increased by every save (council.locking): the edit form carries the version it loaded.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    ministry: Mapped[Ministry | None] = relationship()
    prefecture: Mapped["Prefecture | None"] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="agency", cascade="all, delete-orphan"
    )
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="Contact.id"
    )

    __mapper_args__ = {"version_id_col": version}

    audit_fields = ("name", "kind", "ministry_id", "prefecture_id", "city", "is_active")

    @property
    def kind_label(self) -> str:
        return AGENCY_KINDS.get(self.kind, self.kind)

    @property
    def needs_ministry(self) -> bool:
        return self.kind in MINISTRY_KINDS

    @property
    def group_label(self) -> str:
        """The heading an organisation is listed under: its ministry, or else its kind."""
        return self.ministry.name if self.ministry is not None else self.kind_label

    def block_ids(self, fiscal_year: int | None = None) -> set[int]:
        """Blocks this agency is a member of (in a given fiscal year, or at all currently)."""
        return {m.block_id for m in self.memberships if m.is_current(fiscal_year)}

    def audit_block_ids(self) -> set[int]:
        """The blocks whose secretariat sees this agency's changes: its current blocks, or, for
        an agency that has left every council, the blocks it once sat on."""
        return self.block_ids() or {m.block_id for m in self.memberships}

    def __repr__(self) -> str:
        return f"<Agency {self.name}>"


class Membership(db.Model):
    """An agency's seat on a block council, from one fiscal year to (optionally) another."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("agency_id", "block_id", "first_fy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"), index=True)
    first_fy: Mapped[int] = mapped_column(default=2005)
    last_fy: Mapped[int | None]
    is_secretariat: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    agency: Mapped[Agency] = relationship(back_populates="memberships")
    block: Mapped[Block] = relationship(back_populates="memberships")

    audit_fields = ("agency_id", "block_id", "first_fy", "last_fy", "is_secretariat")

    def audit_label(self) -> str:
        # During the flush a new row's relationships may be unset (only the ids are), and
        # pending objects do not lazy-load: look them up by id.
        session = sa.inspect(self).session
        agency = self.agency or (session.get(Agency, self.agency_id) if session else None)
        block = self.block or (session.get(Block, self.block_id) if session else None)
        return f"{agency.name if agency else ''}({block.name if block else ''})"[:255]

    def is_current(self, fiscal_year: int | None = None) -> bool:
        if fiscal_year is None:
            return self.last_fy is None
        return self.first_fy <= fiscal_year and (
            self.last_fy is None or fiscal_year <= self.last_fy
        )


class Contact(db.Model):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    title: Mapped[str] = mapped_column(sa.String(100), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")

    agency: Mapped[Agency] = relationship(back_populates="contacts")

    audit_fields = ("name", "title", "email", "phone")

    def _audit_agency(self) -> "Agency | None":
        session = sa.inspect(self).session
        return self.agency or (session.get(Agency, self.agency_id) if session else None)

    def audit_block_ids(self) -> set[int]:
        agency = self._audit_agency()
        return agency.audit_block_ids() if agency is not None else set()

    def audit_label(self) -> str:
        agency = self._audit_agency()
        return f"{agency.name if agency else ''} {self.name}".strip()[:255]


def membership_clause(block_id, fiscal_year: int):
    """SQL condition: a Membership row counts for this block in this fiscal year."""
    return sa.and_(
        Membership.block_id == block_id,
        Membership.first_fy <= fiscal_year,
        sa.or_(Membership.last_fy.is_(None), Membership.last_fy >= fiscal_year),
    )
