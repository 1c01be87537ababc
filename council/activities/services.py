"""Writes on activities. Services flush, never commit; the view commits once."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm.exc import StaleDataError

from council import fiscal
from council.activities.models import EDITABLE_FIELDS, STATUSES, Activity, Attendance
from council.audit.hooks import record, set_reason
from council.errors import Conflict
from council.extensions import db, utc_now
from council.locking import EditConflict, check_version
from council.notices import hooks as notices
from council.submissions.models import Submission


class ActivityError(Conflict):
    """The activity's state forbids the change now (its status, its date): 409, with a
    message for the user."""


def create_activity(
    *,
    actor,
    category_id: int,
    title: str,
    starts_at: datetime,
    block_id: int | None = None,
    organizers=(),
    participant_agencies=(),
    measures=(),
    backers=(),
    **fields,
) -> Activity:
    """Log a new activity."""
    activity = Activity(
        block_id=block_id,
        category_id=category_id,
        title=title,
        starts_at=starts_at,
        created_by_id=getattr(actor, "id", None),
        updated_by_id=getattr(actor, "id", None),
        **fields,
    )
    activity.organizers = list(organizers)
    activity.participant_agencies = list(participant_agencies)
    activity.measures = list(measures)
    activity.backers = list(backers)
    db.session.add(activity)
    db.session.flush()
    notices.activity_changed(activity, actor=actor)
    return activity


def update_activity(
    activity: Activity,
    *,
    actor,
    expected_version: int | None = None,
    organizers=None,
    participant_agencies=None,
    measures=None,
    backers=None,
    **fields,
) -> Activity:
    """Apply an edit. Raises EditConflict when the activity changed since it was loaded.

    Changes to the agency and measure lists are written to the audit log here (the flush hook
    sees columns only), and they raise the version like any other edit, so that a concurrent
    edit of the lists is a conflict too. Moving a postponed activity whose new date was
    pending to a date settles it."""
    check_version(activity, expected_version)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    # Loading the lists must not flush half an edit: one edit, one UPDATE, one version.
    with db.session.no_autoflush:
        for name, value in fields.items():
            if getattr(activity, name) != value:
                setattr(activity, name, value)
        if "starts_at" in fields and activity.is_new_date_pending and _moved(activity):
            activity.is_new_date_pending = False
        collections = {}
        for name, value in (
            ("organizers", organizers),
            ("participant_agencies", participant_agencies),
            ("measures", measures),
            ("backers", backers),
        ):
            if value is None:
                continue
            old = list(getattr(activity, name))
            new = list(value)
            if {o.id for o in old} != {o.id for o in new}:
                setattr(activity, name, new)
                collections[name] = [[o.name for o in old], [o.name for o in new]]
        if collections:
            # Only the link tables change: touch the row so that the version rises.
            activity.updated_at = utc_now()
    activity.updated_by_id = getattr(actor, "id", None)
    try:
        db.session.flush()
    except StaleDataError:
        # Saved by another request between our read and this write: the same conflict.
        raise EditConflict(activity, expected_version) from None
    if collections:
        record(db.session, activity, "update", collections)
    notices.activity_changed(activity, actor=actor)
    return activity


def _moved(activity: Activity) -> bool:
    return inspect(activity).attrs.starts_at.history.has_changes()


def reason_required(activity: Activity) -> bool:
    """Whether an edit of this activity must give a reason (変更理由) for the audit log.

    Once a block has submitted a fiscal year's record or plan to headquarters (and it has not
    been returned), changing that year's activities needs a reason: headquarters sees every
    change against the figures it received, with who, when and why."""
    if activity.block_id is None or activity.fiscal_year is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    Submission.block_id == activity.block_id,
                    Submission.fiscal_year == activity.fiscal_year,
                    Submission.state == "submitted",
                )
            )
        )
    )


# --- status changes -------------------------------------------------------------------------

# to-status -> the statuses it may come from. A postponed activity is eventually held or
# cancelled; it may also be postponed again (its first date stays recorded).
TRANSITIONS = {
    "held": ("planned", "postponed"),
    "postponed": ("planned", "postponed"),
    "cancelled": ("planned", "postponed"),
}


def _check_transition(activity: Activity, to: str) -> None:
    if activity.deleted_at is not None:
        raise ActivityError("削除された活動は変更できません。")
    if activity.status not in TRANSITIONS[to]:
        raise ActivityError(
            f"この活動は「{activity.status_label}」のため、「{STATUSES[to]}」にはできません。"
        )


def mark_held(
    activity: Activity,
    *,
    actor,
    participants: int | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Activity:
    """planned/postponed → held, optionally with the head count."""
    check_version(activity, expected_version)
    _check_transition(activity, "held")
    if activity.is_new_date_pending:
        raise ActivityError("延期後の日程が未定です。先に新しい日程を登録してください。")
    today = today or fiscal.to_jst(utc_now()).date()
    if activity.start_on > today:
        raise ActivityError(
            f"開催日({fiscal.format_date(activity.start_on)})より前に実施済みにはできません。"
        )
    activity.status = "held"
    if participants is not None:
        activity.participants = participants
    activity.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    return activity


def _changed(activity: Activity, actor) -> Activity:
    """Every status step ends the same way: the actor signs the change, it is flushed (the
    audit hook sees it) and the people who follow the activity hear of it."""
    activity.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    notices.activity_changed(activity, actor=actor)
    return activity


def _shifted_end(activity: Activity, starts_at: datetime, is_all_day: bool) -> datetime | None:
    """Keep the activity's length when only a new start is given."""
    if activity.ends_at is None or is_all_day != activity.is_all_day:
        return None
    return starts_at + (activity.ends_at - activity.starts_at)


