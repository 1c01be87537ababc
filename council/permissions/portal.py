"""The public portal's registers and statistics."""

from council.permissions.base import is_secretariat_of, is_staff, role_of


def can_manage_portal(user) -> bool:
    """Who may open the portal's registers for editing and import: hq, admin, secretariats;
    can_edit_portal_record() then judges every record."""
    return role_of(user) in ("admin", "hq", "secretariat")


def can_edit_portal_record(user, record) -> bool:
    """Headquarters edits every record; a secretariat edits the records its block manages (the
    offering organisation, the owner or the region decides the block; None is national)."""
    if is_staff(user):
        return True
    return is_secretariat_of(user, getattr(record, "block_id", None))


def can_assign_portal_block(user, block_id: int | None) -> bool:
    """May this user save a record whose managing block would be block_id (None: national)?"""
    if is_staff(user):
        return True
    return is_secretariat_of(user, block_id)


def can_view_portal_stats(user) -> bool:
    return is_staff(user)
