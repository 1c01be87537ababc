"""Minutes: who manages, reads and answers a meeting's minutes, and ticks action items."""

import sqlalchemy as sa

from council.activities.models import Activity, takes_part
from council.minutes.models import Minutes
from council.permissions.activities import (
    can_edit_activity,
    can_view_activity,
    visible_activities_clause,
)
from council.permissions.base import is_staff, member_block_ids, role_of, sql_clause


def can_manage_minutes(user, activity: Activity) -> bool:
    return can_edit_activity(user, activity)


def is_participant(user, activity: Activity) -> bool:
    if role_of(user) != "member" or user.agency_id is None:
        return False
    return any(a.id == user.agency_id for a in activity.participant_agencies) or any(
        a.id == user.agency_id for a in activity.organizers
    )


def can_view_minutes(user, minutes: Minutes) -> bool:
    activity = minutes.activity
    if not can_view_activity(user, activity):
        return False
    if is_staff(user) or can_manage_minutes(user, activity):
        return True
    if role_of(user) == "member":
        # Approved minutes are read by the members of the meeting's block (and by the
        # agencies that took part); a public meeting does not make its minutes public.
        if minutes.status == "approved":
            return activity.block_id in member_block_ids(user) or is_participant(user, activity)
        return minutes.status == "circulated" and is_participant(user, activity)
    return False


def can_respond_to_minutes(user, minutes: Minutes) -> bool:
    return (
        minutes.status == "circulated"
        and is_participant(user, minutes.activity)
        and can_view_activity(user, minutes.activity)
    )


def can_update_action_item(user, item) -> bool:
    """The secretariat, or the owner agency's members, tick an action item done."""
    if can_manage_minutes(user, item.minutes.activity):
        return True
    return (
        role_of(user) == "member"
        and item.owner_agency_id == user.agency_id
        and can_view_minutes(user, item.minutes)
    )


@sql_clause
def visible_minutes_clause(user):
    """SQL condition on Minutes (joined with its Activity) for the rows can_view_minutes allows:
    search uses it so that a result list never shows minutes that their page would refuse."""
    base = visible_activities_clause(user)
    role = role_of(user)
    if role in ("admin", "hq"):
        return base
    if role == "secretariat":
        return sa.and_(base, Activity.block_id == user.block_id)
    if role == "member" and user.agency_id is not None:
        # As can_view_minutes: approved minutes for the meeting's block and the agencies that
        # took part; circulated ones for those agencies only.
        participant = takes_part(user.agency_id)
        blocks = member_block_ids(user)
        in_block = Activity.block_id.in_(blocks) if blocks else sa.false()
        return sa.and_(
            base,
            sa.or_(
                sa.and_(Minutes.status == "approved", sa.or_(in_block, participant)),
                sa.and_(Minutes.status == "circulated", participant),
            ),
        )
    return sa.false()
