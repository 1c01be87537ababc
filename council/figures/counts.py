"""Fiscal-year activity tables (活動実績表), counted in the database.

Every figure is a COUNT grouped in SQL; nothing here loads one ORM object per activity, and
each function runs a fixed number of statements whatever the number of activities.

The definitions, shared by the HTML tables, the drill-down lists, the exports and the API:

- An activity belongs to the fiscal year of its start in Japan time (`Activity.fiscal_year`,
  kept in step with `starts_at`): a postponed activity moves to the year of its new date.
- Soft-deleted activities never count. Headquarters meetings (no block) are not in the block
  tables; they are counted by kind (WG/PT/TF) on their own.
- held (実施): status `held`. planned (計画): every activity of the year that is not
  cancelled (held, planned or postponed), as the API's `planned`.
- Plan vs actual (live): the original plan (当初計画) is what had been logged before the year
  began (created before 1 April 00:00 JST); "added" (計画外追加) is what was logged after;
  postponed (延期) is what is still postponed with its date in the year. An activity postponed
  into a later year has moved to that year's tables (it counts where it is held); comparing
  with the plan as it was submitted, "postponed to another year" included, is the submissions
  domain's snapshot table. So original + added = held + cancelled + postponed + still
  planned, for every cell.

The measure names below are also the `measure=` values of the drill-down URLs.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from council import fiscal
from council.activities.models import COUNCIL_KINDS, HQ_KINDS, Activity
from council.extensions import db
from council.figures.axes import Axes, ReportError, axes, check_year

# measure code -> Japanese label
MEASURES = {
    "held": "実施",
    "planned": "計画(中止を除く)",
    "original": "当初計画",
    "added": "計画外追加",
    "cancelled": "中止",
    "postponed": "延期",
    "scheduled": "予定のまま",
}
# The plan-vs-actual columns, in the order of the table.
PLAN_VS_ACTUAL = ("original", "added", "held", "cancelled", "postponed", "scheduled")
# `block=hq` in a drill-down selects the headquarters meetings, `block=national` the national
# events (全国): headquarters' own, counted in their own line and never for a block.
HQ = "hq"
# The category whose counts are split by kind (協議会 / 幹事会).
COUNCIL = "council"

# --- which activities a measure counts ------------------------------------------------------


def measure_clause(measure: str, year: int):
    """SQL condition: the activity counts under `measure` in fiscal year `year`.

    The WHERE of the drill-down lists; year_figures() counts the same sets (see _bucket()),
    and a test checks every measure's count against its list."""
    start, _ = fiscal.fiscal_year_bounds_utc(year)
    in_year = Activity.fiscal_year == year
    if measure == "held":
        return sa.and_(in_year, Activity.status == "held")
    if measure == "planned":
        return sa.and_(in_year, Activity.status != "cancelled")
    if measure == "cancelled":
        return sa.and_(in_year, Activity.status == "cancelled")
    if measure == "scheduled":
        return sa.and_(in_year, Activity.status == "planned")
    if measure == "postponed":
        return sa.and_(in_year, Activity.status == "postponed")
    if measure == "original":
        return sa.and_(in_year, Activity.created_at < start)
    if measure == "added":
        return sa.and_(in_year, Activity.created_at >= start)
    raise ReportError("集計項目の指定が正しくありません。")


# --- one fiscal year's figures ----------------------------------------------------------------


def _grid(ax: Axes) -> dict[str, dict[str, int]]:
    return {b.code: {c.code: 0 for c in ax.categories} for b in ax.blocks}


