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

import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup
from sqlalchemy import event

from council.activities.models import Activity
from council.database import in_autocommit
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
    """The first row of one statement, straight on a connection kept for such reads when the
    request has no transaction of its own: the ORM session's transaction (and its
    bookkeeping at the end of the request) would cost more than the query itself on this
    path, which must stay near a bare request's cost. On PostgreSQL the statement then runs
    in autocommit: one round trip, where BEGIN and ROLLBACK around it would make three (a 304
    is this statement alone). A PostgreSQL read request's session is in autocommit too (each
    statement its own transaction: database.read_in_autocommit), so the kept connection
    answers exactly as the session's would. Inside a real transaction it reads there, in the
    same snapshot as the rest of the request."""
    # (Asking the scoped session whether it exists opens none.)
    if db.session.registry.has():
        session = db.session()
        if session.in_transaction() and not in_autocommit(session):
            return session.connection().execute(statement, params).first()
    return _driver_read(statement, params or {})


class _Compiled:
    """A statement compiled once for the engine's dialect: its SQL, how to pass its
    parameters, and how to read each column (SQLAlchemy's own type processors)."""

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.compiled = compiled
        self.sql = str(compiled)
        self.positional = compiled.positiontup
        self.binds = compiled._bind_processors
        self.columns = [
            column.type._cached_result_processor(dialect, None)
            for column in statement.selected_columns
        ]

    def parameters(self, given: dict):
        values = self.compiled.construct_params(given)
        for name, process in self.binds.items():
            if name in values:
                values[name] = process(values[name])
        if self.positional is not None:
            return [values[name] for name in self.positional]
        return values

    def row(self, raw) -> tuple | None:
        if raw is None:
            return None
        return tuple(
            value if process is None else process(value)
            for value, process in zip(raw, self.columns, strict=True)
        )


_compiled: dict = {}
_compiled_lock = threading.Lock()


def _driver_read(statement, params: dict):
    """The statement straight through the driver, on a connection kept for such reads,
    outside any transaction (`_ReadConnections`). SQLAlchemy's connection, execution context
    and result objects, a pool checkout and the isolation toggles around it would cost more
    than the round trip on a feed's 304; the statement is compiled once per dialect (the
    callers pass statements built once, at import)."""
    engine = db.engine
    key = (id(statement), engine.dialect.name)
    entry = _compiled.get(key)
    if entry is None or entry[0] is not statement:
        entry = (statement, _Compiled(statement, engine.dialect))
        with _compiled_lock:
            if len(_compiled) > 64:  # statements built per call: keep the cache bounded
                _compiled.clear()
            _compiled[key] = entry
    compiled = entry[1]
    try:
        return _execute(engine, compiled, params)
    except engine.dialect.loaded_dbapi.OperationalError:
        # The server dropped a kept connection (a restart, an idle timeout): one more try, on
        # a new connection; a second failure is the database's answer.
        return _execute(engine, compiled, params)


def _execute(engine, compiled: _Compiled, params: dict):
    kept = _read_connections.take(engine)
    try:
        cursor = kept.connection.driver_connection.cursor()
        try:
            sql, parameters = compiled.sql, compiled.parameters(params)
            # Announced to the engine's statement listeners (the statement counters of the
            # tests and benchmarks, logging) as SQLAlchemy's own execution does; a listener
            # gets no SQLAlchemy connection here.
            for listener in engine.dispatch.before_cursor_execute:
                sql, parameters = listener(None, cursor, sql, parameters, None, False)
            cursor.execute(sql, parameters)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except BaseException:
        kept.connection.invalidate()  # closed, and gone from the pool: the next read takes a new one
        raise
    _read_connections.give(engine, kept)
    return compiled.row(row)


class _Kept(NamedTuple):
    pid: int  # the process that took it from the pool
    pool: object  # the engine's pool then: a disposed engine has a new one
    connection: object  # SQLAlchemy's pool connection, kept checked out


class _ReadConnections:
    """Connections kept for the single reads, per engine: taken from the engine's pool once
    (so they went through its connect hooks) and kept checked out, SQLite's with the driver's
    transaction handling off (database.py) so that a lone SELECT is its own transaction,
    PostgreSQL's switched to autocommit for good. A read takes one and gives it back, under a
    lock, at a fraction of a pool checkout's cost. At most KEEP stay idle per engine. Disposing
    the engine closes them (the tests' teardown, a restore); one inherited across a fork is
    left alone, as its socket is the parent's."""

    KEEP = 4

    def __init__(self):
        self._lock = threading.Lock()
        self._idle: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._inherited: list = []  # never closed nor collected: their sockets are the parent's

    def take(self, engine) -> "_Kept":
        with self._lock:
            idle = self._idle.get(engine)
            while idle:
                kept = idle.pop()
                if kept.pid != os.getpid():
                    self._inherited.append(kept)
                elif kept.pool is engine.pool:
                    return kept
        if not event.contains(engine, "engine_disposed", self.close_idle):
            event.listen(engine, "engine_disposed", self.close_idle)
        fairy = engine.raw_connection()
        if engine.dialect.name == "postgresql":
            fairy.driver_connection.autocommit = True
        return _Kept(os.getpid(), engine.pool, fairy)

    def give(self, engine, kept: "_Kept") -> None:
        with self._lock:
            idle = self._idle.setdefault(engine, [])
            if kept.pool is engine.pool and len(idle) < self.KEEP:
                idle.append(kept)
                return
        kept.connection.invalidate()  # from a disposed pool, or one too many

    def close_idle(self, engine) -> None:
        with self._lock:
            idle = self._idle.pop(engine, [])
        for kept in idle:
            if kept.pid == os.getpid():
                kept.connection.invalidate()  # closes the driver's connection
            else:
                self._inherited.append(kept)


_read_connections = _ReadConnections()


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


_versions_with: dict = {}


def _version_with(more: tuple):
    """The version statement with more columns, built once per set of columns (the callers
    pass module constants): a statement built anew would be compiled anew on every read."""
    key = tuple(id(column) for column in more)
    entry = _versions_with.get(key)
    if entry is None:
        if len(_versions_with) > 64:  # columns built per call: keep the cache bounded
            _versions_with.clear()
        entry = (more, _VERSION.add_columns(*more))  # `more` kept: the ids stay theirs
        _versions_with[key] = entry
    return entry[1]


def data_version(*more) -> tuple | None:
    """The current data version, or None while a change settles. One statement; `more` adds
    scalar subqueries (the versions of other tables a value depends on)."""
    row = single_read(_version_with(more) if more else _VERSION)
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
