from tests.accounts.conftest import new_audit_entries  # noqa: F401
