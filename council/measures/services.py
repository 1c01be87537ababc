"""Writes on the measures register. Services flush, never commit; the view commits once.

Every model here declares audit_fields, so the audit hook records each change with old and
new values; a measure's budget lines are also summarised on the measure itself, because the
line rows carry no name of their own in the log.
"""

import sqlalchemy as sa

from council import fiscal
from council.audit.hooks import record, set_reason
from council.extensions import db
from council.measures.models import Measure, MeasureBudget, PublishedTotal, SlotFigure


class MeasureError(Exception):
    """A refused change; the message is shown next to the field it names."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _check_unique_name(name: str, measure: Measure | None) -> None:
    clash = db.session.scalar(sa.select(Measure).where(Measure.name == name))
    if clash is not None and clash is not measure:
        raise MeasureError("同じ名前の施策が既に登録されています。", field="name")


def _apply_budgets(measure: Measure, budgets: dict[int, int | None]) -> dict:
    lines = {line.fiscal_year: line for line in measure.budgets}
    changes = {}
    for year, amount in sorted(budgets.items()):
        line = lines.get(year)
        label = fiscal.fiscal_year_label(year)
        if amount is None:
            if line is not None:
                changes[f"予算 {label}"] = [line.amount_million, None]
                measure.budgets.remove(line)
                db.session.delete(line)
        elif line is None:
            measure.budgets.append(MeasureBudget(fiscal_year=year, amount_million=amount))
            changes[f"予算 {label}"] = [None, amount]
        elif line.amount_million != amount:
            changes[f"予算 {label}"] = [line.amount_million, amount]
            line.amount_million = amount
    return changes


def create_measure(
    *, actor, ministry_id: int, name: str, note: str, budgets: dict[int, int | None], reason=""
) -> Measure:
    """Register a new measure with its budget lines (year -> million yen)."""
    _check_unique_name(name, None)
    set_reason(db.session, reason)
    order = db.session.scalar(sa.select(sa.func.max(Measure.sort_order))) or 0
    measure = Measure(ministry_id=ministry_id, name=name, note=note, sort_order=order + 1)
    db.session.add(measure)
    _apply_budgets(measure, budgets)
    db.session.flush()
    return measure


def update_measure(
    measure: Measure,
    *,
    actor,
    ministry_id: int,
    name: str,
    note: str,
    budgets: dict[int, int | None],
    reason: str = "",
) -> Measure:
    """Change a measure and its budget lines; a year mapped to None loses its line."""
    _check_unique_name(name, measure)
    set_reason(db.session, reason)
    measure.ministry_id = ministry_id
    measure.name = name
    measure.note = note
    changes = _apply_budgets(measure, budgets)
    db.session.flush()
    if changes:
        record(db.session, measure, "update", changes)
    return measure


def set_published_total(
    year: int,
    *,
    actor,
    ministries_count: int,
    measures_count: int,
    amount_million: int,
    reason: str = "",
) -> PublishedTotal:
    """Create or correct the total the annual report published for a fiscal year."""
    set_reason(db.session, reason)
    total = db.session.scalar(sa.select(PublishedTotal).where(PublishedTotal.fiscal_year == year))
    if total is None:
        total = PublishedTotal(fiscal_year=year)
        db.session.add(total)
    total.ministries_count = ministries_count
    total.measures_count = measures_count
    total.amount_million = amount_million
    db.session.flush()
    return total


def update_slot_figure(
    slot: SlotFigure,
    *,
    actor,
    amount_million: int,
    adopted: int | None,
    continued: int | None,
    regions: int | None,
    reason: str = "",
) -> SlotFigure:
    set_reason(db.session, reason)
    slot.amount_million = amount_million
    slot.adopted = adopted
    slot.continued = continued
    slot.regions = regions
    db.session.flush()
    return slot


def create_slot_figure(
    *,
    actor,
    programme: str,
    fiscal_year: int,
    amount_million: int,
    adopted: int | None,
    continued: int | None,
    regions: int | None,
    reason: str = "",
) -> SlotFigure:
    """A programme's slot figures for a new year (one row per programme and year)."""
    exists = db.session.scalar(
        sa.select(SlotFigure).where(
            SlotFigure.programme == programme, SlotFigure.fiscal_year == fiscal_year
        )
    )
    if exists is not None:
        raise MeasureError(
            f"{fiscal.fiscal_year_label(fiscal_year)}の「{programme}」は既に登録されています。",
            field="fiscal_year",
        )
    set_reason(db.session, reason)
    slot = SlotFigure(
        programme=programme,
        fiscal_year=fiscal_year,
        amount_million=amount_million,
        adopted=adopted,
        continued=continued,
        regions=regions,
    )
    db.session.add(slot)
    db.session.flush()
    return slot
