"""Reads behind the iCalendar feeds: the window, a cheap fingerprint for conditional requests,
and the events themselves, served from the per-activity VEVENT cache.

The cache (Activity.ics_cache) holds the VEVENT of the activity's current version; the model
layer clears it on every change (council/activities/events.py). A feed fills missing entries
as it goes, with a plain UPDATE guarded by the version it read, so that filling the cache never
bumps the activity's version or updated_at and never overwrites a newer edit.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from council import cache, fiscal, ical, permissions
from council.accounts.models import User, hash_token
from council.activities.models import NATIONAL, Activity, Category
from council.calendars.queries import BLOCK_NAME
from council.database import in_autocommit
from council.directory.models import Block
from council.extensions import db


@dataclass(frozen=True)
class Window:
    first_day: date
    last_day: date  # inclusive

    @property
    def start(self) -> datetime:
        return fiscal.jst_datetime(self.first_day)

    @property
    def end(self) -> datetime:
        return fiscal.jst_datetime(self.last_day + timedelta(days=1))


@dataclass
class FeedOwner:
    """The owner of a personal feed, with what the permission rules read from a user. Loaded
    without the ORM: a calendar app polls this URL every hour and must get its 304 cheaply."""

    id: int
    role: str
    block_id: int | None
    agency_id: int | None
    name: str
    is_authenticated: bool = True
    is_active: bool = True


def feed_window(today: date, days_back: int, days_ahead: int) -> Window:
    """From `days_back` days before today to `days_ahead` days after it, in Japan days."""
    return Window(today - timedelta(days=days_back), today + timedelta(days=days_ahead))


def feed_clauses(user, window: Window, *, block_id=None, category_id=None) -> list:
    """The rows of a feed: what `user` may see now (None: the public), inside the window.
    block_id may be a block id, "hq" (headquarters meetings, no block) or None (all)."""
    clauses = [
        permissions.visible_activities_clause(user),
        Activity.starts_at >= window.start,
        Activity.starts_at < window.end,
    ]
    if block_id == "hq":
        clauses.append(Activity.block_id.is_(None))
        clauses.append(Activity.is_national.is_(False))
    elif block_id == NATIONAL:
        clauses.append(Activity.is_national.is_(True))
    elif block_id is not None:
        clauses.append(Activity.block_id == block_id)
    if category_id is not None:
        clauses.append(Activity.category_id == category_id)
    return clauses


_FINGERPRINT = sa.select(*cache.LATEST)
_users = User.__table__
# A personal feed's owner and its fingerprint in one statement, built once.
_OWNER_AND_FINGERPRINT = sa.select(
    _users.c.id,
    _users.c.role,
    _users.c.block_id,
    _users.c.agency_id,
    _users.c.name,
    *cache.LATEST,
    *cache.MEMBERSHIPS,
).where(_users.c.feed_token_hash == sa.bindparam("token_hash"), _users.c.is_active.is_(True))


def fingerprint() -> cache.Fingerprint:
    """The latest change to any activity, from two index probes: every ORM edit (soft
    deletes included) stamps updated_at, and every insert takes a new id. Changes outside a
    feed's window or scope change it too: a client then downloads a feed that did not change,
    which is harmless, while the probe stays as cheap as a bare request."""
    row = cache.single_read(_FINGERPRINT)
    return cache.Fingerprint(row[0], row[1])


def owner_and_fingerprint(token: str) -> tuple[FeedOwner, cache.Fingerprint] | None:
    """The active user whose personal-feed token this is, with the fingerprint of their
    feed (which also follows the memberships that decide what a member sees); None for an
    unknown, replaced or deactivated token. One query."""
    row = cache.single_read(_OWNER_AND_FINGERPRINT, {"token_hash": hash_token(token)})
    if row is None:
        return None
    return FeedOwner(*row[:5]), cache.Fingerprint(row[5], row[6], tuple(row[7:]))


def etag(fp: cache.Fingerprint, *scope: object, nonce: str = "") -> str:
    """A weak validator: the latest change, and for whom, where and in which layout."""
    raw = "|".join(
        str(part)
        for part in (
            ical.CACHE_FORMAT,
            fp.last_updated_at.isoformat() if fp.last_updated_at else "",
            fp.max_id,
            fp.memberships,
            *scope,
            nonce,
        )
    )
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def last_modified(fp: cache.Fingerprint, today: date) -> datetime:
    """The later of the last change and the start of today (when the window last moved)."""
    moved = fiscal.jst_datetime(today)
    if fp.last_updated_at is None:
        return moved
    return max(fp.last_updated_at, moved)


class BodyCache:
    """Whole feed bodies of this process, by ETag, the most recently used few. The ETag names
    everything a body depends on (the data's latest change, the window, the site, the scope
    and, for a personal feed, the owner's rights and the memberships), so a body found here is
    the one the feed would build now; none is kept while a change is settling."""

    def __init__(self):
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(tag)
            if body is not None:
                self._bodies.move_to_end(tag)
            return body

    def put(self, tag: str, body: bytes, entries: int) -> None:
        with self._lock:
            self._bodies[tag] = body
            self._bodies.move_to_end(tag)
            while len(self._bodies) > entries:
                self._bodies.popitem(last=False)


_EVENT_COLUMNS = (
    Activity.id,
    Activity.version,
    Activity.uid,
    Activity.sequence,
    Activity.title,
    Activity.status,
    Activity.starts_at,
    Activity.ends_at,
    Activity.is_all_day,
    Activity.venue,
    Activity.description,
    Activity.status_reason,
    Activity.created_at,
    Activity.updated_at,
    Category.name.label("category_name"),
    BLOCK_NAME.label("block_name"),
)


def event_from_row(row, base_url: str) -> ical.FeedEvent:
    return ical.feed_event(row, base_url, category=row.category_name, block=row.block_name)


def _event_query(clauses: Sequence):
    return (
        sa.select(*_EVENT_COLUMNS)
        .join(Category, Category.id == Activity.category_id)
        .outerjoin(Block, Block.id == Activity.block_id)
        .where(*clauses)
    )


def fragments(clauses: Sequence, base_url: str) -> list[str]:
    """The serialized VEVENTs of the feed, in start order. Cached ones are read as they are;
    the others are built once, written back, and returned. A bounded number of queries
    whatever the number of events: one read, and for a cold cache one more read and one
    batched write."""
    prefix = ical.cache_prefix(base_url)
    rows = db.session.execute(
        sa.select(Activity.id, Activity.ics_cache)
        .where(*clauses)
        .order_by(Activity.starts_at, Activity.id)
    ).all()
    out: list[str | None] = []
    missing: dict[int, int] = {}  # activity id -> position in out
    for position, (activity_id, cached) in enumerate(rows):
        fragment = ical.unpack(prefix, cached)
        out.append(fragment)
        if fragment is None:
            missing[activity_id] = position
    if missing:
        stale = sa.or_(
            Activity.ics_cache.is_(None),
            sa.not_(Activity.ics_cache.startswith(prefix, autoescape=True)),
        )
        writes = []
        for row in db.session.execute(_event_query([*clauses, stale])):
            position = missing.pop(row.id, None)
            if position is None:
                continue
            fragment = ical.build_event(event_from_row(row, base_url))
            out[position] = fragment
            writes.append(
                {"b_id": row.id, "b_version": row.version, "b_cache": ical.pack(prefix, fragment)}
            )
        # Changed meanwhile by a concurrent request (cache filled, or the row gone): read
        # those few as they are now.
        for activity_id, position in missing.items():
            row = db.session.execute(_event_query([*clauses, Activity.id == activity_id])).first()
            if row is not None:
                out[position] = ical.build_event(event_from_row(row, base_url))
        if writes:
            _store(writes)
    return [f for f in out if f is not None]


def _store(writes: list[dict]) -> None:
    """Write the built VEVENTs back, best effort: a feed is a read (on SQLite its transaction
    began deferred), and when another connection wrote meanwhile the fill gives way to it
    (SQLITE_BUSY) and the next request fills the cache instead."""
    table = Activity.__table__
    try:
        # A read on PostgreSQL runs in autocommit (database.read_in_autocommit): the update
        # commits on its own there, and a SAVEPOINT is neither possible nor needed.
        with nullcontext() if in_autocommit(db.session) else db.session.begin_nested():
            db.session.execute(
                sa.update(table)
                .where(
                    table.c.id == sa.bindparam("b_id"),
                    table.c.version == sa.bindparam("b_version"),
                )
                # Naming updated_at keeps its onupdate default from firing: a cache fill is
                # not an edit, and must not change the feed's validators.
                .values(ics_cache=sa.bindparam("b_cache"), updated_at=table.c.updated_at),
                writes,
            )
    except OperationalError:
        pass
