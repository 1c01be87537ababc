"""Held counts over several fiscal years (the years page), counted in the database.

One fiscal year's figures, the activities behind them and their definitions are the shared
core's (council.figures): the same counts serve the submissions and the API.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from council.activities.models import HQ_KINDS, NATIONAL, Activity
from council.extensions import db
from council.figures.axes import Axes, ReportError, axes, check_year

MAX_RANGE_YEARS = 30


@dataclass
class RangeFigures:
    """Held counts per year: by category, by block, and the headquarters meetings by kind."""

    first: int
    last: int
    axes: Axes
    by_category: dict[int, dict[str, int]] = field(default_factory=dict)
    by_block: dict[int, dict[str, int]] = field(default_factory=dict)
    hq: dict[int, dict[str, int]] = field(default_factory=dict)
    # National events (全国) held per year, by category: never in by_block or by_category.
    national: dict[int, dict[str, int]] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    def total(self, year: int) -> int:
        return sum(self.by_block[year].values())

    def national_total(self, year: int) -> int:
        return sum(self.national[year].values())

    def grand_total(self, year: int) -> int:
        """The ten blocks and the 全国 line: each activity once."""
        return self.total(year) + self.national_total(year)


def range_figures(first: int, last: int, ax: Axes | None = None) -> RangeFigures:
    """Held counts for fiscal years first..last: one statement (two without `ax`)."""
    check_year(first)
    check_year(last)
    if first > last:
        raise ReportError("開始年度は終了年度以前にしてください。")
    if last - first + 1 > MAX_RANGE_YEARS:
        raise ReportError(f"一度に表示できるのは{MAX_RANGE_YEARS}年度分までです。")
    ax = ax or axes()
    held = [
        Activity.deleted_at.is_(None),
        Activity.fiscal_year.between(first, last),
        Activity.status == "held",
    ]
    # Two branches so that the block counts come from the covering report index alone.
    blocks = (
        sa.select(
            Activity.fiscal_year,
            Activity.block_id,
            Activity.category_id,
            sa.null().label("hq_kind"),
            sa.func.count().label("n"),
        )
        .where(*held, Activity.block_id.is_not(None))
        .group_by(Activity.fiscal_year, Activity.block_id, Activity.category_id)
    )
    # Headquarters meetings by kind; national events (全国) under the kind NATIONAL.
    meeting_kind = sa.case((Activity.is_national.is_(True), NATIONAL), else_=Activity.kind)
    national_category = sa.case((Activity.is_national.is_(True), Activity.category_id))
    meetings = (
        sa.select(Activity.fiscal_year, sa.null(), national_category, meeting_kind, sa.func.count())
        .where(*held, Activity.block_id.is_(None))
        .group_by(Activity.fiscal_year, national_category, meeting_kind)
    )
    rows = db.session.execute(sa.union_all(blocks, meetings)).all()
    out = RangeFigures(first, last, ax)
    for year in out.years:
        out.by_category[year] = {c.code: 0 for c in ax.categories}
        out.by_block[year] = {b.code: 0 for b in ax.blocks}
        out.hq[year] = dict.fromkeys(HQ_KINDS, 0)
        out.national[year] = {c.code: 0 for c in ax.categories}
    codes_b = {b.id: b.code for b in ax.blocks}
    codes_c = {c.id: c.code for c in ax.categories}
    for row in rows:
        if row.hq_kind == NATIONAL:
            c = codes_c.get(row.category_id)
            if c is not None:
                out.national[row.fiscal_year][c] += row.n
            continue
        if row.block_id is None:
            if row.hq_kind in HQ_KINDS:
                out.hq[row.fiscal_year][row.hq_kind] += row.n
            continue
        b, c = codes_b.get(row.block_id), codes_c.get(row.category_id)
        if b is None or c is None:
            continue
        out.by_block[row.fiscal_year][b] += row.n
        out.by_category[row.fiscal_year][c] += row.n
    return out
