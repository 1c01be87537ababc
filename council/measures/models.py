"""National measures (施策), their budgets per fiscal year, published totals and slot figures."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.extensions import db

# Flags a measure carries in the register (the report's remarks), code -> label.
# `large_project`: the funding survey counts the budgets of the measure's adopted research
# themes as large projects (大型プロジェクト); other measures' themes count as grants.
MEASURE_FLAGS = {"no_new_adoption": "課題の新規採択なし", "large_project": "大型プロジェクト"}


class Measure(db.Model):
    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    ministry_id: Mapped[int] = mapped_column(sa.ForeignKey("ministries.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    # The measure's life in the register: the first and last fiscal year it is counted.
    first_fy: Mapped[int | None]
    last_fy: Mapped[int | None]
    # The measure that takes over when this one ends (two may share one successor).
    successor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("measures.id"), index=True)
    # A sub-programme (重点地域研究開発推進プログラム's シーズ発掘試験 …) names its programme.
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("measures.id"), index=True)
    # Comma-separated MEASURE_FLAGS codes.
    flags: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    ministry = relationship("Ministry")
    successor: Mapped["Measure | None"] = relationship(
        remote_side=[id], foreign_keys=[successor_id], back_populates="predecessors"
    )
    predecessors: Mapped[list["Measure"]] = relationship(
        foreign_keys=[successor_id], back_populates="successor", order_by="Measure.sort_order"
    )
    parent: Mapped["Measure | None"] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list["Measure"]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Measure.sort_order"
    )
    budgets: Mapped[list["MeasureBudget"]] = relationship(
        back_populates="measure", order_by="MeasureBudget.fiscal_year", cascade="all"
    )
    activities = relationship("Activity", secondary="activity_measures", back_populates="measures")

    audit_fields = (
        "name",
        "ministry_id",
        "note",
        "first_fy",
        "last_fy",
        "successor_id",
        "parent_id",
        "flags",
    )
    __table_args__ = (
        sa.CheckConstraint(
            "first_fy IS NULL OR last_fy IS NULL OR first_fy <= last_fy", name="life_order"
        ),
    )

    @property
    def flag_codes(self) -> list[str]:
        return [f for f in (self.flags or "").split(",") if f]

    @property
    def flag_labels(self) -> list[str]:
        return [MEASURE_FLAGS.get(f, f) for f in self.flag_codes]

    def is_counted_in(self, year: int) -> bool:
        """In the register of fiscal year `year` (its life, or its budget lines if unset)."""
        if self.first_fy is None and self.last_fy is None:
            return any(b.fiscal_year == year for b in self.budgets)
        return (self.first_fy is None or self.first_fy <= year) and (
            self.last_fy is None or year <= self.last_fy
        )


class MeasureBudget(db.Model):
    """A budget line: one measure's budget in one fiscal year, in million yen."""

    __tablename__ = "measure_budgets"
    __table_args__ = (sa.UniqueConstraint("measure_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measures.id"), index=True)
    fiscal_year: Mapped[int]
    amount_million: Mapped[int]

    measure: Mapped[Measure] = relationship(back_populates="budgets")

    audit_fields = ("fiscal_year", "amount_million")

    def audit_label(self) -> str:
        measure = self.measure or sa.inspect(self).session.get(Measure, self.measure_id)
        return f"{measure.name if measure else ''} 予算({self.fiscal_year}年度)"[:255]


class PublishedTotal(db.Model):
    """The total of the coordinated measures as the annual report published it."""

    __tablename__ = "published_totals"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(unique=True)
    ministries_count: Mapped[int]
    measures_count: Mapped[int]
    amount_million: Mapped[int]
    # How the register's lines make up the published count and total (or why they differ).
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    audit_fields = ("ministries_count", "measures_count", "amount_million", "note")


class SlotFigure(db.Model):
    """Cross-ministry slot (他府省連携枠) figures of one programme in one fiscal year."""

    __tablename__ = "slot_figures"
    __table_args__ = (sa.UniqueConstraint("programme", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(sa.String(100))
    fiscal_year: Mapped[int]
    amount_million: Mapped[int]
    adopted: Mapped[int | None]
    continued: Mapped[int | None]
    regions: Mapped[int | None]

    audit_fields = ("amount_million", "adopted", "continued", "regions")
