"""Reads of the measures register."""

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council import permissions
from council.activities.models import Activity, Category, activity_measures
from council.directory.models import Block, Ministry
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
    starts = {m.first_fy for m in measures if m.first_fy is not None}
    years = sorted(set(totals) | set(sums) | starts)
    line_counts = dict(
        db.session.execute(
            sa.select(MeasureBudget.fiscal_year, sa.func.count()).group_by(
                MeasureBudget.fiscal_year
            )
        ).all()
    )
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
        "line_counts": line_counts,
        "slots": dict(slots),
    }


def briefings(measure: Measure, user) -> list:
    """The activities (briefings) that explained this measure and that `user` may see, newest
    first, as rows of plain values. One statement."""
    return db.session.execute(
        sa.select(
            Activity.id,
            Activity.title,
            Activity.starts_at,
            Activity.is_all_day,
            Activity.status,
            Activity.venue,
            Block.name.label("block_name"),
            Category.short_name.label("category_name"),
        )
        .join(activity_measures, activity_measures.c.activity_id == Activity.id)
        .outerjoin(Block, Block.id == Activity.block_id)
        .join(Category, Category.id == Activity.category_id)
        .where(
            activity_measures.c.measure_id == measure.id,
            permissions.visible_activities_clause(user),
        )
        .order_by(Activity.starts_at.desc(), Activity.id.desc())
    ).all()


def list_ministries() -> list[Ministry]:
    return db.session.scalars(sa.select(Ministry).order_by(Ministry.sort_order)).all()


def programmes() -> list[str]:
    """The slot programmes already registered, for the new-figure form's suggestions."""
    return list(
        db.session.scalars(
            sa.select(SlotFigure.programme)
            .group_by(SlotFigure.programme)
            .order_by(sa.func.min(SlotFigure.id))
        )
    )


def published_total(year: int) -> PublishedTotal | None:
    return db.session.scalar(sa.select(PublishedTotal).where(PublishedTotal.fiscal_year == year))


def all_measures() -> list[Measure]:
    return list(
        db.session.scalars(
            sa.select(Measure)
            .join(Ministry)
            .order_by(Ministry.sort_order, Measure.sort_order, Measure.id)
        )
    )
