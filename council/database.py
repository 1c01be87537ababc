"""Engine settings that official records need, and the audit hook. The domains' own session
hooks (events, search and portal indexes) are installed by the app factory, not here: this core
module imports no domain code."""

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from council.audit import hooks as audit_hooks
from council.extensions import db

_installed = False


def _configure_sqlite(engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        # pysqlite's own BEGIN handling is switched off so that we can emit BEGIN IMMEDIATE:
        # a transaction that reads and then writes must not fail with SQLITE_BUSY.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Official records: an acknowledged commit survives power loss.
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN" if is_read_request() else "BEGIN IMMEDIATE")


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_read_request() -> bool:
    """A GET or HEAD request reads: its SQLite transaction begins deferred, a shared read
    that runs beside other readers and the one writer, where BEGIN IMMEDIATE would queue every
    page view behind the write lock. The only writes a read makes (a feed filling its VEVENT
    cache, an API token's last-use stamp) are best effort: they give way on SQLITE_BUSY
    (`best_effort_commit`)."""
    return has_request_context() and request.method in READ_METHODS


def read_in_autocommit() -> None:
    """On PostgreSQL, a GET or HEAD request reads in autocommit: each statement is its own
    transaction, as each statement of a READ COMMITTED transaction already has its own
    snapshot, so a page sees what it saw before, without the BEGIN and ROLLBACK round trips
    that would otherwise wrap every signed-in page view (a page is then one round trip per
    statement). The few writes a read makes are single statements and best effort anyway (an
    API token's last-use stamp, a feed's VEVENT cache fill): each commits on its own."""
    if not is_read_request() or db.engine.dialect.name != "postgresql":
        return
    endpoint = request.endpoint or ""
    view = current_app.view_functions.get(endpoint)
    if view is None or endpoint.endswith("static") or getattr(view, "answers_from_one_read", 0):
        return  # static files; a feed's 304 (cache.single_read: one round trip, no session)
    if db.session.registry.has() and db.session().in_transaction():
        return  # a session kept open around several requests (a test's app context)
    db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def answers_from_one_read(view):
    """Mark a view whose usual answer needs one statement (a feed's 304): no session is
    opened for it up front; cache.single_read reads on a connection of its own."""
    view.answers_from_one_read = True
    return view


def in_autocommit(session) -> bool:
    """True when the session's connection commits each statement (a read request on
    PostgreSQL): no SAVEPOINT is possible there, and none is needed."""
    connection = session.connection()
    return connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


def best_effort_commit() -> bool:
    """Commit a write that may be skipped (a cache fill, a last-use stamp). A read transaction
    of SQLite that then writes fails with SQLITE_BUSY when another connection wrote since it
    began; the write is then dropped, rolled back, and the request goes on."""
    try:
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        return False
    return True


def dialect_insert(table):
    """An INSERT of the session's database, which offers ON CONFLICT (both of ours do)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def configure(app: Flask) -> bool:
    """Set up the engine and the audit hook. True the first time in this process: the caller
    then installs the other session hooks, which (like this one) must be installed once."""
    global _installed
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and not getattr(engine, "_council_configured", False):
            _configure_sqlite(engine, app.config.get("SQLITE_SYNCHRONOUS", "FULL"))
            engine._council_configured = True
    if _installed:
        return False
    audit_hooks.install(Session)
    _installed = True
    return True
