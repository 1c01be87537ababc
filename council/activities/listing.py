"""The activity list: filters from the query string, one page of rows by keyset, the count
and the filter choices, kept per data version (council/cache.py)."""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

import sqlalchemy as sa

from council import cache, fiscal, permissions
from council.activities.models import (
    NATIONAL,
    STATUSES,
    Activity,
    Category,
    activity_backers,
)
from council.activities.models.activity import ActivityLabels
from council.activities.queries import list_years
from council.cleaning import without_control
from council.directory.models import Block
from council.extensions import db

HQ_FILTER = "hq"  # the block filter value for headquarters meetings (no block)


@dataclass
class ListFilters:
    fy: int | None = None
    block: str = ""
    category: str = ""
    status: str = ""
    q: str = ""
    # "1": only activities that someone backs (後援).
    backed: str = ""
    page: int = 1

    def args(self) -> dict:
        """The non-empty filters, for links that keep them (pager, reset)."""
        out = {
            "fy": self.fy,
            "block": self.block,
            "category": self.category,
            "status": self.status,
            "q": self.q,
            "backed": self.backed,
        }
        return {k: v for k, v in out.items() if v not in (None, "")}


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)
    key: tuple | None = None  # when kept per data version: what the page follows from

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))


def parse_filters(args) -> ListFilters:
    """Query-string filters; anything malformed is ignored rather than refused."""
    fy = fiscal.parse_fiscal_year(args.get("fy"))
    if fy is not None and not fiscal.FIRST_YEAR <= fy <= fiscal.LAST_YEAR:
        fy = None
    page = args.get("page", type=int) or 1
    # Control characters never match anything, and PostgreSQL refuses NUL in a query.
    return ListFilters(
        fy=fy,
        block=without_control(args.get("block"), 20),
        category=without_control(args.get("category"), 20),
        status=without_control(args.get("status"), 20),
        q=without_control(args.get("q"), 100),
        backed="1" if args.get("backed") == "1" else "",
        page=max(1, min(page, 100_000)),
    )


class _Named(NamedTuple):
    name: str
    short_name: str = ""


@dataclass(slots=True)
class ListRow(ActivityLabels):
    """One line of the activity list: the columns it shows, read as plain rows (a page of
    ORM objects with their block and category cost more than the rest of the page)."""

    id: int
    title: str
    starts_at: datetime
    is_all_day: bool
    venue: str
    status: str
    visibility: str
    kind: str | None
    is_new_date_pending: bool
    block_id: int | None
    is_national: bool
    block: _Named | None
    category: _Named


_LIST_COLUMNS = (
    Activity.id,
    Activity.title,
    Activity.starts_at,
    Activity.is_all_day,
    Activity.venue,
    Activity.status,
    Activity.visibility,
    Activity.kind,
    Activity.is_new_date_pending,
    Activity.block_id,
    Activity.is_national,
    Block.name,
    Category.name,
    Category.short_name,
)


def _list_row(row) -> ListRow:
    return ListRow(
        *row[:11],
        block=None if row[11] is None else _Named(row[11]),
        category=_Named(row[12], row[13] or ""),
    )


def _cursor(text: str) -> tuple[datetime, int] | None:
    """A keyset position from the pager ("<starts_at as ISO UTC>_<id>"), or None."""
    moment, _, ident = (text or "").partition("_")
    try:
        return datetime.fromisoformat(moment).replace(tzinfo=UTC), int(ident)
    except ValueError:
        return None


def cursor_of(activity: ListRow) -> str:
    return f"{activity.starts_at.astimezone(UTC).replace(tzinfo=None).isoformat()}_{activity.id}"


