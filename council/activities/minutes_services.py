"""Minutes (議事録): writes that move them through 案 → 照会 → 確定, and the reads their pages need.

Services flush, never commit; the view commits once. Approved minutes are an official record:
nothing here changes their content except `correct_minutes`, which freezes the corrected text
as a new insert-only revision with its reason.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from council import fiscal
from council.activities.models import (
    RECORD_FIELDS,
    ActionItem,
    Activity,
    Minutes,
    MinutesResponse,
    MinutesRevision,
)
from council.activities.services import EditConflict, check_version
from council.audit.hooks import record, set_reason
from council.directory.models import Agency, Membership
from council.extensions import db, utc_now
from council.notices import hooks as notices


class MinutesError(Exception):
    """A refused change; the message is shown to the user next to the form (400)."""


class MinutesLocked(MinutesError):
    """The minutes' state forbids this change (approved, or under circulation): 409."""


LOCKED_APPROVED = (
    "確定した議事録は変更できません。内容を改める場合は「訂正」から新しい版を作成してください。"
)
LOCKED_CIRCULATED = (
    "照会中の議事録は編集できません。修正する場合は、先に「案に戻す」を行ってください。"
)


@dataclass
class ActionItemInput:
    """One row of the action-item table as the form sent it."""

    id: int | None
    description: str
    owner_agency_id: int | None
    due_on: date | None
    remove: bool = False


def _actor_id(actor) -> int | None:
    return getattr(actor, "id", None)


def _touch(minutes: Minutes, actor) -> None:
    # Every save raises the version, also when only action items changed: the minutes and
    # their action items are edited as one document, and a stale form must see a conflict.
    minutes.updated_at = utc_now()
    minutes.updated_by_id = _actor_id(actor)


def _flush(minutes: Minutes, expected_version: int | None) -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:
        # Another transaction saved between our read and our UPDATE (PostgreSQL).
        raise EditConflict(minutes, expected_version or 0) from exc


def _refuse_unless_draft(minutes: Minutes) -> None:
    if minutes.status == "approved":
        raise MinutesLocked(LOCKED_APPROVED)
    if minutes.status == "circulated":
        raise MinutesLocked(LOCKED_CIRCULATED)


def _set_record(minutes: Minutes, fields: dict) -> bool:
    changed = False
    for name in RECORD_FIELDS:
        if name in fields and getattr(minutes, name) != fields[name]:
            setattr(minutes, name, fields[name])
            changed = True
    return changed


def _apply_action_items(minutes: Minutes, rows) -> None:
    """Add, change and remove action items. Ids are matched only among this minutes' own
    items, so a forged id can never reach another meeting's item."""
    existing = {item.id: item for item in minutes.action_items}
    for row in rows:
        item = existing.get(row.id) if row.id is not None else None
        if item is not None:
            if row.remove:
                minutes.action_items.remove(item)
                continue
            for name in ("description", "owner_agency_id", "due_on"):
                value = getattr(row, name)
                if getattr(item, name) != value:
                    setattr(item, name, value)
            continue
        if row.remove or not row.description:
            continue
        minutes.action_items.append(
            ActionItem(
                description=row.description,
                owner_agency_id=row.owner_agency_id,
                due_on=row.due_on,
            )
        )


def create_minutes(activity: Activity, *, actor, action_items=(), **fields) -> Minutes:
    """Start the minutes of a meeting, as a draft (案)."""
    if activity.deleted_at is not None:
        raise MinutesError("削除された活動には議事録を作成できません。")
    if not activity.is_meeting:
        raise MinutesError(
            "議事録は会議(協議会・幹事会、連携会議、本府省の会議)について作成します。"
        )
    if activity.status == "cancelled":
        raise MinutesError("中止になった会議には議事録を作成できません。")
    if activity.minutes is not None:
        raise MinutesLocked("この会議の議事録は既に作成されています。")
    minutes = Minutes(activity=activity, status="draft", updated_by_id=_actor_id(actor))
    with db.session.no_autoflush:
        _set_record(minutes, fields)
        _apply_action_items(minutes, action_items)
    db.session.add(minutes)
    db.session.flush()
    return minutes


def update_minutes(
    minutes: Minutes, *, actor, expected_version: int | None, action_items=(), **fields
) -> Minutes:
    """Save an edit of a draft. A stale version raises EditConflict."""
    _refuse_unless_draft(minutes)
    check_version(minutes, expected_version)
    # One UPDATE, one version step: no autoflush half-way (it could also hit a stale row
    # outside the conflict handling below).
    with db.session.no_autoflush:
        _set_record(minutes, fields)
        _apply_action_items(minutes, action_items)
        _touch(minutes, actor)
    _flush(minutes, expected_version)
    return minutes


def _require_held_with_discussion(minutes: Minutes, step: str) -> None:
    if minutes.activity.status != "held":
        raise MinutesError(f"会議を「実施」にしてから{step}してください。")
    if not minutes.discussion.strip():
        raise MinutesError(f"議事概要が空のため{step}できません。")


