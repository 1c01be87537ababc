"""What a request pays for before its view: the audit names its actor only when something
changes, and on PostgreSQL a page view reads in autocommit (no BEGIN and ROLLBACK round
trips) while a change keeps its transaction."""

import pytest
import sqlalchemy as sa

from council.audit.models import AuditEntry
from council.extensions import db
from tests.conftest import PG_URL


def test_each_change_names_the_user_who_made_it_when_requests_share_a_session(
    app, client, login_as, hq, admin, new_audit_entries
):
    # The suite keeps one app context (so one session) around several requests: the actor
    # the first request named must not carry over to the next user's change.
    login_as(hq)
    assert client.post("/profile/tokens", data={"name": "hq token"}).status_code == 201
    other = app.test_client()
    login_as(admin, c=other)
    assert other.post("/profile/tokens", data={"name": "admin token"}).status_code == 201
    entries = new_audit_entries(AuditEntry.object_type == "User", AuditEntry.action == "update")
    issued = [(e.actor_id, e.object_id) for e in entries if "api_token" in e.changes]
    assert issued == [(hq.id, hq.id), (admin.id, admin.id)]


def test_a_page_that_changes_nothing_records_no_actor_and_writes_no_audit_entry(
    client, login_as, hq, new_audit_entries
):
    login_as(hq)
    before = len(new_audit_entries())
    assert client.get("/calendar").status_code == 200
    assert client.get("/profile").status_code == 200
    assert len(new_audit_entries()) == before


def _transaction_states(app):
    """The libpq transaction status after each statement of the requests that follow."""
    states = []

    def after(conn, cursor, statement, parameters, context, executemany):
        states.append((request_method(), conn.connection.driver_connection.info.transaction_status))

    def request_method():
        from flask import has_request_context, request

        return request.method if has_request_context() else None

    with app.app_context():
        sa.event.listen(db.engine, "after_cursor_execute", after)
    return states, lambda: sa.event.remove(db.engine, "after_cursor_execute", after)


@pytest.mark.skipif(not PG_URL, reason="round trips: PostgreSQL only (SQLite reads in-process)")
def test_on_postgresql_a_page_view_runs_outside_a_transaction_and_a_change_inside_one(
    app, client, login_as, hq
):
    from psycopg.pq import TransactionStatus

    login_as(hq)
    db.session.remove()  # the requests below each open their own session, as in production
    states, stop = _transaction_states(app)
    try:
        assert client.get("/calendar").status_code == 200
        assert client.get("/analysis/network/").status_code == 200
        assert client.post("/profile/tokens", data={"name": "x"}).status_code == 201
    finally:
        stop()
    reads = {status for method, status in states if method == "GET"}
    writes = {status for method, status in states if method == "POST"}
    assert reads == {TransactionStatus.IDLE}
    assert TransactionStatus.INTRANS in writes
