"""Activities: who sees, logs, edits an activity; RSVP and attachments; the CSV import and
export; the personal calendar feed."""

import sqlalchemy as sa

from council.activities.models import Activity
from council.permissions.base import is_secretariat_of, member_block_ids, role_of, sql_clause


@sql_clause
def visible_activities_clause(user):
    """SQL condition on Activity for the rows this user may see (soft-deleted never)."""
    alive = Activity.deleted_at.is_(None)
    role = role_of(user)
    if role in ("admin", "hq"):
        return alive
    public = Activity.visibility == "public"
    if role == "secretariat":
        return sa.and_(
            alive,
            sa.or_(
                public,
                Activity.block_id == user.block_id,
                sa.and_(Activity.block_id.is_(None), Activity.visibility == "members"),
            ),
        )
    if role == "member":
        blocks = member_block_ids(user)
        if not blocks:
            return sa.and_(alive, public)
        return sa.and_(
            alive,
            sa.or_(
                public,
                sa.and_(Activity.visibility == "members", Activity.block_id.in_(blocks)),
            ),
        )
    return sa.and_(alive, public)


def visible_activities(user):
    """A select() of Activity limited to what this user may see."""
    return sa.select(Activity).where(visible_activities_clause(user))


def can_view_activity(user, activity: Activity) -> bool:
    if activity.deleted_at is not None:
        return False
    role = role_of(user)
    if role in ("admin", "hq"):
        return True
    if activity.visibility == "public":
        return True
    if role == "secretariat":
        return activity.block_id == user.block_id or (
            activity.block_id is None and activity.visibility == "members"
        )
    if role == "member":
        return activity.visibility == "members" and activity.block_id in member_block_ids(user)
    return False


def can_create_activity(user, block_id: int | None) -> bool:
    """Secretariats log their own block; hq and admin log headquarters meetings (no block)."""
    role = role_of(user)
    if role == "admin":
        return True
    if block_id is None:
        return role == "hq"
    return is_secretariat_of(user, block_id)


def can_edit_activity(user, activity: Activity) -> bool:
    if activity.deleted_at is not None:
        return False
    return can_create_activity(user, activity.block_id)


def can_record_attendance(user, activity: Activity, agency_id: int) -> bool:
    """A member records its own agency's attendance (RSVP) on a meeting it may see. The
    secretariat records everyone's through the attendance page, which asks can_edit_activity."""
    return (
        role_of(user) == "member"
        and user.agency_id == agency_id
        and can_view_activity(user, activity)
        and activity.status in ("planned", "postponed", "held")
    )


def can_rsvp(user, activity: Activity) -> bool:
    """A member answers for its own agency only; the secretariat uses the attendance page."""
    return (
        role_of(user) == "member"
        and user.agency_id is not None
        and can_record_attendance(user, activity, user.agency_id)
    )


def can_manage_attachments(user, activity: Activity) -> bool:
    """Upload and (soft) delete: whoever may edit the activity."""
    return can_edit_activity(user, activity)


def can_download_attachment(user, attachment) -> bool:
    """A file is readable exactly by those who may see its activity."""
    return attachment.deleted_at is None and can_view_activity(user, attachment.activity)


def can_import_activities(user, block_id: int | None) -> bool:
    return can_create_activity(user, block_id)


def can_open_activity_import(user) -> bool:
    """The upload page: a secretariat imports its block's rows, hq and admin HQ meetings;
    can_import_activities() then judges every row."""
    return role_of(user) in ("admin", "hq", "secretariat")


def can_export_activities(user) -> bool:
    """Any signed-in user downloads the CSV of what visible_activities() lets them see."""
    return role_of(user) is not None


def can_have_feed(user) -> bool:
    """Every signed-in, active user may hold a personal calendar feed."""
    return role_of(user) is not None and bool(getattr(user, "is_active", False))