def _set_date(activity, starts_at, ends_at, is_all_day) -> None:
    if activity.category.is_date_only and not activity.is_hq:
        is_all_day = True
    if ends_at is None:
        ends_at = _shifted_end(activity, starts_at, is_all_day)
    activity.starts_at = starts_at
    activity.ends_at = ends_at
    activity.is_all_day = is_all_day
    activity.is_new_date_pending = False


def postpone_activity(
    activity: Activity,
    *,
    actor,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    is_all_day: bool = False,
    reason: str = "",
    expected_version: int | None = None,
) -> Activity:
    """→ postponed. The first scheduled date is kept in original_starts_at; without a new
    date the activity is marked as waiting for one (is_new_date_pending)."""
    check_version(activity, expected_version)
    _check_transition(activity, "postponed")
    if activity.original_starts_at is None:
        activity.original_starts_at = activity.starts_at
        activity.original_is_all_day = activity.is_all_day
    if starts_at is not None:
        _set_date(activity, starts_at, ends_at, is_all_day)
    else:
        activity.is_new_date_pending = True
    activity.status = "postponed"
    if reason:
        activity.status_reason = reason
        set_reason(db.session, reason)
    return _changed(activity, actor)


def reschedule_activity(
    activity: Activity,
    *,
    actor,
    starts_at: datetime,
    ends_at: datetime | None = None,
    is_all_day: bool = False,
    expected_version: int | None = None,
) -> Activity:
    """Give a postponed activity its new date (it stays 延期 until it is held)."""
    check_version(activity, expected_version)
    if activity.status != "postponed":
        raise ActivityError("新しい日程を登録できるのは延期中の活動だけです。")
    _set_date(activity, starts_at, ends_at, is_all_day)
    return _changed(activity, actor)


def cancel_activity(
    activity: Activity, *, actor, reason: str, expected_version: int | None = None
) -> Activity:
    """planned/postponed → cancelled, with the reason (kept on the activity and in the log).
    Calendars keep a cancelled event, as STATUS:CANCELLED."""
    check_version(activity, expected_version)
    _check_transition(activity, "cancelled")
    if not reason.strip():
        raise ActivityError("中止の理由を入力してください。")
    activity.status = "cancelled"
    activity.status_reason = reason
    set_reason(db.session, reason)
    return _changed(activity, actor)


# --- attendance -----------------------------------------------------------------------------


class AttendanceConflict(Conflict):
    """Someone else changed the same attendance entry since the page was loaded."""

    def __init__(self, conflicts):
        super().__init__("他のユーザーが先に出欠を更新しました。")
        self.conflicts = conflicts  # [(agency, field, theirs, yours)]


ATTENDANCE_FIELDS = ("rsvp", "attended", "persons")


def _norm(field: str, value):
    if field == "attended":
        return bool(value)
    if field == "persons":
        return value or ""
    return value or None


def _attendance_row(activity: Activity, agency, existing: dict) -> Attendance:
    row = existing.get(agency.id)
    if row is None:
        row = Attendance(activity=activity, agency=agency, persons="")
        db.session.add(row)
        existing[agency.id] = row
    return row


def record_attendance(
    activity: Activity,
    updates,
    *,
    actor,
    participants=None,
    set_participants: bool = False,
    expected_version: int | None = None,
) -> None:
    """The secretariat's attendance sheet. `updates` holds (agency, field, shown, new): only
    fields the user changed are written, so an agency's own answer given meanwhile is kept;
    the same field changed on both sides is an AttendanceConflict. The head count is a field
    of the activity and follows its version (EditConflict)."""
    existing = {row.agency_id: row for row in activity.attendances}
    conflicts = []
    for agency, field, shown, new in updates:
        if _norm(field, shown) == _norm(field, new):
            continue  # not touched by this user: whatever is stored stays
        row = existing.get(agency.id)
        current = _norm(field, getattr(row, field) if row is not None else None)
        if current != _norm(field, shown) and current != _norm(field, new):
            conflicts.append((agency, field, current, _norm(field, new)))
    if conflicts:
        raise AttendanceConflict(conflicts)
    if set_participants and participants != activity.participants:
        check_version(activity, expected_version)
        activity.participants = participants
        activity.updated_by_id = getattr(actor, "id", None)
    for agency, field, shown, new in updates:
        if _norm(field, shown) == _norm(field, new):
            continue
        row = _attendance_row(activity, agency, existing)
        if _norm(field, getattr(row, field)) != _norm(field, new):
            setattr(row, field, _norm(field, new))
            row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()


def set_rsvp(activity: Activity, agency, *, actor, rsvp: str, persons: str = "") -> Attendance:
    """A member agency's own answer: 出席/欠席/未定 and who will come."""
    existing = {row.agency_id: row for row in activity.attendances}
    row = _attendance_row(activity, agency, existing)
    row.rsvp = rsvp
    row.persons = persons
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    return row