def list_activities(
    user,
    filters: ListFilters,
    per_page: int,
    *,
    after: str = "",
    before: str = "",
    version: tuple | None = None,
) -> Page:
    """The activities `user` may see that match `filters`, newest first, one page of them.

    The total is counted over an index once per data version (council/cache.py) and kept; the
    page is read by keyset from the pager's `after`/`before` position (the last or first row
    of the neighbouring page), so a deep page costs what the first does; a page number alone
    (a typed URL) falls back to an offset. The page itself is kept per data `version`
    (cache.data_version(), read by the caller; None keeps nothing). One statement, plus the
    count on a new version; none when the page is kept."""
    where = [permissions.visible_activities_clause(user)]
    if filters.fy is not None:
        where.append(Activity.fiscal_year == filters.fy)
    if filters.block == HQ_FILTER:
        where.append(sa.and_(Activity.block_id.is_(None), Activity.is_national.is_(False)))
    elif filters.block == NATIONAL:
        where.append(Activity.is_national.is_(True))
    elif filters.block:
        where.append(Activity.block.has(Block.code == filters.block))
    if filters.category:
        where.append(Activity.category.has(Category.code == filters.category))
    if filters.status in STATUSES:
        where.append(Activity.status == filters.status)
    if filters.backed:
        where.append(sa.exists().where(activity_backers.c.activity_id == Activity.id))
    if filters.q:
        where.append(
            sa.or_(
                Activity.title.icontains(filters.q, autoescape=True),
                Activity.venue.icontains(filters.q, autoescape=True),
            )
        )
    scope = (
        getattr(user, "role", None),
        getattr(user, "block_id", None),
        getattr(user, "agency_id", None),
        filters.fy,
        filters.block,
        filters.category,
        filters.status,
        filters.q,
        filters.backed,
    )
    position = (filters.page, per_page, after, before)
    return cache.kept(
        "activities.pages",
        (scope, position),
        version,
        lambda: _page(where, scope, version, filters, per_page, after, before),
    )


def _page(where, scope, version, filters, per_page, after, before) -> Page:
    total = cache.kept(
        "activities.count",
        scope,
        version,
        lambda: db.session.scalar(sa.select(sa.func.count()).where(*where)) or 0,
    )
    pages = max(1, math.ceil(total / per_page))
    page = min(filters.page, pages)
    query = (
        sa.select(*_LIST_COLUMNS)
        .join(Category, Category.id == Activity.category_id)
        .outerjoin(Block, Block.id == Activity.block_id)
        .where(*where)
    )
    newest_first = (Activity.starts_at.desc(), Activity.id.desc())
    position_after, position_before = _cursor(after), _cursor(before)
    # "Before (t, id)" as `starts_at <= t AND (starts_at < t OR id < id)`: the first part
    # bounds the scan of the starts_at index.
    if position_after is not None:
        moment, ident = position_after
        query = query.where(
            Activity.starts_at <= moment,
            sa.or_(Activity.starts_at < moment, Activity.id < ident),
        )
        items = db.session.execute(query.order_by(*newest_first).limit(per_page)).all()
    elif position_before is not None:
        moment, ident = position_before
        query = query.where(
            Activity.starts_at >= moment,
            sa.or_(Activity.starts_at > moment, Activity.id > ident),
        )
        oldest_first = (Activity.starts_at, Activity.id)
        items = db.session.execute(query.order_by(*oldest_first).limit(per_page)).all()[::-1]
    else:
        items = db.session.execute(
            query.order_by(*newest_first).limit(per_page).offset((page - 1) * per_page)
        ).all()
    key = None if version is None else (scope, filters.page, per_page, after, before, version)
    rows = [_list_row(r) for r in items]
    return Page(items=rows, total=total, page=page, per_page=per_page, key=key)


class FilterLists(NamedTuple):
    years: list[int]
    blocks: list
    categories: list


def filter_lists(version: tuple | None) -> FilterLists:
    """The list page's filter choices: the fiscal years (kept per data version) and the blocks
    and categories (reference data, read again every minute), as plain rows."""
    blocks, categories = cache.for_a_while(
        "activities.reference", REFERENCE_SECONDS, _reference_lists
    )
    years = cache.kept("activities.years", (), version, list_years)
    return FilterLists(years, blocks, categories)


def _reference_lists() -> tuple[list, list]:
    """The blocks and the categories, as plain rows."""
    blocks = db.session.execute(sa.select(Block.code, Block.name).order_by(Block.sort_order)).all()
    categories = db.session.execute(
        sa.select(Category.code, Category.name, Category.short_name).order_by(Category.sort_order)
    ).all()
    return blocks, categories


REFERENCE_SECONDS = 60
