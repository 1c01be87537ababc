"""Matrix cases for the measures register: only admin and hq change budgets, published totals
and slot figures (permissions.can_edit_measures)."""

import sqlalchemy as sa

from council.extensions import db
from council.measures.models import Measure, MeasureBudget, PublishedTotal, SlotFigure
from tests.matrix.framework import Case

EDITORS = {"hq", "admin"}
TARGET = "沖縄イノベーション創出事業"


def _measure() -> Measure:
    return db.session.scalar(sa.select(Measure).where(Measure.name == TARGET))


def _budget(w):
    return db.session.scalar(
        sa.select(MeasureBudget.amount_million).where(
            MeasureBudget.measure_id == _measure().id, MeasureBudget.fiscal_year == 2007
        )
    )


def _edit_data(w):
    measure = _measure()
    return {
        "ministry_id": str(measure.ministry_id),
        "name": measure.name,
        "note": measure.note,
        "budget_2007": "271",
    }


def _measure_count(w):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Measure))


def _published(year):
    return db.session.scalar(
        sa.select(PublishedTotal.amount_million).where(PublishedTotal.fiscal_year == year)
    )


def _slot():
    return db.session.scalar(
        sa.select(SlotFigure).where(SlotFigure.fiscal_year == 2007).order_by(SlotFigure.id)
    )


def _slot_count(w):
    return db.session.scalar(sa.select(sa.func.count()).select_from(SlotFigure))


def _assert(condition):
    assert condition


CASES = [
    Case(
        name="measures.edit",
        url=lambda w: f"/measures/{_measure().id}/edit",
        data=_edit_data,
        allowed=EDITORS,
        state=_budget,
        changed=lambda w: _assert(_budget(w) == 271),
    ),
    Case(
        name="measures.new",
        url=lambda w: "/measures/new",
        data=lambda w: {
            "ministry_id": str(_measure().ministry_id),
            "name": "新しい施策",
            "new_year_1": "2008",
            "new_amount_1": "100",
        },
        allowed=EDITORS,
        state=_measure_count,
        changed=lambda w: _assert(_measure_count(w) == 25),
    ),
    Case(
        name="measures.edit_published",
        url=lambda w: "/measures/published/2007",
        data=lambda w: {"ministries_count": "8", "measures_count": "17", "amount_million": "1"},
        allowed=EDITORS,
        state=lambda w: _published(2007),
        changed=lambda w: _assert(_published(2007) == 1),
    ),
    Case(
        name="measures.new_published",
        url=lambda w: "/measures/published/new",
        data=lambda w: {
            "fiscal_year": "2008",
            "ministries_count": "8",
            "measures_count": "18",
            "amount_million": "80000",
        },
        allowed=EDITORS,
        state=lambda w: _published(2008),
        changed=lambda w: _assert(_published(2008) == 80000),
    ),
    Case(
        name="measures.edit_slot",
        url=lambda w: f"/measures/slots/{_slot().id}/edit",
        data=lambda w: {"amount_million": "1", "adopted": "1", "continued": "1"},
        allowed=EDITORS,
        state=lambda w: _slot().amount_million,
        changed=lambda w: _assert(_slot().amount_million == 1),
    ),
    Case(
        name="measures.new_slot",
        url=lambda w: "/measures/slots/new",
        data=lambda w: {
            "programme": "新しい連携枠",
            "fiscal_year": "2008",
            "amount_million": "10",
            "regions": "3",
        },
        allowed=EDITORS,
        state=_slot_count,
        changed=lambda w: _assert(_slot_count(w) == 7),
    ),
]
