"""The dashboard's reads: each is one bounded query (plus eager loads), whatever the data size."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from council import fiscal, permissions
from council.activities.models import (
    Activity,
    Category,
    activity_organizers,
    activity_participants,
    takes_part,
)
from council.audit.models import AuditEntry
from council.extensions import db
from council.minutes.models import ActionItem, Minutes, MinutesResponse
from council.submissions.models import Submission

UPCOMING_LIMIT = 8
ACTION_ITEM_LIMIT = 20
CHANGES_LIMIT = 10


def _start_of_today(now: datetime) -> datetime:
    return fiscal.jst_datetime(fiscal.to_jst(now).date()).astimezone(UTC)


def upcoming_meetings(user, now: datetime, limit: int = UPCOMING_LIMIT) -> list[Activity]:
    """Meetings from today on that the user may see, soonest first."""
    stmt = (
        sa.select(Activity)
        .join(Activity.category)
        .where(
            permissions.visible_activities_clause(user),
            sa.or_(Category.is_meeting.is_(True), Activity.block_id.is_(None)),
            Activity.starts_at >= _start_of_today(now),
            Activity.status.in_(("planned", "postponed")),
        )
        .options(contains_eager(Activity.category), joinedload(Activity.block))
        .order_by(Activity.starts_at, Activity.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def _action_item_scope(user):
    """Which open action items the dashboard lists: the member's agency, the secretariat's
    block, everything for hq and admin. Members see items only of minutes they may read."""
    role = getattr(user, "role", None)
    if role in ("admin", "hq"):
        return sa.true()
    if role == "secretariat":
        return Activity.block_id == user.block_id
    if role == "member" and user.agency_id is not None:
        # The minutes' own rule (approved: the block's and the participants'; circulated:
        # the participants' only), for the agency's items.
        return sa.and_(
            ActionItem.owner_agency_id == user.agency_id, permissions.visible_minutes_clause(user)
        )
    return sa.false()


def open_action_items(user, limit: int = ACTION_ITEM_LIMIT) -> tuple[list[ActionItem], int]:
    """Open action items in the user's scope, the earliest due first, and how many in all."""
    base = (
        sa.select(ActionItem)
        .join(ActionItem.minutes)
        .join(Minutes.activity)
        .where(
            ActionItem.is_done.is_(False),
            Activity.deleted_at.is_(None),
            _action_item_scope(user),
        )
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    if not total:
        return [], 0
    stmt = (
        base.options(
            contains_eager(ActionItem.minutes)
            .contains_eager(Minutes.activity)
            .options(
                selectinload(Activity.organizers),
                selectinload(Activity.participant_agencies),
                joinedload(Activity.block),
            ),
            joinedload(ActionItem.owner_agency),
        )
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique()), total


@dataclass
class PendingCirculation:
    minutes: Minutes
    answered: int = 0
    asked: int = 0
    has_answered: bool = False


def pending_circulations(user, limit: int = 10) -> list[PendingCirculation]:
    """Minutes under circulation: for a member, those its agency is asked to answer; for a
    secretariat, its block's, with how many agencies have answered this round."""
    role = getattr(user, "role", None)
    stmt = (
        sa.select(Minutes)
        .join(Minutes.activity)
        .where(Minutes.status == "circulated", Activity.deleted_at.is_(None))
        .options(contains_eager(Minutes.activity))
        .order_by(Minutes.comment_deadline_on, Minutes.id)
        .limit(limit)
    )
    if role == "member" and user.agency_id is not None:
        stmt = stmt.where(permissions.visible_activities_clause(user), takes_part(user.agency_id))
    elif role == "secretariat":
        stmt = stmt.where(Activity.block_id == user.block_id)
    elif role not in ("admin", "hq"):
        return []
    minutes_list = list(db.session.scalars(stmt))
    if not minutes_list:
        return []
    ids = [m.id for m in minutes_list]
    answered: dict[int, set[int]] = {}
    rows = db.session.execute(
        sa.select(MinutesResponse.minutes_id, MinutesResponse.agency_id)
        .join(Minutes, Minutes.id == MinutesResponse.minutes_id)
        .where(
            MinutesResponse.minutes_id.in_(ids),
            MinutesResponse.responded_at >= Minutes.circulated_at,
        )
    )
    for minutes_id, agency_id in rows:
        answered.setdefault(minutes_id, set()).add(agency_id)
    asked = _asked_counts(ids)
    return [
        PendingCirculation(
            minutes=m,
            answered=len(answered.get(m.id, set())),
            asked=asked.get(m.id, 0),
            has_answered=getattr(user, "agency_id", None) in answered.get(m.id, set()),
        )
        for m in minutes_list
    ]


def _asked_counts(minutes_ids: list[int]) -> dict[int, int]:
    """Distinct organising and participating agencies per minutes, in one query."""
    agencies = sa.union(
        sa.select(activity_organizers.c.activity_id, activity_organizers.c.agency_id),
        sa.select(activity_participants.c.activity_id, activity_participants.c.agency_id),
    ).subquery()
    rows = db.session.execute(
        sa.select(Minutes.id, sa.func.count())
        .join(agencies, agencies.c.activity_id == Minutes.activity_id)
        .where(Minutes.id.in_(minutes_ids))
        .group_by(Minutes.id)
    )
    return dict(rows.all())


def recent_changes(user, limit: int = CHANGES_LIMIT):
    """Audit entries of the user's block (all blocks for hq and admin). Members, who do not
    read the audit log, get the recently updated activities of their blocks instead."""
    if permissions.can_view_audit(user):
        stmt = (
            sa.select(AuditEntry)
            .where(permissions.visible_audit_clause(user, AuditEntry.block_ids))
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
        return "audit", list(db.session.scalars(stmt))
    blocks = permissions.member_block_ids(user)
    if not blocks:
        return "activities", []
    stmt = (
        sa.select(Activity)
        .where(permissions.visible_activities_clause(user), Activity.block_id.in_(blocks))
        .options(joinedload(Activity.category), joinedload(Activity.block))
        .order_by(Activity.updated_at.desc(), Activity.id.desc())
        .limit(limit)
    )
    return "activities", list(db.session.scalars(stmt))


def minutes_subjects(entries) -> dict[tuple[str, int], tuple[int, str]]:
    """For audit entries about minutes and their parts, the meeting they belong to:
    (object_type, object_id) → (activity_id, activity title). One query per kind present."""
    parts = {
        "Minutes": (Minutes.id, None),
        "ActionItem": (ActionItem.id, ActionItem.minutes_id),
        "MinutesResponse": (MinutesResponse.id, MinutesResponse.minutes_id),
    }
    out: dict[tuple[str, int], tuple[int, str]] = {}
    for kind, (id_column, minutes_fk) in parts.items():
        ids = {e.object_id for e in entries if e.object_type == kind and e.object_id}
        if not ids:
            continue
        stmt = sa.select(id_column, Activity.id, Activity.title)
        if minutes_fk is not None:
            stmt = stmt.join(Minutes, Minutes.id == minutes_fk)
        stmt = stmt.join(Activity, Activity.id == Minutes.activity_id).where(id_column.in_(ids))
        for object_id, activity_id, title in db.session.execute(stmt):
            out[(kind, object_id)] = (activity_id, title)
    return out


@dataclass
class Dashboard:
    upcoming: list = field(default_factory=list)
    action_items: list = field(default_factory=list)
    action_item_total: int = 0
    circulations: list = field(default_factory=list)
    changes_kind: str = "audit"
    changes: list = field(default_factory=list)
    subjects: dict = field(default_factory=dict)
    today: object = None
    returned: list = field(default_factory=list)


def returned_submissions(user) -> list:
    """The secretariat's submissions that headquarters returned and that wait for a new
    submission, the latest first."""
    if getattr(user, "role", None) != "secretariat" or user.block_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Submission)
            .where(Submission.block_id == user.block_id, Submission.state == "returned")
            .order_by(Submission.returned_at.desc())
        )
    )


def dashboard(user, now: datetime | None = None) -> Dashboard:
    now = now or datetime.now(UTC)
    items, total = open_action_items(user)
    kind, changes = recent_changes(user)
    return Dashboard(
        upcoming=upcoming_meetings(user, now),
        action_items=items,
        action_item_total=total,
        circulations=pending_circulations(user),
        changes_kind=kind,
        changes=changes,
        subjects=minutes_subjects(changes) if kind == "audit" else {},
        today=fiscal.to_jst(now).date(),
        returned=returned_submissions(user),
    )