def circulate_minutes(
    minutes: Minutes, *, actor, expected_version: int | None, deadline: date
) -> Minutes:
    """Send the draft to the participating agencies for confirmation (照会) until `deadline`.
    Answers given in an earlier round stay on record but no longer count as answers."""
    if minutes.status == "approved":
        raise MinutesLocked(LOCKED_APPROVED)
    if minutes.status == "circulated":
        raise MinutesLocked("この議事録は既に照会中です。")
    check_version(minutes, expected_version)
    _require_held_with_discussion(minutes, "照会")
    minutes.status = "circulated"
    minutes.comment_deadline_on = deadline
    minutes.circulated_at = utc_now()
    _touch(minutes, actor)
    _flush(minutes, expected_version)
    notices.minutes_circulated(minutes, actor=actor)
    return minutes


def return_to_draft(minutes: Minutes, *, actor, expected_version: int | None) -> Minutes:
    """Take circulated minutes back to draft so that comments can be worked in; the next
    circulation asks every agency again, since they confirmed a text that is changing."""
    if minutes.status == "approved":
        raise MinutesLocked(LOCKED_APPROVED)
    if minutes.status != "circulated":
        raise MinutesLocked("照会中の議事録ではありません。")
    check_version(minutes, expected_version)
    minutes.status = "draft"
    _touch(minutes, actor)
    _flush(minutes, expected_version)
    return minutes


def respond_to_minutes(
    minutes: Minutes, *, actor, agency_id: int, confirmed: bool, comment: str
) -> MinutesResponse:
    """An agency's answer to circulated minutes: confirmed, or comments. Answering again
    replaces the agency's answer; the audit log keeps the earlier one."""
    if minutes.status != "circulated":
        raise MinutesLocked("この議事録は照会中ではないため、回答できません。")
    comment = comment.strip()
    if not confirmed and not comment:
        raise MinutesError("意見の内容を入力してください。")
    response = db.session.scalar(
        sa.select(MinutesResponse).where(
            MinutesResponse.minutes_id == minutes.id, MinutesResponse.agency_id == agency_id
        )
    )
    action = "update"
    before = {}
    if response is None:
        action = "create"
        response = MinutesResponse(minutes_id=minutes.id, agency_id=agency_id)
        db.session.add(response)
    else:
        before = {"is_confirmed": response.is_confirmed, "comment": response.comment}
    response.is_confirmed = confirmed
    response.comment = comment
    response.responded_at = utc_now()
    response.responded_by_id = _actor_id(actor)
    db.session.flush()
    record(
        db.session,
        response,
        action,
        {
            "is_confirmed": [before.get("is_confirmed"), confirmed],
            "comment": [before.get("comment"), comment],
        },
    )
    return response


def approve_minutes(minutes: Minutes, *, actor, expected_version: int | None) -> MinutesRevision:
    """確定: the minutes become an official record, frozen as revision 1."""
    if minutes.status == "approved":
        raise MinutesLocked("この議事録は既に確定しています。")
    if minutes.status != "circulated":
        raise MinutesLocked("議事録は、構成機関への照会を経てから確定してください。")
    check_version(minutes, expected_version)
    _require_held_with_discussion(minutes, "確定")
    now = utc_now()
    minutes.status = "approved"
    minutes.approved_at = now
    minutes.approved_by_id = _actor_id(actor)
    _touch(minutes, actor)
    _flush(minutes, expected_version)
    revision = _freeze(minutes, actor, reason="")
    notices.minutes_confirmed(minutes, revision, actor=actor)
    return revision


def correct_minutes(
    minutes: Minutes, *, actor, expected_version: int | None, reason: str, **fields
) -> MinutesRevision:
    """訂正: a new revision of approved minutes with a mandatory reason. The minutes' own
    fields mirror the newest revision; every earlier revision stays as it was."""
    if minutes.status != "approved":
        raise MinutesLocked(
            "訂正は確定した議事録について行います。確定前は通常の編集をしてください。"
        )
    reason = reason.strip()
    if not reason:
        raise MinutesError("訂正の理由を入力してください。")
    check_version(minutes, expected_version)
    set_reason(db.session, reason)
    with db.session.no_autoflush:
        if not _set_record(minutes, fields):
            raise MinutesError("訂正する内容がありません。本文を修正してから保存してください。")
        _touch(minutes, actor)
    _flush(minutes, expected_version)
    revision = _freeze(minutes, actor, reason=reason)
    notices.minutes_confirmed(minutes, revision, actor=actor)
    return revision


