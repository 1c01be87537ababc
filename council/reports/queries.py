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
from datetime import date, datetime

import sqlalchemy as sa

from council import fiscal, permissions
from council.activities.models import (
    COUNCIL_KINDS,
    HQ_KINDS,
    NATIONAL,
    Activity,
    Category,
    activity_organizers,
    activity_participants,
)
from council.directory.models import Agency, Block
from council.extensions import db

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_RANGE_YEARS = 30

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


class ReportError(ValueError):
    """A request for figures that cannot be answered (bad year, unknown code); the message
    is shown to the user."""


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ReportError(f"年度は{MIN_YEAR}年度から{MAX_YEAR}年度の範囲で指定してください。")
    return year


# --- the two axes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    id: int
    code: str
    name: str
    short_name: str


@dataclass(frozen=True)
class Axes:
    """The columns (blocks) and rows (categories) of every table, in SPEC order."""

    blocks: tuple[Axis, ...]
    categories: tuple[Axis, ...]

    def block(self, code: str) -> Axis | None:
        return next((b for b in self.blocks if b.code == code), None)

    def category(self, code: str) -> Axis | None:
        return next((c for c in self.categories if c.code == code), None)

    def block_code(self, block_id: int | None) -> str | None:
        return next((b.code for b in self.blocks if b.id == block_id), None)

    def category_code(self, category_id: int) -> str | None:
        return next((c.code for c in self.categories if c.id == category_id), None)


def axes() -> Axes:
    """Blocks and categories by sort order, in one statement (both are small)."""
    rows = db.session.execute(
        sa.union_all(
            sa.select(
                sa.literal("b").label("axis"),
                Block.id,
                Block.code,
                Block.name,
                Block.name.label("short_name"),
                Block.sort_order,
            ),
            sa.select(
                sa.literal("c"),
                Category.id,
                Category.code,
                Category.name,
                Category.short_name,
                Category.sort_order,
            ),
        ).order_by(sa.text("axis"), sa.text("sort_order"), sa.text("id"))
    ).all()
    blocks = tuple(Axis(r.id, r.code, r.name, r.short_name) for r in rows if r.axis == "b")
    categories = tuple(
        Axis(r.id, r.code, r.name, r.short_name or r.name) for r in rows if r.axis == "c"
    )
    return Axes(blocks, categories)


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
    start, _ = fiscal.fiscal_year_bounds_utc(year)
    added = sa.case((Activity.created_at >= start, 1), else_=0)
    where = [Activity.fiscal_year == year, Activity.deleted_at.is_(None)]
    if block_id is not None:
        where.append(Activity.block_id == block_id)
    rows = db.session.execute(
        sa.select(
            Activity.block_id,
            Activity.category_id,
            Activity.is_national,
            Activity.kind,
            Activity.status,
            added.label("added"),
            sa.func.count().label("n"),
        )
        .where(*where)
        .group_by(
            Activity.block_id,
            Activity.category_id,
            Activity.is_national,
            Activity.kind,
            Activity.status,
            added,
        )
    ).all()
    counts = {m: _grid(ax) for m in MEASURES}
    hq = {m: dict.fromkeys(HQ_KINDS, 0) for m in MEASURES}
    national = {m: {c.code: 0 for c in ax.categories} for m in MEASURES}
    by_kind = {m: {b.code: dict.fromkeys(COUNCIL_KINDS, 0) for b in ax.blocks} for m in MEASURES}
    national_by_kind = {m: dict.fromkeys(COUNCIL_KINDS, 0) for m in MEASURES}
    codes_b = {b.id: b.code for b in ax.blocks}
    codes_c = {c.id: c.code for c in ax.categories}
    for block, category, is_national, kind, status, is_added, n in rows:
        measures = _bucket(status, bool(is_added))
        c = codes_c.get(category)
        if is_national:
            if c is None:
                continue
            for m in measures:
                national[m][c] += n
                if c == COUNCIL and kind in COUNCIL_KINDS:
                    national_by_kind[m][kind] += n
            continue
        if block is None:
            if kind in HQ_KINDS:
                for m in measures:
                    hq[m][kind] += n
            continue
        b = codes_b.get(block)
        if b is None or c is None:
            continue
        for m in measures:
            counts[m][b][c] += n
            if c == COUNCIL and kind in COUNCIL_KINDS:
                by_kind[m][b][kind] += n
    return YearFigures(year, ax, counts, hq, national, by_kind, national_by_kind)


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


# --- several years ----------------------------------------------------------------------------


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


# --- the activities behind the figures ----------------------------------------------------------


@dataclass
class DetailRow:
    """One activity as the detail tables show it (plain values, no ORM object)."""

    id: int
    block_code: str | None
    category_code: str
    kind: str | None
    title: str
    starts_at: datetime
    ends_at: datetime | None
    is_all_day: bool
    venue: str
    participants: int | None
    status: str
    visibility: str
    organizers: list[str] = field(default_factory=list)
    participant_agencies: list[str] = field(default_factory=list)

    @property
    def start_on(self) -> date:
        return fiscal.to_jst(self.starts_at).date()

    @property
    def time_span(self) -> str:
        """14:00〜16:00; 〜11月30日(金) for an all-day activity over several days; or ""."""
        start = fiscal.to_jst(self.starts_at)
        end = fiscal.to_jst(self.ends_at) if self.ends_at else None
        if self.is_all_day:
            return "〜" + _short_date(end, start) if end and end.date() > start.date() else ""
        text = f"{start:%H:%M}"
        if end and end.date() == start.date():
            text += f"〜{end:%H:%M}"
        elif end:
            text += "〜" + _short_date(end, start) + f" {end:%H:%M}"
        return text

    @property
    def when(self) -> str:
        """2007年11月28日(水) 14:00〜16:00, or the date (span) alone when all-day."""
        span = self.time_span
        sep = "" if not span or span.startswith("〜") else " "
        return fiscal.format_date(self.start_on) + sep + span

    @property
    def status_label(self) -> str:
        from council.activities.models import STATUSES

        return STATUSES.get(self.status, self.status)


