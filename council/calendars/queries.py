"""Reads behind the HTML calendar: the activities a user may see over a span of days."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from council import fiscal, permissions
from council.activities.models import (
    NATIONAL,
    NATIONAL_LABEL,
    STATUSES,
    Activity,
    Category,
    takes_part,
)
from council.directory.models import Agency, Block, Ministry
from council.extensions import db

# A multi-day item (an exhibition, a campaign) shows on each of its days. Items are looked up
# from this long before the first day shown, so that the start-time index still bounds the
# scan: an item longer than this shows on its first days only.
LONGEST_SPAN = timedelta(days=31)


def _rows(statement):
    """Core statements straight on the session's connection: the ORM's per-statement bind
    lookup costs more than these small queries themselves, on a page that runs four."""
    return db.session.connection().execute(statement)


@dataclass(slots=True)
class CalendarItem:
    """One activity as the calendar shows it, with its Japan dates worked out once (a month
    page places hundreds of them)."""

    id: int
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime | None
    is_all_day: bool
    venue: str
    visibility: str
    category: str
    category_code: str
    block: str | None
    first_day: date
    last_day: date
    time_label: str  # "14:00", or "" for a date-only item
    end_time_label: str  # "16:00" for a timed item ending on its first day, else ""

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @classmethod
    def from_row(cls, row) -> "CalendarItem":
        (id_, title, status, starts_at, ends_at, is_all_day, venue, visibility) = row[:8]
        start = starts_at.astimezone(fiscal.JST)
        first_day = start.date()
        last_day, end_label = first_day, ""
        if ends_at is not None and ends_at > starts_at:
            end = ends_at.astimezone(fiscal.JST)
            # A timed item that ends at midnight does not occupy the day that begins then.
            if not is_all_day and not (end.hour or end.minute or end.second or end.microsecond):
                end -= timedelta(microseconds=1)
            end_day = end.date()
            if end_day > first_day:
                last_day = end_day
            elif not is_all_day:
                end_label = f"{end.hour:02d}:{end.minute:02d}"
        return cls(
            id_,
            title,
            status,
            starts_at,
            ends_at,
            is_all_day,
            venue,
            visibility,
            row[8],
            row[9],
            row[10],
            first_day,
            last_day,
            "" if is_all_day else f"{start.hour:02d}:{start.minute:02d}",
            end_label,
        )


def _items_query(
    user, first_day: date, last_day: date, *, block_id=None, category_id=None, agency_id=None
):
    start = fiscal.jst_datetime(first_day)
    end = fiscal.jst_datetime(last_day + timedelta(days=1))
    query = (
        sa.select(*_ITEM_COLUMNS)
        .join(Category, Category.id == Activity.category_id)
        .outerjoin(Block, Block.id == Activity.block_id)
        .where(
            permissions.visible_activities_clause(user),
            Activity.starts_at >= start - LONGEST_SPAN,
            Activity.starts_at < end,
            sa.or_(Activity.starts_at >= start, Activity.ends_at >= start),
        )
    )
    if block_id == "hq":
        query = query.where(Activity.block_id.is_(None), Activity.is_national.is_(False))
    elif block_id == NATIONAL:
        query = query.where(Activity.is_national.is_(True))
    elif block_id is not None:
        query = query.where(Activity.block_id == block_id)
    if category_id is not None:
        query = query.where(Activity.category_id == category_id)
    if agency_id is not None:
        query = query.where(takes_part(agency_id))
    return query


# The block's name as the calendars write it: 全国 for a national event.
BLOCK_NAME = sa.case((Activity.is_national.is_(True), NATIONAL_LABEL), else_=Block.name)

_ITEM_COLUMNS = (
    Activity.id,
    Activity.title,
    Activity.status,
    Activity.starts_at,
    Activity.ends_at,
    Activity.is_all_day,
    Activity.venue,
    Activity.visibility,
    Category.short_name,
    Category.code,
    BLOCK_NAME,
)
_ITEM_ORDER = (Activity.is_all_day.desc(), Activity.starts_at, Activity.id)


def calendar_items(
    user,
    first_day: date,
    last_day: date,
    *,
    block_id=None,
    category_id: int | None = None,
    agency_id: int | None = None,
) -> list[CalendarItem]:
    """What `user` may see that takes place between two Japan days (inclusive), in start
    order. block_id: a block id, "hq" for headquarters meetings, or None for all. agency_id:
    activities the agency co-organises or takes part in. One query."""
    query = _items_query(
        user, first_day, last_day, block_id=block_id, category_id=category_id, agency_id=agency_id
    ).order_by(*_ITEM_ORDER)
    return [CalendarItem.from_row(row) for row in _rows(query).all()]


def _japan_day(column):
    """The Japan date of a naive-UTC timestamp column, in SQL (Japan keeps no summer time)."""
    if db.engine.dialect.name == "sqlite":
        return sa.func.date(column, "+9 hours")
    return sa.cast(column + sa.literal_column("INTERVAL '9 hours'"), sa.Date)


def month_items(
    user, first_day: date, last_day: date, *, per_day: int, **filters
) -> tuple[list[CalendarItem], dict[date, int]]:
    """calendar_items for the month grid, which shows a few items a day: at most `per_day`
    of the items that begin on each day (in calendar order), and every item that runs over
    several days. Returns the items and, for each day, how many of its items were left out,
    so that the page's cost does not grow with how busy the month is. One query."""
    day = _japan_day(Activity.starts_at)
    ranked = (
        _items_query(user, first_day, last_day, **filters)
        .add_columns(
            sa.func.row_number().over(partition_by=day, order_by=_ITEM_ORDER).label("rank"),
            sa.func.count().over(partition_by=day).label("on_day"),
            (day != _japan_day(Activity.ends_at)).label("spans"),
        )
        .subquery()
    )
    query = (
        sa.select(*ranked.c)
        .where(sa.or_(ranked.c.rank <= per_day, ranked.c.spans.is_(True)))
        .order_by(ranked.c.is_all_day.desc(), ranked.c.starts_at, ranked.c.id)
    )
    items, omitted = [], {}
    for row in _rows(query).all():
        item = CalendarItem.from_row(row)
        items.append(item)
        omitted.setdefault(item.first_day, row.on_day)
        omitted[item.first_day] -= 1
    return items, {d: n for d, n in omitted.items() if n}


def filter_choices() -> dict:
    """Blocks, categories and agencies (grouped by ministry) for the filter form: 3 queries."""
    blocks = _rows(
        sa.select(Block.id, Block.code, Block.name).order_by(Block.sort_order, Block.id)
    ).all()
    categories = _rows(
        sa.select(Category.id, Category.code, Category.short_name, Category.name).order_by(
            Category.sort_order, Category.id
        )
    ).all()
    agencies = _rows(
        sa.select(Agency.id, Agency.name, Ministry.name.label("ministry"))
        .join(Ministry, Ministry.id == Agency.ministry_id)
        .where(Agency.is_active.is_(True))
        .order_by(Ministry.sort_order, Agency.name)
    ).all()
    return {"blocks": blocks, "categories": categories, "agencies": agencies}
