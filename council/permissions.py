"""Every "may this user do X to this object" answer, in one place.

Views, templates (to hide buttons), feeds, search, reports and the API all ask here. Anonymous
users are Flask-Login's AnonymousUserMixin: `is_authenticated` is False and they carry no role.
"""

from functools import wraps

import sqlalchemy as sa

from council.activities.models import Activity, activity_organizers, activity_participants
from council.directory.models import Agency, Membership
from council.extensions import db
from council.minutes.models import Minutes


def _role(user) -> str | None:
    return getattr(user, "role", None) if user is not None and user.is_authenticated else None


def is_staff(user) -> bool:
    """hq and admin read everything in every block."""
    return _role(user) in ("admin", "hq")


def is_secretariat_of(user, block_id: int | None) -> bool:
    return _role(user) == "secretariat" and block_id is not None and user.block_id == block_id


def member_block_ids(user) -> frozenset[int]:
    """The blocks a member's agency currently sits on (cached on the user for the request)."""
    if _role(user) != "member" or user.agency_id is None:
        return frozenset()
    cached = getattr(user, "_member_block_ids", None)
    if cached is None:
        rows = db.session.execute(
            sa.select(Membership.block_id).where(
                Membership.agency_id == user.agency_id, Membership.last_fy.is_(None)
            )
        ).scalars()
        cached = frozenset(rows)
        user._member_block_ids = cached
    return cached


def sql_clause(build):
    """Marks a function that returns a SQL condition for `.where()`, and checks that it does:
    `select(...).where(None)` filters nothing, so a branch that forgot its clause would show
    every row. Anything that is not a SQL expression raises instead."""

    @wraps(build)
    def checked(*args, **kwargs):
        clause = build(*args, **kwargs)
        if not isinstance(clause, sa.ColumnElement):
            raise TypeError(f"{build.__name__} returned {clause!r}, not a SQL condition")
        return clause

    checked.is_checked_clause = True
    return checked


# --- activities ----------------------------------------------------------------------------


@sql_clause
def visible_activities_clause(user):
    """SQL condition on Activity for the rows this user may see (soft-deleted never)."""
    alive = Activity.deleted_at.is_(None)
    role = _role(user)
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
    role = _role(user)
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
    role = _role(user)
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
        _role(user) == "member"
        and user.agency_id == agency_id
        and can_view_activity(user, activity)
        and activity.status in ("planned", "postponed", "held")
    )


# --- activities: RSVP and attachments (activities pages) ----------------------------------


def can_rsvp(user, activity: Activity) -> bool:
    """A member answers for its own agency only; the secretariat uses the attendance page."""
    return (
        _role(user) == "member"
        and user.agency_id is not None
        and can_record_attendance(user, activity, user.agency_id)
    )


def can_manage_attachments(user, activity: Activity) -> bool:
    """Upload and (soft) delete: whoever may edit the activity."""
    return can_edit_activity(user, activity)


def can_download_attachment(user, attachment) -> bool:
    """A file is readable exactly by those who may see its activity."""
    return attachment.deleted_at is None and can_view_activity(user, attachment.activity)


# --- minutes -------------------------------------------------------------------------------


def can_manage_minutes(user, activity: Activity) -> bool:
    return can_edit_activity(user, activity)


def is_participant(user, activity: Activity) -> bool:
    if _role(user) != "member" or user.agency_id is None:
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
    if _role(user) == "member":
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
        _role(user) == "member"
        and item.owner_agency_id == user.agency_id
        and can_view_minutes(user, item.minutes)
    )


# --- directory -----------------------------------------------------------------------------


def can_create_agency(user) -> bool:
    return _role(user) in ("admin", "secretariat")


def can_manage_block_directory(user, block_id: int) -> bool:
    return _role(user) == "admin" or is_secretariat_of(user, block_id)


def can_manage_agency(user, agency: Agency) -> bool:
    if _role(user) == "admin":
        return True
    if _role(user) != "secretariat":
        return False
    return any(m.block_id == user.block_id and m.last_fy is None for m in agency.memberships)


def can_manage_membership(user, membership: Membership) -> bool:
    return can_manage_block_directory(user, membership.block_id)


def can_manage_all_directory(user) -> bool:
    """Agencies outside any block, and the secretariat designation, are the admin's."""
    return _role(user) == "admin"


def can_import_directory(user) -> bool:
    """Who may open the directory CSV import; each row is then checked against its block."""
    return _role(user) in ("admin", "secretariat")


def can_export_directory(user) -> bool:
    """The export carries contacts' e-mail and phone, which only signed-in users see."""
    return _role(user) is not None


# --- users and tokens ----------------------------------------------------------------------


def can_manage_users(user) -> bool:
    return _role(user) in ("admin", "secretariat")


def can_manage_user(user, target) -> bool:
    role = _role(user)
    if role == "admin":
        return True
    if role != "secretariat" or target.role != "member" or target.agency is None:
        return False
    return any(m.block_id == user.block_id and m.last_fy is None for m in target.agency.memberships)


