"""Writes on the measures register. Services flush, never commit; the view commits once.

Every model here declares audit_fields, so the audit hook records each change with old and
new values; a measure's budget lines are also summarised on the measure itself, because the
line rows carry no name of their own in the log.
"""

import sqlalchemy as sa

from council import fiscal
from council.audit.hooks import record, set_reason
from council.errors import DomainError
from council.extensions import db
from council.measures.models import Measure, MeasureBudget, PublishedTotal, SlotFigure


class MeasureError(DomainError):
    """A refused change; the message is shown next to the field it names."""


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


def _check_life(first_fy: int | None, last_fy: int | None) -> None:
    if first_fy is not None and last_fy is not None and last_fy < first_fy:
        raise MeasureError(
            f"終了年度({fiscal.fiscal_year_label(last_fy)})が開始年度"
            f"({fiscal.fiscal_year_label(first_fy)})より前になっています。"
            "終了年度は開始年度以降にしてください。",
            field="last_fy",
        )


def _check_chain(measure: Measure | None, target_id: int | None, attr: str, field: str) -> None:
    """Following `attr` (successor or parent) from target_id must never come back to
    `measure`: a measure cannot succeed (or contain) itself, directly or through others."""
    if target_id is None:
        return
    label = "後継施策" if attr == "successor_id" else "親の施策(事業)"
    seen = set()
    current = db.session.get(Measure, target_id)
    if current is None:
        raise MeasureError(f"{label}が見つかりません。一覧から選んでください。", field=field)
    while current is not None and current.id not in seen:
        if measure is not None and current.id == measure.id:
            raise MeasureError(
                f"{label}をたどると「{measure.name}」自身に戻ってしまいます(循環)。"
                f"別の{label}を選んでください。",
                field=field,
            )
        seen.add(current.id)
        next_id = getattr(current, attr)
        current = db.session.get(Measure, next_id) if next_id is not None else None


def _apply_history(measure: Measure, history: dict) -> None:
    """first_fy, last_fy, successor_id, parent_id, flags: checked, then set."""
    if not history:
        return
    first_fy = history.get("first_fy", measure.first_fy)
    last_fy = history.get("last_fy", measure.last_fy)
    _check_life(first_fy, last_fy)
    _check_chain(measure, history.get("successor_id"), "successor_id", "successor_id")
    _check_chain(measure, history.get("parent_id"), "parent_id", "parent_id")
    for name, value in history.items():
        if getattr(measure, name) != value:
            setattr(measure, name, value)


def create_measure(
    *,
    actor,
    ministry_id: int,
    name: str,
    note: str,
    budgets: dict[int, int | None],
    reason="",
    **history,
) -> Measure:
    """Register a new measure with its budget lines (year -> million yen) and, optionally, its
    history (first_fy, last_fy, successor_id, parent_id, flags)."""
    _check_unique_name(name, None)
    _check_life(history.get("first_fy"), history.get("last_fy"))
    set_reason(db.session, reason)
    order = db.session.scalar(sa.select(sa.func.max(Measure.sort_order))) or 0
    measure = Measure(ministry_id=ministry_id, name=name, note=note, sort_order=order + 1)
    _apply_history(measure, history)
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
    **history,
) -> Measure:
    """Change a measure, its history and its budget lines; a year mapped to None loses its
    line. A successor or programme loop, or an end before the start, is refused (MeasureError)
    before anything changes."""
    _check_unique_name(name, measure)
    _apply_history(measure, history)
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
    note: str | None = None,
) -> PublishedTotal:
    """Create or correct the total the annual report published for a fiscal year, and the
    note that explains how the register's lines make it up."""
    set_reason(db.session, reason)
    total = db.session.scalar(sa.select(PublishedTotal).where(PublishedTotal.fiscal_year == year))
    if total is None:
        total = PublishedTotal(fiscal_year=year)
        db.session.add(total)
    total.ministries_count = ministries_count
    total.measures_count = measures_count
    total.amount_million = amount_million
    if note is not None:
        total.note = note
    elif total.note is None:
        total.note = ""
    db.session.flush()
    return total


def add_published_total(year: int, **values) -> PublishedTotal:
    """A published total for a year that has none yet; a correction of an existing one goes
    through set_published_total (the list's 修正 link)."""
    exists = db.session.scalar(sa.select(PublishedTotal).where(PublishedTotal.fiscal_year == year))
    if exists is not None:
        raise MeasureError(
            f"{fiscal.fiscal_year_label(year)}の公表合計額は既にあります。一覧の「修正」から変更してください。",
            field="fiscal_year",
        )
    return set_published_total(year, **values)


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


def create_slot_figure(*, programme: str, fiscal_year: int, **values) -> SlotFigure:
    """A programme's slot figures for a new year (one row per programme and year); the figures
    themselves are written as a correction writes them."""
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
    slot = SlotFigure(programme=programme, fiscal_year=fiscal_year)
    db.session.add(slot)
    return update_slot_figure(slot, **values)
