"""Fixtures for the accounts tests (and reused by tests/directory and tests/audit)."""

import pytest
import sqlalchemy as sa

from council.audit.models import AuditEntry
from council.extensions import db


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
