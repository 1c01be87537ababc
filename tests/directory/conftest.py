from tests.accounts.conftest import (  # noqa: F401  (autouse, and the audit helper)
    fresh_login_per_request,
    new_audit_entries,
)
