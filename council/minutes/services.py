"""Minutes (議事録): writes that move them through 案 → 照会 → 確定, and the reads their pages need.

Services flush, never commit; the view commits once. Approved minutes are an official record:
nothing here changes their content except `correct_minutes`, which freezes the corrected text
as a new insert-only revision with its reason.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from council.activities.models import Activity
from council.audit.hooks import record, set_reason
from council.errors import Conflict, DomainError
from council.extensions import db, utc_now
from council.locking import EditConflict, check_version
from council.minutes.models import (
    RECORD_FIELDS,
    ActionItem,
    Minutes,
    MinutesResponse,
    MinutesRevision,
)
from council.notices import hooks as notices


class MinutesError(DomainError):
    """A refused change; the message is shown to the user above the form (400)."""


class MinutesLocked(MinutesError, Conflict):
    """The minutes' state forbids this change (approved, or under circulation): 409."""


LOCKED_APPROVED = (
    "確定した議事録は変更できません。内容を改める場合は「訂正」から新しい版を作成してください。"
)
LOCKED_CIRCULATED = (
    "照会中の議事録は編集できません。修正する場合は、先に「案に戻す」を行ってください。"
)
STALE = (
    "他のユーザーが先に議事録を更新しました。最新の内容を確認してから、もう一度操作してください。"
)
CREATED_MEANWHILE = (
    "他のユーザーが同時にこの会議の議事録を作成しました。"
    "入力内容を控えてから、作成済みの議事録を開いてください。"
)
ANSWERED_MEANWHILE = "同じ機関の回答が同時に送信されました。画面を開き直して確認してください。"


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


def _check_version(minutes: Minutes, expected_version: int | None) -> None:
    check_version(minutes, expected_version, STALE)


def _flush(minutes: Minutes, expected_version: int | None) -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:
        # Another transaction saved between our read and our UPDATE (PostgreSQL).
        raise EditConflict(minutes, expected_version or 0, STALE) from exc


def _flush_new(message: str) -> None:
    """Insert a row a unique key allows once (one minutes per meeting, one answer per agency):
    a concurrent request that inserted it first turns our INSERT into a Conflict."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(message) from exc


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
    _flush_new(CREATED_MEANWHILE)
    return minutes


def update_minutes(
    minutes: Minutes, *, actor, expected_version: int | None, action_items=(), **fields
) -> Minutes:
    """Save an edit of a draft. A stale version raises EditConflict."""
    _refuse_unless_draft(minutes)
    _check_version(minutes, expected_version)
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
    _check_version(minutes, expected_version)
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
    _check_version(minutes, expected_version)
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
    _flush_new(ANSWERED_MEANWHILE)
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
    _check_version(minutes, expected_version)
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
    _check_version(minutes, expected_version)
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