def can_unlock_logins(user) -> bool:
    """Administrators see the accounts waiting after repeated login failures, and unlock them."""
    return _role(user) == "admin"


@sql_clause
def manageable_users_clause(user):
    """SQL condition on User for the accounts this user manages (see can_manage_user)."""
    from council.accounts.models import User

    role = _role(user)
    if role == "admin":
        return sa.true()
    if role != "secretariat":
        return sa.false()
    return sa.and_(
        User.role == "member",
        User.agency_id.in_(
            sa.select(Membership.agency_id).where(
                Membership.block_id == user.block_id, Membership.last_fy.is_(None)
            )
        ),
    )


def assignable_roles(user) -> tuple[str, ...]:
    if _role(user) == "admin":
        return ("admin", "hq", "secretariat", "member")
    if _role(user) == "secretariat":
        return ("member",)
    return ()


# --- audit ---------------------------------------------------------------------------------


def can_view_audit(user) -> bool:
    return _role(user) in ("admin", "hq", "secretariat")


@sql_clause
def visible_audit_clause(user):
    from council.audit.models import AuditEntry

    if is_staff(user):
        return sa.true()
    if _role(user) == "secretariat":
        return AuditEntry.block_ids.contains(f",{user.block_id},")
    return sa.false()


# --- measures and reports ------------------------------------------------------------------


def can_edit_measures(user) -> bool:
    return _role(user) in ("admin", "hq")


def can_view_reports(user) -> bool:
    """The fiscal-year tables are published figures: every signed-in user reads them.
    Detail listings still go through visible_activities()."""
    return _role(user) is not None


def can_export_reports(user) -> bool:
    return _role(user) in ("admin", "hq", "secretariat")


# --- submissions ---------------------------------------------------------------------------


def can_view_submissions(user, block_id: int | None = None) -> bool:
    if is_staff(user):
        return True
    return block_id is not None and is_secretariat_of(user, block_id)


def can_submit(user, block_id: int) -> bool:
    """Only the block's own secretariat submits its figures to headquarters."""
    return is_secretariat_of(user, block_id)


def can_return_submission(user) -> bool:
    return _role(user) in ("hq", "admin")


def can_import_activities(user, block_id: int | None) -> bool:
    return can_create_activity(user, block_id)


# --- activity CSV import and export (imports) ----------------------------------------------


def can_open_activity_import(user) -> bool:
    """The upload page: a secretariat imports its block's rows, hq and admin HQ meetings;
    can_import_activities() then judges every row."""
    return _role(user) in ("admin", "hq", "secretariat")


def can_export_activities(user) -> bool:
    """Any signed-in user downloads the CSV of what visible_activities() lets them see."""
    return _role(user) is not None


# --- calendars, feeds and search -----------------------------------------------------------


@sql_clause
def visible_minutes_clause(user):
    """SQL condition on Minutes (joined with its Activity) for the rows can_view_minutes allows:
    search uses it so that a result list never shows minutes that their page would refuse."""
    base = visible_activities_clause(user)
    role = _role(user)
    if role in ("admin", "hq"):
        return base
    if role == "secretariat":
        return sa.and_(base, Activity.block_id == user.block_id)
    if role == "member" and user.agency_id is not None:
        # As can_view_minutes: approved minutes for the meeting's block and the agencies that
        # took part; circulated ones for those agencies only.
        participant = sa.or_(
            sa.exists().where(
                activity_participants.c.activity_id == Activity.id,
                activity_participants.c.agency_id == user.agency_id,
            ),
            sa.exists().where(
                activity_organizers.c.activity_id == Activity.id,
                activity_organizers.c.agency_id == user.agency_id,
            ),
        )
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


def can_have_feed(user) -> bool:
    """Every signed-in, active user may hold a personal calendar feed."""
    return _role(user) is not None and bool(getattr(user, "is_active", False))


# --- public portal -------------------------------------------------------------------------


def can_manage_portal(user) -> bool:
    """Who may open the portal's registers for editing and import: hq, admin, secretariats;
    can_edit_portal_record() then judges every record."""
    return _role(user) in ("admin", "hq", "secretariat")


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


# --- analysis (funding survey, collaboration network) -------------------------------------


def analysis_block_ids(user) -> list[int] | None:
    """The blocks whose analysis this user reads: None for every block (hq, admin), the own
    block for a secretariat, none ([]) for anyone else."""
    if is_staff(user):
        return None
    if _role(user) == "secretariat" and user.block_id is not None:
        return [user.block_id]
    return []


def can_view_analysis(user, block_id: int | None = None) -> bool:
    """Headquarters reads every block's analysis; a secretariat its own block's (block_id
    None asks about the all-blocks pages, which are headquarters')."""
    if is_staff(user):
        return True
    return block_id is not None and is_secretariat_of(user, block_id)


def can_open_analysis(user) -> bool:
    return is_staff(user) or _role(user) == "secretariat"


def can_edit_funding(user) -> bool:
    """Funding records are headquarters' survey: hq and admin enter and import them."""
    return _role(user) in ("admin", "hq")