@dataclass
class YearFigures:
    """All the counts of one fiscal year, from one aggregate statement.

    `counts[measure][block_code][category_code]` for every measure in MEASURES, all blocks and
    categories present (zeros included); `hq[measure][kind]` for the WG/PT/TF meetings;
    `national[measure][category_code]` for the national events (全国), which no block counts;
    `by_kind[measure][block_code][kind]` and `national_by_kind[measure][kind]` split the council
    category into 協議会 (council) and 幹事会 (secretariat)."""

    fiscal_year: int
    axes: Axes
    counts: dict[str, dict[str, dict[str, int]]]
    hq: dict[str, dict[str, int]]
    national: dict[str, dict[str, int]] = field(default_factory=dict)
    by_kind: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    national_by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return fiscal.fiscal_year_label(self.fiscal_year)

    @property
    def held(self) -> dict[str, dict[str, int]]:
        return self.counts["held"]

    @property
    def planned(self) -> dict[str, dict[str, int]]:
        return self.counts["planned"]

    def row_total(self, measure: str, category_code: str) -> int:
        return sum(cells[category_code] for cells in self.counts[measure].values())

    def column_total(self, measure: str, block_code: str) -> int:
        return sum(self.counts[measure][block_code].values())

    def total(self, measure: str) -> int:
        return sum(sum(cells.values()) for cells in self.counts[measure].values())

    def by_block(self, measure: str) -> dict[str, int]:
        return {b: sum(cells.values()) for b, cells in self.counts[measure].items()}

    def by_category(self, measure: str, block_code: str | None = None) -> dict[str, int]:
        blocks = [block_code] if block_code else list(self.counts[measure])
        return {
            c.code: sum(self.counts[measure][b][c.code] for b in blocks)
            for c in self.axes.categories
        }

    def national_total(self, measure: str) -> int:
        return sum(self.national[measure].values())

    def grand_row_total(self, measure: str, category_code: str) -> int:
        """A category over the ten blocks and the 全国 line: each activity once."""
        return self.row_total(measure, category_code) + self.national[measure][category_code]

    def grand_total(self, measure: str) -> int:
        return self.total(measure) + self.national_total(measure)

    def kind_total(self, measure: str, kind: str) -> int:
        """協議会 or 幹事会 over the ten blocks."""
        return sum(cells[kind] for cells in self.by_kind[measure].values())

    @property
    def has_begun(self) -> bool:
        return fiscal.current_fiscal_year() >= self.fiscal_year


def year_figures(year: int, ax: Axes | None = None, block_id: int | None = None) -> YearFigures:
    """Every count of fiscal year `year`: one statement (two without `ax`).

    With `block_id`, only that block's activities are counted (the other blocks read zero and
    the headquarters meetings are not counted).

    The statement groups the year's activities by block, category, status and whether they
    were logged after the year began (plus the headquarters kind); _bucket() turns each group
    into the measures, exactly as measure_clause() selects them for the drill-down."""
    check_year(year)
    ax = ax or axes()
    figures = _zero_figures(year, ax)
    blocks = {b.id: b.code for b in ax.blocks}
    categories = {c.id: c.code for c in ax.categories}
    for block, category, is_national, kind, status, is_added, n in _year_groups(year, block_id):
        cell = _Group(blocks.get(block), block is None, categories.get(category), kind, n)
        measures = _bucket(status, bool(is_added))
        if is_national:
            _count_national(figures, cell, measures)
        elif cell.is_headquarters:
            _count_headquarters(figures, cell, measures)
        else:
            _count_block(figures, cell, measures)
    return figures


def _year_groups(year: int, block_id: int | None) -> list:
    """The year's activities grouped by block, category, national, kind, status and whether
    they were logged after the year began, with their number: the one statement."""
    start, _ = fiscal.fiscal_year_bounds_utc(year)
    added = sa.case((Activity.created_at >= start, 1), else_=0)
    where = [Activity.fiscal_year == year, Activity.deleted_at.is_(None)]
    if block_id is not None:
        where.append(Activity.block_id == block_id)
    groups = (
        Activity.block_id,
        Activity.category_id,
        Activity.is_national,
        Activity.kind,
        Activity.status,
        added,
    )
    return db.session.execute(
        sa.select(*groups[:-1], added.label("added"), sa.func.count().label("n"))
        .where(*where)
        .group_by(*groups)
    ).all()


