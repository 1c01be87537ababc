"""The directory: who edits a block's roster, agencies and contacts, and imports or exports
the directory CSV."""

from council.directory.models import Agency, Membership
from council.permissions.base import is_secretariat_of, role_of


def can_create_agency(user) -> bool:
    return role_of(user) in ("admin", "secretariat")


def can_manage_block_directory(user, block_id: int) -> bool:
    return role_of(user) == "admin" or is_secretariat_of(user, block_id)


def can_manage_agency(user, agency: Agency) -> bool:
    if role_of(user) == "admin":
        return True
    if role_of(user) != "secretariat":
        return False
    return any(m.block_id == user.block_id and m.last_fy is None for m in agency.memberships)


def can_manage_membership(user, membership: Membership) -> bool:
    return can_manage_block_directory(user, membership.block_id)


def can_manage_all_directory(user) -> bool:
    """Agencies outside any block, and the secretariat designation, are the admin's."""
    return role_of(user) == "admin"


def can_import_directory(user) -> bool:
    """Who may open the directory CSV import; each row is then checked against its block."""
    return role_of(user) in ("admin", "secretariat")


def can_export_directory(user) -> bool:
    """The export carries contacts' e-mail and phone, which only signed-in users see."""
    return role_of(user) is not None
