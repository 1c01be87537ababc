"""The activities behind the figures: the block detail, the snapshot lists and the drill-down
of one count, as plain rows (no ORM object), in a fixed number of statements."""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from council import fiscal, permissions
from council.activities.models import (
    COUNCIL_KINDS,
    HQ_KINDS,
    NATIONAL,
    STATUSES,
    Activity,
    Category,
    activity_organizers,
    activity_participants,
)
from council.directory.models import Agency, Block
from council.extensions import db
from council.figures.axes import Axes, ReportError, axes, check_year
from council.figures.counts import HQ, MEASURES, measure_clause


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


# The columns of a detail row, in the order of DetailRow's fields.
_COLUMNS = (
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
)


def _rows(where, ax: Axes, *, limit=None, offset=0) -> list[DetailRow]:
    """The activities matching `where` with their agencies: two statements."""
    stmt = (
        sa.select(
            *_COLUMNS,
            _agency_ids(activity_organizers).label("organizer_ids"),
            _agency_ids(activity_participants).label("participant_ids"),
        )
        .outerjoin(Block, Block.id == Activity.block_id)
        .join(Category, Category.id == Activity.category_id)
        .where(*where)
        .order_by(Block.sort_order, Category.sort_order, Activity.starts_at, Activity.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    found = db.session.execute(stmt).all()
    if not found:
        return []
    # Names looked up here rather than joined in (see _agency_ids).
    agencies = dict(db.session.execute(sa.select(Agency.id, Agency.name)).all())
    blocks = {b.id: b.code for b in ax.blocks}
    categories = {c.id: c.code for c in ax.categories}
    return [
        DetailRow(
            row.id,
            blocks.get(row.block_id),
            categories.get(row.category_id),
            row.kind,
            row.title,
            row.starts_at,
            row.ends_at,
            row.is_all_day,
            row.venue or "",
            row.participants,
            row.status,
            row.visibility,
            _names(row.organizer_ids, agencies),
            _names(row.participant_ids, agencies),
        )
        for row in found
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