def _zero_figures(year: int, ax: Axes) -> YearFigures:
    """Every cell present and zero, so that a table shows 0 where nothing happened."""
    return YearFigures(
        year,
        ax,
        counts={m: _grid(ax) for m in MEASURES},
        hq={m: dict.fromkeys(HQ_KINDS, 0) for m in MEASURES},
        national={m: {c.code: 0 for c in ax.categories} for m in MEASURES},
        by_kind={m: {b.code: dict.fromkeys(COUNCIL_KINDS, 0) for b in ax.blocks} for m in MEASURES},
        national_by_kind={m: dict.fromkeys(COUNCIL_KINDS, 0) for m in MEASURES},
    )


@dataclass(frozen=True)
class _Group:
    """One group of the statement, its ids already turned into the tables' codes."""

    block: str | None
    is_headquarters: bool  # no block: a WG/PT/TF meeting (or a national event)
    category: str | None
    kind: str | None
    n: int


def _count_national(figures: YearFigures, group: _Group, measures: list[str]) -> None:
    """A national event (全国): its own line, never a block's."""
    if group.category is None:
        return
    for m in measures:
        figures.national[m][group.category] += group.n
        if group.category == COUNCIL and group.kind in COUNCIL_KINDS:
            figures.national_by_kind[m][group.kind] += group.n


def _count_headquarters(figures: YearFigures, group: _Group, measures: list[str]) -> None:
    """A headquarters meeting: counted by kind (WG/PT/TF) only."""
    if group.kind in HQ_KINDS:
        for m in measures:
            figures.hq[m][group.kind] += group.n


def _count_block(figures: YearFigures, group: _Group, measures: list[str]) -> None:
    """A block's activity: its cell, and the council category's split by kind."""
    if group.block is None or group.category is None:
        return
    for m in measures:
        figures.counts[m][group.block][group.category] += group.n
        if group.category == COUNCIL and group.kind in COUNCIL_KINDS:
            figures.by_kind[m][group.block][group.kind] += group.n


def _bucket(status: str, added: bool) -> list[str]:
    """The measures a group of activities counts under (mirrors measure_clause())."""
    out = ["added" if added else "original"]
    if status == "held":
        out += ["held", "planned"]
    elif status == "cancelled":
        out.append("cancelled")
    elif status == "postponed":
        out += ["postponed", "planned"]
    elif status == "planned":
        out += ["scheduled", "planned"]
    else:
        out.append("planned")
    return out


def held_counts(fiscal_year: int, block_id: int | None = None) -> dict[str, dict[str, int]]:
    """{block_code: {category_code: n}}: activities held in the fiscal year, every block and
    category present. With `block_id`, only that block (a one-key dict). Two statements."""
    return _restrict(year_figures(fiscal_year, block_id=block_id), "held", block_id)


def planned_counts(fiscal_year: int, block_id: int | None = None) -> dict[str, dict[str, int]]:
    """{block_code: {category_code: n}}: activities of the fiscal year that are not cancelled
    (held, planned or postponed), as the API's `planned`. Two statements."""
    return _restrict(year_figures(fiscal_year, block_id=block_id), "planned", block_id)


def plan_vs_actual(fiscal_year: int, block_id: int | None = None) -> dict[str, dict[str, dict]]:
    """{block_code: {category_code: {measure: n}}} for the PLAN_VS_ACTUAL measures (original,
    added, held, cancelled, postponed, scheduled). Two statements."""
    figures = year_figures(fiscal_year, block_id=block_id)
    out = {
        b.code: {
            c.code: {m: figures.counts[m][b.code][c.code] for m in PLAN_VS_ACTUAL}
            for c in figures.axes.categories
        }
        for b in figures.axes.blocks
    }
    if block_id is not None:
        code = figures.axes.block_code(block_id)
        out = {code: out[code]} if code else {}
    return out


def hq_meeting_counts(fiscal_year: int) -> dict[str, int]:
    """{"wg": n, "pt": n, "tf": n}: headquarters meetings held in the fiscal year."""
    return dict(year_figures(fiscal_year).hq["held"])


def _restrict(figures: YearFigures, measure: str, block_id: int | None):
    counts = figures.counts[measure]
    if block_id is None:
        return counts
    code = figures.axes.block_code(block_id)
    return {code: counts[code]} if code else {}
