"""Anonymous portal pages kept per data version, per process.

Every change of the portal's index raises portal_state.version in the same transaction
(council/portal/index.py), so a kept page never outlives a change: one cheap read of the
version decides. The key also holds today's date (open calls, the fiscal year in the menu)
and pages expire after a minute anyway (the reference lists they show are cached that long).
Only anonymous visitors' pages are kept: a signed-in user's page shows their name.
"""

import time
from collections import OrderedDict
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, current_app, request
from flask_login import current_user

from council.extensions import db
from council.portal.models import PortalState

MAX_ENTRIES = 1000
TTL = 60.0


def current_version() -> int | None:
    """The data version, read on a pooled connection outside the session: on SQLite every
    session transaction begins IMMEDIATE (it takes the write lock), which a page that only
    checks a number must not do."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT version FROM portal_state WHERE id = 1")
        row = cursor.fetchone()
        cursor.close()
    finally:
        raw.close()  # back to the pool, which rolls back whatever the driver began
    return row[0] if row else None


def bump(connection) -> None:
    """Called inside a flush that changed the index."""
    table = PortalState.__table__
    result = connection.execute(
        sa.update(table).where(table.c.id == 1).values(version=table.c.version + 1)
    )
    if result.rowcount == 0:  # the row the migration made was removed (a truncated database)
        connection.execute(sa.insert(table).values(id=1, version=1))


def _store(app: Flask) -> OrderedDict:
    return app.extensions.setdefault("portal_page_cache", OrderedDict())


def page(build: Callable[[], tuple[str, dict]]) -> tuple[str, dict]:
    """(html, extras) for this request's URL, built once per data version and day."""
    app = current_app._get_current_object()
    if current_user.is_authenticated or not app.config.get("PORTAL_PAGE_CACHE", True):
        return build()
    version = current_version()
    if version is None:
        return build()
    from council.portal.index import today_jst

    key = (request.full_path, version, today_jst())
    store = _store(app)
    hit = store.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < TTL:
        store.move_to_end(key)
        return hit[1], hit[2]
    html, extras = build()
    store[key] = (now, html, extras)
    while len(store) > MAX_ENTRIES:
        store.popitem(last=False)
    return html, extras
