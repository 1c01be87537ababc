"""The audit log: who reads it, and which entries.

The audit package reads these rules, so they must not import it back: the visibility clause is
given the log's `block_ids` column (",1,3," text) by its caller instead of importing the model."""

import sqlalchemy as sa

from council.permissions.base import is_staff, role_of, sql_clause


def can_view_audit(user) -> bool:
    return role_of(user) in ("admin", "hq", "secretariat")


@sql_clause
def visible_audit_clause(user, block_ids):
    """SQL condition on the audit log for the entries this user reads: hq and admin all, a
    secretariat those touching its block. `block_ids` is AuditEntry.block_ids."""
    if is_staff(user):
        return sa.true()
    if role_of(user) == "secretariat":
        return block_ids.contains(f",{user.block_id},")
    return sa.false()
