"""Reads of the measures register."""

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council.directory.models import Ministry
from council.extensions import db
from council.measures.models import Measure, MeasureBudget, PublishedTotal, SlotFigure


def register() -> dict:
    """Measures with their budget lines per year, each year's line sum and published total."""
    measures = db.session.scalars(
        sa.select(Measure)
        .join(Ministry)
        .options(selectinload(Measure.budgets), selectinload(Measure.ministry))
        .order_by(Ministry.sort_order, Measure.sort_order, Measure.id)
    ).all()
    totals = {t.fiscal_year: t for t in db.session.scalars(sa.select(PublishedTotal))}
    sums = dict(
        db.session.execute(
            sa.select(
                MeasureBudget.fiscal_year, sa.func.sum(MeasureBudget.amount_million)
            ).group_by(MeasureBudget.fiscal_year)
        ).all()
    )
    years = sorted(set(totals) | set(sums))
    slots = defaultdict(list)
    for slot in db.session.scalars(
        sa.select(SlotFigure).order_by(SlotFigure.id, SlotFigure.fiscal_year)
    ):
        slots[slot.programme].append(slot)
    return {
        "measures": measures,
        "years": years,
        "published": totals,
        "sums": {year: int(total) for year, total in sums.items()},
        "slots": dict(slots),
    }
