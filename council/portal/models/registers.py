"""Support measures (研究支援策), facilities (研究支援施設) and adopted themes (採択研究テーマ)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.extensions import db
from council.portal.models.common import FACILITY_KINDS, MEASURE_TARGETS, RecordMixin

measure_fields = sa.Table(
    "portal_measure_fields",
    db.metadata,
    sa.Column(
        "measure_id", sa.ForeignKey("portal_measures.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("field_id", sa.ForeignKey("research_fields.id"), primary_key=True, index=True),
)
measure_blocks = sa.Table(
    "portal_measure_blocks",
    db.metadata,
    sa.Column(
        "measure_id", sa.ForeignKey("portal_measures.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("block_id", sa.ForeignKey("blocks.id"), primary_key=True, index=True),
)
measure_prefectures = sa.Table(
    "portal_measure_prefectures",
    db.metadata,
    sa.Column(
        "measure_id", sa.ForeignKey("portal_measures.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("prefecture_id", sa.ForeignKey("prefectures.id"), primary_key=True, index=True),
)
facility_fields = sa.Table(
    "portal_facility_fields",
    db.metadata,
    sa.Column(
        "facility_id", sa.ForeignKey("portal_facilities.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("field_id", sa.ForeignKey("research_fields.id"), primary_key=True, index=True),
)
theme_participants = sa.Table(
    "portal_theme_participants",
    db.metadata,
    sa.Column("theme_id", sa.ForeignKey("portal_themes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), primary_key=True, index=True),
)


class SupportMeasure(RecordMixin, db.Model):
    """A programme or call offered by a ministry, agency, local government or support body."""

    __tablename__ = "portal_measures"
    __table_args__ = (
        sa.UniqueConstraint("offering_agency_id", "name", "fiscal_year"),
        sa.Index("ix_portal_measures_closes_on", "closes_on"),
    )

    offering_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    # Its line of the measures register (表-1), where it is one.
    measure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("measures.id"), index=True)
    ministry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ministries.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    fiscal_year: Mapped[int]
    target: Mapped[str] = mapped_column(sa.String(20), default="company")
    amount_min: Mapped[int | None]  # thousand yen
    amount_max: Mapped[int | None]
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    contact: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")

    offering_agency = relationship("Agency")
    measure = relationship("Measure")
    ministry = relationship("Ministry")
    block = relationship("Block")
    fields = relationship(
        "ResearchField", secondary=measure_fields, order_by="ResearchField.sort_order"
    )
    blocks = relationship("Block", secondary=measure_blocks, order_by="Block.sort_order")
    prefectures = relationship(
        "Prefecture", secondary=measure_prefectures, order_by="Prefecture.id"
    )

    audit_fields = (
        "status",
        "offering_agency_id",
        "measure_id",
        "ministry_id",
        "name",
        "fiscal_year",
        "target",
        "amount_min",
        "amount_max",
        "opens_on",
        "closes_on",
        "url",
        "contact",
        "description",
        "block_id",
    )

    @property
    def target_label(self) -> str:
        return MEASURE_TARGETS.get(self.target, self.target)

    def is_open_on(self, day: date) -> bool:
        return (
            self.opens_on is not None
            and self.closes_on is not None
            and self.opens_on <= day <= self.closes_on
        )


class Facility(RecordMixin, db.Model):
    """Equipment, a test bed or an incubator that firms may use."""

    __tablename__ = "portal_facilities"
    __table_args__ = (sa.UniqueConstraint("owner_agency_id", "name"),)

    owner_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    prefecture_id: Mapped[int] = mapped_column(sa.ForeignKey("prefectures.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="equipment")
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    fees: Mapped[str] = mapped_column(sa.String(500), default="")
    contact: Mapped[str] = mapped_column(sa.String(200), default="")
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")

    owner_agency = relationship("Agency")
    prefecture = relationship("Prefecture")
    block = relationship("Block")
    fields = relationship(
        "ResearchField", secondary=facility_fields, order_by="ResearchField.sort_order"
    )

    audit_fields = (
        "status",
        "owner_agency_id",
        "name",
        "prefecture_id",
        "kind",
        "conditions",
        "fees",
        "contact",
        "url",
        "description",
        "block_id",
    )

    @property
    def kind_label(self) -> str:
        return FACILITY_KINDS.get(self.kind, self.kind)


class Theme(RecordMixin, db.Model):
    """A research theme that a programme adopted, with its lead and participating bodies."""

    __tablename__ = "portal_themes"
    __table_args__ = (
        sa.UniqueConstraint("programme", "fiscal_year", "title", "lead_agency_id"),
        # The funding survey sums a year's budgets by measure, field and block
        # (council/analysis/theme_budgets.py) from this index alone, never from the table.
        sa.Index(
            "ix_portal_themes_survey",
            "fiscal_year",
            "status",
            "budget",
            "measure_id",
            "field_id",
            "block_id",
            "lead_agency_id",
        ),
        # The analysis's data version reads max(updated_at) on every network request.
        sa.Index("ix_portal_themes_updated_at", "updated_at"),
    )

    programme: Mapped[str] = mapped_column(sa.String(200))
    measure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("measures.id"), index=True)
    fiscal_year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    lead_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    field_id: Mapped[int | None] = mapped_column(sa.ForeignKey("research_fields.id"), index=True)
    budget: Mapped[int | None]  # thousand yen
    summary: Mapped[str] = mapped_column(sa.Text, default="")

    measure = relationship("Measure")
    lead_agency = relationship("Agency")
    field = relationship("ResearchField")
    block = relationship("Block")
    participants = relationship("Agency", secondary=theme_participants, order_by="Agency.id")

    audit_fields = (
        "status",
        "programme",
        "measure_id",
        "fiscal_year",
        "title",
        "lead_agency_id",
        "field_id",
        "budget",
        "summary",
        "block_id",
    )