def _freeze(minutes: Minutes, actor, *, reason: str) -> MinutesRevision:
    last = db.session.scalar(
        sa.select(sa.func.max(MinutesRevision.number)).where(
            MinutesRevision.minutes_id == minutes.id
        )
    )
    revision = MinutesRevision(
        minutes=minutes,
        number=(last or 0) + 1,
        reason=reason,
        created_by_id=_actor_id(actor),
        **{name: getattr(minutes, name) for name in RECORD_FIELDS},
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def set_action_item_done(item: ActionItem, *, actor, done: bool) -> ActionItem:
    """Tick an action item done (or open it again). The flag is follow-up, not part of the
    record, so it may change after the minutes are approved."""
    if item.is_done != done:
        item.is_done = done
        item.done_at = utc_now() if done else None
        db.session.flush()
    return item


# --- reads ---------------------------------------------------------------------------------


def responding_agencies(activity: Activity) -> list[Agency]:
    """The agencies asked to confirm the minutes: organisers first, then participants."""
    seen: dict[int, Agency] = {}
    for agency in [*activity.organizers, *activity.participant_agencies]:
        seen.setdefault(agency.id, agency)
    return list(seen.values())


@dataclass
class ResponseRow:
    agency: Agency
    response: MinutesResponse | None
    is_current: bool  # answered in the current round of circulation
    is_late: bool


def response_rows(minutes: Minutes) -> list[ResponseRow]:
    """Who has answered the current circulation, who has not, and when."""
    by_agency = {r.agency_id: r for r in minutes.responses}
    rows = []
    for agency in responding_agencies(minutes.activity):
        response = by_agency.get(agency.id)
        is_current = bool(
            response is not None
            and minutes.circulated_at is not None
            and response.responded_at >= minutes.circulated_at
        )
        is_late = bool(
            is_current
            and minutes.comment_deadline_on is not None
            and fiscal.to_jst(response.responded_at).date() > minutes.comment_deadline_on
        )
        rows.append(ResponseRow(agency, response, is_current, is_late))
    return rows


def default_attendees(activity: Activity) -> str:
    """Attendees pre-filled from recorded attendance, else from the agencies taking part."""
    lines = []
    attended = [a for a in getattr(activity, "attendances", []) if a.attended]
    if attended:
        for attendance in sorted(attended, key=lambda a: a.agency_id):
            persons = attendance.persons.strip()
            lines.append(f"{attendance.agency.name} {persons}".strip())
    else:
        lines = [agency.name for agency in responding_agencies(activity)]
    return "\n".join(lines)


def owner_agency_choices(activity: Activity) -> list[tuple[int, str]]:
    """Agencies that may own an action item: the block's current members and everyone
    taking part (for a headquarters meeting, every active agency)."""
    query = sa.select(Agency.id, Agency.name).where(Agency.is_active.is_(True))
    if activity.block_id is not None:
        members = sa.select(Membership.agency_id).where(
            Membership.block_id == activity.block_id, Membership.last_fy.is_(None)
        )
        taking_part = [a.id for a in responding_agencies(activity)]
        query = query.where(sa.or_(Agency.id.in_(members), Agency.id.in_(taking_part)))
    return [(row.id, row.name) for row in db.session.execute(query.order_by(Agency.id))]


_NUMBERED = re.compile(r"第\s*[0-9０-９一二三四五六七八九十]+\s*回")


def meeting_ordinal(activity: Activity) -> int:
    """The meeting's number in its fiscal year (第N回): same block, category and kind."""
    return db.session.scalar(
        sa.select(sa.func.count(Activity.id)).where(
            Activity.block_id.is_(None)
            if activity.block_id is None
            else Activity.block_id == activity.block_id,
            Activity.category_id == activity.category_id,
            Activity.kind.is_(None) if activity.kind is None else Activity.kind == activity.kind,
            Activity.fiscal_year == activity.fiscal_year,
            Activity.status != "cancelled",
            Activity.deleted_at.is_(None),
            sa.or_(
                Activity.starts_at < activity.starts_at,
                sa.and_(Activity.starts_at == activity.starts_at, Activity.id <= activity.id),
            ),
        )
    )


def minutes_heading(activity: Activity) -> str:
    """「平成19年度 第2回 関東地域ブロック協議会 議事録」, unless the title already numbers it."""
    if _NUMBERED.search(activity.title):
        return f"{activity.title} 議事録"
    label = fiscal.fiscal_year_label(activity.fiscal_year)
    return f"{label} 第{meeting_ordinal(activity)}回 {activity.title} 議事録"


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def line_diff(old: str, new: str) -> list[DiffLine]:
    """A line diff for display; the template escapes every line."""
    old_lines = (old or "").splitlines()
    new_lines = (new or "").splitlines()
    out = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(DiffLine("same", line) for line in old_lines[i1:i2])
            continue
        out.extend(DiffLine("removed", line) for line in old_lines[i1:i2])
        out.extend(DiffLine("added", line) for line in new_lines[j1:j2])
    return out


def field_diffs(old: dict, new: dict) -> dict[str, list[DiffLine]]:
    """Per record field, the diff from `old` to `new`, for the fields that differ."""
    return {
        name: line_diff(old.get(name, ""), new.get(name, ""))
        for name in RECORD_FIELDS
        if (old.get(name) or "") != (new.get(name) or "")
    }


def get_revision(minutes: Minutes, number: int) -> MinutesRevision | None:
    return next((r for r in minutes.revisions if r.number == number), None)
