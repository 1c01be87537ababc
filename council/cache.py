"""Values each process keeps per data version: derived figures (a year's report, a list's
count) that are pure functions of the activities and the memberships, so that a page reads
them once per change instead of once per request.

The data version is the feeds' fingerprint (`MAX(updated_at)` and `MAX(id)` of the
activities: every edit, soft delete and insert moves one of them) and a checksum of the
memberships table (which decides what a member sees), read in one statement of index probes.
While a change is settling (a transaction stamped earlier may still be committing) there is no
version, and nothing is kept.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from council.calendars import feeds

ENTRIES = 128  # per store, the most recently used

_VERSION = sa.select(*feeds.LATEST, *feeds.MEMBERSHIPS)


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
    row = feeds.single_read(_VERSION.add_columns(*more) if more else _VERSION)
    fingerprint = feeds.Fingerprint(row[0], row[1])
    settle = current_app.config.get("FEED_SETTLE_SECONDS", 60)
    if feeds.is_settling(fingerprint, datetime.now(UTC), settle):
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
