"""National measures (施策), their budgets per fiscal year, published totals and slot figures."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.extensions import db


class Measure(db.Model):
    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    ministry_id: Mapped[int] = mapped_column(sa.ForeignKey("ministries.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    ministry = relationship("Ministry")
    budgets: Mapped[list["MeasureBudget"]] = relationship(
        back_populates="measure", order_by="MeasureBudget.fiscal_year", cascade="all"
    )
    activities = relationship("Activity", secondary="activity_measures", back_populates="measures")

    audit_fields = ("name", "ministry_id", "note")


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

    audit_fields = ("ministries_count", "measures_count", "amount_million")


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
