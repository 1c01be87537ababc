"""Funding records (資金投入状況): one project or grant of one fiscal year, in million yen."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.extensions import UTCDateTime, db, utc_now

# The two kinds of the report's survey (図-5), in the order the page shows them.
KINDS = {"large": "大型プロジェクト", "grant": "研究開発助成事業"}
SOURCES = {"manual": "手入力", "import": "取込"}


class FundingRecord(db.Model):
    """Natural key: fiscal year, kind, ministry, block and title; a re-import of the same
    row finds it and changes nothing."""

    __tablename__ = "funding_records"
    __table_args__ = (
        sa.UniqueConstraint("fiscal_year", "kind", "ministry_id", "block_id", "title"),
        sa.CheckConstraint("amount_tenths >= 0", name="amount_not_negative"),
        sa.CheckConstraint("kind IN ('large', 'grant')", name="kind"),
        # The survey page sums one year by block and field, and by measure: both read from
        # these indexes alone (the amount is in them), never from the table.
        sa.Index(
            "ix_funding_records_year",
            "fiscal_year",
            "kind",
            "block_id",
            "field_id",
            "amount_tenths",
        ),
        sa.Index("ix_funding_records_measure", "fiscal_year", "measure_id", "amount_tenths"),
        # The survey's data version reads MAX(updated_at) on every request: one index probe.
        sa.Index("ix_funding_records_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(10))
    ministry_id: Mapped[int] = mapped_column(sa.ForeignKey("ministries.id"), index=True)
    measure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("measures.id"))
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"), index=True)
    prefecture_id: Mapped[int | None] = mapped_column(sa.ForeignKey("prefectures.id"))
    field_id: Mapped[int] = mapped_column(sa.ForeignKey("research_fields.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    # ¥ million with one decimal, stored exactly as an integer count of ¥100,000 (SQLite has
    # no decimal type, and sums stay exact on both databases).
    amount_tenths: Mapped[int] = mapped_column(sa.BigInteger)
    # An adopted research theme of the portal; a record naming a theme replaces what that
    # theme's budget would otherwise contribute (see funding/queries.py). No ON DELETE: the
    # portal withdraws themes and never deletes them, so deleting a theme that a record
    # names is refused rather than silently changing the survey.
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("portal_themes.id"), index=True)
    source: Mapped[str] = mapped_column(sa.String(10), default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)

    ministry = relationship("Ministry")
    measure = relationship("Measure")
    block = relationship("Block")
    prefecture = relationship("Prefecture")
    field = relationship("ResearchField")

    audit_fields = (
        "fiscal_year",
        "kind",
        "ministry_id",
        "measure_id",
        "block_id",
        "prefecture_id",
        "field_id",
        "title",
        "amount_tenths",
        "theme_id",
    )

    @property
    def amount_million(self) -> Decimal:
        return Decimal(self.amount_tenths or 0) / 10

    @amount_million.setter
    def amount_million(self, value: Decimal) -> None:
        self.amount_tenths = int(Decimal(value) * 10)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def audit_label(self) -> str:
        return f"資金投入 {self.fiscal_year}年度 {self.title}"[:255]
