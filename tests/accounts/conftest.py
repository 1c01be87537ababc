"""Fixtures for the accounts tests (and reused by tests/directory and tests/audit)."""

import pytest
import sqlalchemy as sa
from flask import g

from council.audit.models import AuditEntry
from council.extensions import db


@pytest.fixture(autouse=True)
def fresh_login_per_request(app):
    """The `app` fixture keeps one app context pushed for the whole test, so every request of
    every test client shares one `g`, and Flask-Login's cached `g._login_user` leaks from one
    client's request into the next client's. Forget it at the start of each request, as a
    real server does. (Belongs in tests/conftest.py; reported to the lead.)"""

    def _forget_user():
        for name in ("_login_user", "user_session", "api_token"):
            g.pop(name, None)

    app.before_request_funcs.setdefault(None, []).insert(0, _forget_user)
    yield


@pytest.fixture
def new_audit_entries(seeded):
    """new_audit_entries(*conditions): the audit entries written since the test began (on
    PostgreSQL the reference data is loaded per test, and logged)."""
    start = db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0

    def entries(*conditions):
        return db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.id > start, *conditions).order_by(AuditEntry.id)
        ).all()

    return entries
