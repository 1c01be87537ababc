"""The single reads (a feed's validator, a page's data version) run on connections kept for
them: no pool checkout per read, never inside a transaction (a kept connection must see each
commit at once and hold no snapshot or lock), closed with the engine, replaced when the server
drops one, and never shared with a forked child."""

import pytest
import sqlalchemy as sa

from council import cache
from council.calendars import feeds
from council.extensions import db
from tests.conftest import PG_URL


def _read():
    return cache.single_read(feeds._FINGERPRINT)


def _driver_connections_used(fn) -> list:
    """The driver connections the statements inside fn() ran on."""
    used = []

    def before(conn, cursor, statement, parameters, context, executemany):
        used.append(cursor.connection)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    return used


def _is_closed(connection) -> bool:
    if hasattr(connection, "closed"):  # psycopg
        return bool(connection.closed)
    try:  # sqlite3 has no flag: a closed connection refuses a cursor
        connection.cursor()
    except Exception:
        return True
    return False


@pytest.fixture
def outside_a_transaction(app):
    # The suite's app context keeps a session; a request's single read runs without one.
    db.session.remove()
    return app


def test_single_reads_reuse_a_kept_connection_without_a_pool_checkout(outside_a_transaction):
    _read()
    checkouts = []

    def on_checkout(*args):
        checkouts.append(args)

    sa.event.listen(db.engine, "checkout", on_checkout)
    try:
        used = _driver_connections_used(lambda: [_read() for _ in range(5)])
    finally:
        sa.event.remove(db.engine, "checkout", on_checkout)
    assert checkouts == []
    assert len(used) == 5 and len({id(c) for c in used}) == 1


def test_a_kept_connection_sees_a_commit_made_elsewhere_at_once(
    outside_a_transaction, make_activity
):
    before = _read()
    activity_id = make_activity(start="2007-11-28 14:00").id
    db.session.commit()
    db.session.remove()
    after = _read()
    assert before[1] != activity_id
    assert after[1] == activity_id


@pytest.mark.skipif(not PG_URL, reason="transaction status of a PostgreSQL connection")
def test_on_postgresql_a_kept_connection_is_never_left_in_a_transaction(outside_a_transaction):
    from psycopg.pq import TransactionStatus

    used = _driver_connections_used(lambda: [_read() for _ in range(3)])
    assert {c.info.transaction_status for c in used} == {TransactionStatus.IDLE}
    # Seen from the server: no session of this database idles inside a transaction (which
    # would hold a snapshot and block the tests' own emptying of the tables).
    with db.engine.connect() as conn:
        idle_in_transaction = conn.scalar(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
            )
        )
    assert idle_in_transaction == 0


def test_disposing_the_engine_closes_the_kept_connections(outside_a_transaction):
    (kept,) = _driver_connections_used(_read)
    assert not _is_closed(kept)
    db.engine.dispose()
    assert _is_closed(kept)
    (fresh,) = _driver_connections_used(_read)  # and a new one serves the next read
    assert fresh is not kept


@pytest.mark.skipif(not PG_URL, reason="a server-side disconnect: PostgreSQL only")
def test_a_connection_the_server_dropped_is_replaced_within_the_same_read(
    outside_a_transaction, make_activity
):
    activity_id = make_activity().id
    db.session.commit()
    db.session.remove()
    (kept,) = _driver_connections_used(_read)
    with db.engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": kept.info.backend_pid})
        conn.commit()
    row = None

    def read():
        nonlocal row
        row = _read()

    used = _driver_connections_used(read)
    assert row[1] == activity_id
    assert len(used) == 2 and used[0] is kept and used[1] is not kept
    assert _is_closed(kept)


def test_a_connection_inherited_across_a_fork_is_left_to_the_parent(
    outside_a_transaction, monkeypatch
):
    (parents,) = _driver_connections_used(_read)
    real_pid = cache.os.getpid()
    monkeypatch.setattr(cache.os, "getpid", lambda: real_pid + 1)  # now "the child"
    (childs,) = _driver_connections_used(_read)
    try:
        assert childs is not parents
        assert not _is_closed(parents)  # its socket is the parent's: the child sends nothing
    finally:
        parents.close()  # (here both are this process's)
        childs.close()


def test_a_page_reads_its_data_version_where_its_other_statements_see_the_same_data(
    app, client, login_as, hq
):
    """SQLite: a page view is one read transaction, and the version it keeps values under
    must come from the same snapshot as the values (else a value computed from older rows
    could be kept under a newer version). PostgreSQL: a page view reads in autocommit (each
    statement its own snapshot), so the version comes from a kept connection, without the
    session's execution machinery."""
    login_as(hq)
    db.session.remove()  # each request opens its own session, as in production
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append((conn, statement))

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert client.get("/analysis/network/").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    # The probes of the global data version (index probes as scalar subqueries).
    version_reads = [
        conn for conn, sql in statements if "(SELECT max(activities.updated_at)" in sql
    ]
    assert version_reads
    if PG_URL:
        assert all(conn is None for conn in version_reads)  # a driver read, no SA connection
    else:
        assert all(conn is not None for conn in version_reads)  # the session's transaction


def test_pages_compile_their_version_statements_once(app, client, login_as, hq, monkeypatch):
    # A statement built anew on each request would be compiled anew on each read; the pages'
    # version statements are built once, so a second round of views compiles nothing.
    login_as(hq)
    db.session.remove()
    paths = ("/search?q=会議", "/analysis/funding/2007", "/analysis/network/", "/calendar.ics")
    for path in paths:
        assert client.get(path).status_code == 200
    compiled = []
    original = cache._Compiled.__init__

    def counting(self, statement, dialect):
        compiled.append(statement)
        original(self, statement, dialect)

    monkeypatch.setattr(cache._Compiled, "__init__", counting)
    for path in paths:
        assert client.get(path).status_code == 200
    assert compiled == []