def _short_date(day: datetime, since: datetime) -> str:
    full = fiscal.format_date(day)
    return full.split("年", 1)[1] if day.year == since.year else full


def _selection(year: int, measure: str, block, category_id, kind, user):
    if measure not in MEASURES:
        raise ReportError("集計項目の指定が正しくありません。")
    where = [Activity.deleted_at.is_(None), measure_clause(measure, year)]
    if block == HQ:
        where.append(Activity.block_id.is_(None))
        where.append(Activity.is_national.is_(False))
        where.append(Activity.kind.in_([kind] if kind else list(HQ_KINDS)))
    elif block == NATIONAL:
        where.append(Activity.is_national.is_(True))
        if kind in COUNCIL_KINDS:
            where.append(Activity.kind == kind)
    elif block is None:
        where.append(Activity.block_id.is_not(None))
    else:
        where.append(Activity.block_id == block)
        if kind in COUNCIL_KINDS:
            where.append(Activity.kind == kind)
    if category_id is not None:
        where.append(Activity.category_id == category_id)
    if user is not None:
        where.append(permissions.visible_activities_clause(user))
    return where


def _agency_ids(link) -> sa.ScalarSelect:
    """The ids of the agencies linked to the outer activity, as "3,17,42": a correlated
    subquery answered from the link table's primary key alone, row by row (joining the
    agency names in there makes PostgreSQL rebuild a hash of all agencies per row)."""
    ids = (
        sa.select(link.c.agency_id.label("agency_id"))
        .where(link.c.activity_id == Activity.id)
        .order_by(link.c.agency_id)
        .correlate(Activity)
        .subquery()
    )
    return sa.select(
        sa.func.aggregate_strings(sa.cast(ids.c.agency_id, sa.String), ",")
    ).scalar_subquery()


def _names(ids: str | None, agencies: dict[int, str]) -> list[str]:
    return [agencies[int(i)] for i in ids.split(",") if int(i) in agencies] if ids else []


def _rows(where, ax: Axes, *, limit=None, offset=0) -> list[DetailRow]:
    """The activities matching `where` with their agencies: two statements."""
    stmt = (
        sa.select(
            Activity.id,
            Activity.block_id,
            Activity.category_id,
            Activity.kind,
            Activity.title,
            Activity.starts_at,
            Activity.ends_at,
            Activity.is_all_day,
            Activity.venue,
            Activity.participants,
            Activity.status,
            Activity.visibility,
            _agency_ids(activity_organizers),
            _agency_ids(activity_participants),
        )
        .outerjoin(Block, Block.id == Activity.block_id)
        .join(Category, Category.id == Activity.category_id)
        .where(*where)
        .order_by(Block.sort_order, Category.sort_order, Activity.starts_at, Activity.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    blocks = {b.id: b.code for b in ax.blocks}
    categories = {c.id: c.code for c in ax.categories}
    found = db.session.execute(stmt).all()
    if not found:
        return []
    agencies = dict(db.session.execute(sa.select(Agency.id, Agency.name)).all())
    return [
        DetailRow(
            id,
            blocks.get(block_id),
            categories.get(category_id),
            kind,
            title,
            starts_at,
            ends_at,
            is_all_day,
            venue or "",
            participants,
            status,
            visibility,
            _names(organizers, agencies),
            _names(participant_agencies, agencies),
        )
        for (
            id,
            block_id,
            category_id,
            kind,
            title,
            starts_at,
            ends_at,
            is_all_day,
            venue,
            participants,
            status,
            visibility,
            organizers,
            participant_agencies,
        ) in found
    ]


def detail_rows(
    fiscal_year: int,
    block_id: int | None,
    user,
    measure: str = "held",
    ax: Axes | None = None,
) -> list[DetailRow]:
    """The activities held in the fiscal year (or of another measure), that `user` may see,
    ordered by block, category and date, with their co-organisers and participating agencies.

    `block_id=None` lists every block (never the headquarters meetings). Pass `user=None` only
    where the caller has already established that every activity may be shown (a snapshot
    taken by the system). Two statements (three without `ax`)."""
    check_year(fiscal_year)
    ax = ax or axes()
    return _rows(_selection(fiscal_year, measure, block_id, None, None, user), ax)


@dataclass
class Behind:
    """The activities behind one count, as far as the user may see them."""

    rows: list[DetailRow]
    visible: int  # how many the user may see (all pages)
    total: int  # how many the count holds

    @property
    def hidden(self) -> int:
        return self.total - self.visible


def activities_behind(
    year: int,
    measure: str,
    *,
    block_id=None,
    category_id: int | None = None,
    kind: str | None = None,
    user,
    ax: Axes,
    limit: int = 200,
    offset: int = 0,
) -> Behind:
    """The drill-down of one count: `block_id` is a block id, None (all blocks) or HQ.
    Three statements: the counts (visible and all), the page of rows, the agency names."""
    check_year(year)
    where_all = _selection(year, measure, block_id, category_id, kind, None)
    visible = permissions.visible_activities_clause(user)
    total, seen = db.session.execute(
        sa.select(sa.func.count(), sa.func.sum(sa.case((visible, 1), else_=0))).where(*where_all)
    ).one()
    rows = _rows([*where_all, visible], ax, limit=limit, offset=offset) if seen else []
    return Behind(rows, int(seen or 0), int(total or 0))
