"""The fiscal-year figures and their rendered tables, kept by each process per (year, data
version), the way the feeds keep their VEVENTs: a thin layer over queries.year_figures().

The data version is the activities' latest change (`MAX(updated_at)`, `MAX(id)`: index
probes, the feeds' fingerprint; every edit, soft delete and insert moves it) and the table
axes (blocks and categories, read anyway to build the figures). Nothing is kept while a change
is settling (a transaction stamped earlier may still commit). A query behind the figures that
comes to read another table must add that table's version to `_version()`.
"""

import threading
from collections import OrderedDict
from datetime import UTC, datetime

from flask import current_app
from markupsafe import Markup

from council.calendars import feeds
from council.reports import queries

ENTRIES = 64  # figures and fragments of this process, the most recently used


class _Recent:
    def __init__(self, entries: int):
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


def _store() -> _Recent:
    return current_app.extensions.setdefault("reports.cache", _Recent(ENTRIES))


def _version(ax: queries.Axes) -> tuple | None:
    fp = feeds.fingerprint()
    settle = current_app.config.get("FEED_SETTLE_SECONDS", 60)
    if feeds.is_settling(fp, datetime.now(UTC), settle):
        return None
    return (fp.last_updated_at, fp.max_id, ax)


def year_figures(year: int) -> tuple[queries.YearFigures, tuple | None]:
    """The figures of `year` and the key of their data version (None while a change settles:
    the figures are then computed and not kept). Two statements, three on a miss."""
    ax = queries.axes()
    version = _version(ax)
    if version is None:
        return queries.year_figures(year, ax), None
    key = ("figures", year, version)
    figures = _store().get(key)
    if figures is None:
        figures = queries.year_figures(year, ax)
        _store().put(key, figures)
    return figures, key


def fragment(key: tuple | None, *parts, caller) -> Markup:
    """`{% call fragment(key, "name", arg) %}…{% endcall %}`: the block's HTML, rendered once
    per key and parts. Everything inside the block must follow from them (the figures of
    `key`, and the parts: a name and the request arguments the block uses); None renders it
    every time."""
    if key is None:
        return Markup(caller())
    full = ("fragment", key, *parts)
    html = _store().get(full)
    if html is None:
        html = Markup(caller())
        _store().put(full, html)
    return html
