"""The analysis pages: the funding survey and the collaboration network."""

from council.permissions.base import is_secretariat_of, is_staff, role_of


def analysis_block_ids(user) -> list[int] | None:
    """The blocks whose analysis this user reads: None for every block (hq, admin), the own
    block for a secretariat, none ([]) for anyone else."""
    if is_staff(user):
        return None
    if role_of(user) == "secretariat" and user.block_id is not None:
        return [user.block_id]
    return []


def can_view_analysis(user, block_id: int | None = None) -> bool:
    """Headquarters reads every block's analysis; a secretariat its own block's (block_id
    None asks about the all-blocks pages, which are headquarters')."""
    if is_staff(user):
        return True
    return block_id is not None and is_secretariat_of(user, block_id)


def can_open_analysis(user) -> bool:
    return is_staff(user) or role_of(user) == "secretariat"


def can_edit_funding(user) -> bool:
    """Funding records are headquarters' survey: hq and admin enter and import them."""
    return role_of(user) in ("admin", "hq")
