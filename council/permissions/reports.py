"""Measures, the fiscal-year reports and the blocks' submissions of their figures."""

from council.permissions.base import is_secretariat_of, is_staff, role_of


def can_edit_measures(user) -> bool:
    return role_of(user) in ("admin", "hq")


def can_view_reports(user) -> bool:
    """The fiscal-year tables are published figures: every signed-in user reads them.
    Detail listings still go through visible_activities()."""
    return role_of(user) is not None


def can_export_reports(user) -> bool:
    return role_of(user) in ("admin", "hq", "secretariat")


def can_view_submissions(user, block_id: int | None = None) -> bool:
    if is_staff(user):
        return True
    return block_id is not None and is_secretariat_of(user, block_id)


def can_submit(user, block_id: int) -> bool:
    """Only the block's own secretariat submits its figures to headquarters."""
    return is_secretariat_of(user, block_id)


def can_return_submission(user) -> bool:
    return role_of(user) in ("hq", "admin")
