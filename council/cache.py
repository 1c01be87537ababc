"""Values each process keeps per data version: derived figures (a year's report, a list's
count) that are pure functions of the activities and the memberships, so that a page reads
them once per change instead of once per request.

The data version (the calendar feeds validate with the same probes) is a fingerprint (`MAX(updated_at)` and `MAX(id)` of the
activities: every edit, soft delete and insert moves one of them) and a checksum of the
memberships table (which decides what a member sees), read in one statement of index probes.
While a change is settling (a transaction stamped earlier may still be committing) there is no
version, and nothing is kept.

The probes live here, in the core, so that every page reading a kept value (reports, lists,
calendars, feeds) depends on the cache and the cache on no page.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from council.activities.models import Activity
from council.directory.models import Membership
from council.extensions import db

ENTRIES = 128  # per store, the most recently used

LATEST = (
    sa.select(sa.func.max(Activity.updated_at)).scalar_subquery(),
    sa.select(sa.func.max(Activity.id)).scalar_subquery(),
)
_memberships = Membership.__table__
# Which blocks a member sees follows from the (small) memberships table: any change to it
# changes these sums, so a personal feed's validator follows it without restating the rule.
MEMBERSHIPS = tuple(
    sa.select(aggregate).scalar_subquery()
    for aggregate in (
        sa.func.count(),
        sa.func.sum(_memberships.c.id * _memberships.c.block_id),
        sa.func.sum(_memberships.c.id * _memberships.c.agency_id),
        sa.func.sum(_memberships.c.id * sa.func.coalesce(_memberships.c.last_fy, 1)),
    )
)
_VERSION = sa.select(*LATEST, *MEMBERSHIPS)


@dataclass(frozen=True)
class Fingerprint:
    last_updated_at: datetime | None
    max_id: int | None
    memberships: tuple = ()


def single_read(statement, params=None):
    """The first row of one statement, straight on a connection of its own when the request
    has not opened a transaction: the ORM session's transaction (and its bookkeeping at the
    end of the request) would cost more than the query itself on this path, which must stay
    near a bare request's cost. On PostgreSQL the statement then runs in autocommit: one
    round trip, where BEGIN and ROLLBACK around it would make three (a 304 is this statement
    alone). Inside a transaction it reads there, in the same snapshot."""
    # (Asking the scoped session whether it exists opens none.)
    if db.session.registry.has() and db.session().in_transaction():
        return db.session.connection().execute(statement, params).first()
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        return connection.execute(statement, params).first()


def is_settling(fp: Fingerprint, now: datetime, settle_seconds: int) -> bool:
    """True just after a change. Timestamps and ids are taken at flush, not at commit, so a
    transaction that stamped earlier may still commit after a later one; until such
    stragglers are in, a validator must not promise that nothing changed."""
    return fp.last_updated_at is not None and now - fp.last_updated_at < timedelta(
        seconds=settle_seconds
    )


class Recent:
    """A small LRU mapping, safe across threads."""

    def __init__(self, entries: int = ENTRIES):
        self._entries = entries
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._entries:
                self._values.popitem(last=False)


def store(name: str) -> Recent:
    return current_app.extensions.setdefault(f"council.cache.{name}", Recent())


def data_version(*more) -> tuple | None:
    """The current data version, or None while a change settles. One statement; `more` adds
    scalar subqueries (the versions of other tables a value depends on)."""
    row = single_read(_VERSION.add_columns(*more) if more else _VERSION)
    fingerprint = Fingerprint(row[0], row[1])
    settle = current_app.config.get("FEED_SETTLE_SECONDS", 60)
    if is_settling(fingerprint, datetime.now(UTC), settle):
        return None
    return tuple(row)


def kept(name: str, key: tuple, version: tuple | None, compute: Callable):
    """compute() once per (key, data version) in this process; every time without a
    version."""
    if version is None:
        return compute()
    full = (key, version)
    value = store(name).get(full)
    if value is None:
        value = compute()
        store(name).put(full, value)
    return value


def fragment(name: str, key: tuple | None, *, caller) -> Markup:
    """`{% call fragment(name, key) %}…{% endcall %}` in a template: the block's HTML, rendered
    once per key (which must name everything the block shows, its data version included) and
    kept in the store `name`; with no key (a change settling) rendered every time."""
    if key is None:
        return Markup(caller())
    html = store(name).get(key)
    if html is None:
        html = Markup(caller())
        store(name).put(key, html)
    return html


def for_a_while(name: str, seconds: float, compute: Callable):
    """compute() at most once every `seconds` in this app: for reference data (blocks,
    categories, prefectures) that changes rarely, where a minute's staleness is harmless and
    no data version covers it."""
    now = time.monotonic()
    kept = store(name).get("value")
    if kept is None or kept[0] <= now:
        kept = (now + seconds, compute())
        store(name).put("value", kept)
    return kept[1]
