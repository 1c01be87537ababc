"""Reads for the activity pages: the filtered list, choices for the forms, histories."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council import fiscal, permissions
from council.activities.models import (
    KINDS,
    NATIONAL,
    STATUSES,
    VISIBILITIES,
    Activity,
    Attachment,
    Attendance,
    Category,
)
from council.audit.models import AuditEntry
from council.directory.models import Agency, Block, Membership, Ministry
from council.extensions import db
from council.measures.models import Measure
from council.reference.models import Prefecture


def get_visible_activity(user, activity_id: int) -> Activity | None:
    """The activity, or None when it does not exist or `user` may not see it: the two cases
    answer the same (404), so hidden records of other blocks are not revealed."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or not permissions.can_view_activity(user, activity):
        return None
    return activity


# --- choices for the forms ----------------------------------------------------------------


def list_blocks() -> list[Block]:
    return list(db.session.scalars(sa.select(Block).order_by(Block.sort_order)))


def list_prefectures() -> list[Prefecture]:
    return list(db.session.scalars(sa.select(Prefecture).order_by(Prefecture.id)))


def list_categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.sort_order)))


def list_years() -> list[int]:
    """Fiscal years offered by the list filter: from the first logged one to next year."""
    # Two scalar subqueries: each is an index probe (one MIN and MAX together would scan).
    first, last = db.session.execute(
        sa.select(
            sa.select(sa.func.min(Activity.fiscal_year)).scalar_subquery(),
            sa.select(sa.func.max(Activity.fiscal_year)).scalar_subquery(),
        )
    ).one()
    current = fiscal.current_fiscal_year()
    return list(range(min(first or 2005, 2005), max(last or current, current) + 2))


def agency_choices(block_id: int | None, *, everything: bool, keep=()) -> list[Agency]:
    """Agencies offered as co-organisers and participants: the block's members (ever), or
    every agency for admin/hq; agencies already on the activity stay selectable."""
    query = (
        sa.select(Agency)
        .outerjoin(Ministry, Ministry.id == Agency.ministry_id)
        .options(selectinload(Agency.ministry))
        .order_by(Ministry.sort_order.is_(None), Ministry.sort_order, Agency.kind, Agency.name)
    )
    keep_ids = {a.id for a in keep}
    if not everything:
        in_block = sa.select(Membership.agency_id).where(Membership.block_id == block_id)
        query = query.where(sa.or_(Agency.id.in_(in_block), Agency.id.in_(keep_ids)))
    query = query.where(sa.or_(Agency.is_active.is_(True), Agency.id.in_(keep_ids)))
    return list(db.session.scalars(query))


def measure_choices() -> list[Measure]:
    return list(
        db.session.scalars(
            sa.select(Measure)
            .join(Ministry, Ministry.id == Measure.ministry_id)
            .options(selectinload(Measure.ministry))
            .order_by(Ministry.sort_order, Measure.sort_order, Measure.id)
        )
    )


# --- the detail page ----------------------------------------------------------------------


def list_attachments(activity: Activity) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.activity_id == activity.id, Attachment.deleted_at.is_(None))
            .order_by(Attachment.uploaded_at, Attachment.id)
        )
    )


def get_attachment(activity: Activity, attachment_id: int) -> Attachment | None:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.activity_id != activity.id:
        return None
    return attachment


def attendance_by_agency(activity: Activity) -> dict[int, Attendance]:
    rows = db.session.scalars(
        sa.select(Attendance)
        .where(Attendance.activity_id == activity.id)
        .options(selectinload(Attendance.agency))
    )
    return {row.agency_id: row for row in rows}


def attendance_roster(activity: Activity) -> list[Agency]:
    """The agencies whose attendance the secretariat records: the block's current members,
    the co-organisers and participants, and anyone who already answered."""
    ids = {a.id for a in activity.organizers} | {a.id for a in activity.participant_agencies}
    ids |= set(
        db.session.scalars(
            sa.select(Attendance.agency_id).where(Attendance.activity_id == activity.id)
        )
    )
    condition = Agency.id.in_(ids)
    if activity.block_id is not None:
        current = sa.select(Membership.agency_id).where(
            Membership.block_id == activity.block_id, Membership.last_fy.is_(None)
        )
        condition = sa.or_(condition, Agency.id.in_(current))
    return list(
        db.session.scalars(
            sa.select(Agency)
            .outerjoin(Ministry, Ministry.id == Agency.ministry_id)
            .where(condition)
            .order_by(Ministry.sort_order.is_(None), Ministry.sort_order, Agency.kind, Agency.name)
        )
    )


def audit_entries(activity: Activity, since: datetime | None = None) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(
        AuditEntry.object_type == "Activity", AuditEntry.object_id == activity.id
    )
    if since is not None:
        query = query.where(AuditEntry.created_at > since)
    return list(db.session.scalars(query.order_by(AuditEntry.created_at, AuditEntry.id)))


@dataclass
class HistoryLine:
    at: datetime
    text: str
    reason: str
    actor: str


def status_history(activity: Activity) -> list[HistoryLine]:
    """Registration, status changes and date moves, oldest first, in words."""
    lines = []
    for entry in audit_entries(activity):
        changes = entry.changes or {}
        parts = []
        if entry.action == "create":
            parts.append(
                "登録(" + STATUSES.get(changes.get("status", [None, "planned"])[1], "") + ")"
            )
        elif "status" in changes:
            old, new = changes["status"]
            parts.append(f"{STATUSES.get(old, old)} → {STATUSES.get(new, new)}")
        if entry.action != "create" and "starts_at" in changes:
            old, new = changes["starts_at"]
            parts.append(
                f"日程 {display_value('starts_at', old)} → {display_value('starts_at', new)}"
            )
        if entry.action != "create" and changes.get("is_new_date_pending") == [False, True]:
            parts.append("新しい日程は未定")
        if parts:
            lines.append(
                HistoryLine(
                    at=entry.created_at,
                    text="、".join(parts),
                    reason=entry.reason,
                    actor=entry.actor_label if entry.actor_id else entry.actor_name,
                )
            )
    return lines


# --- showing stored values in words (history, conflicts) -----------------------------------

FIELD_LABELS = {
    "block_id": "地域ブロック",
    "category_id": "区分",
    "kind": "種別",
    "title": "件名",
    "starts_at": "開始",
    "ends_at": "終了",
    "is_all_day": "終日",
    "venue": "会場",
    "status": "状態",
    "visibility": "公開範囲",
    "participants": "参加者数",
    "description": "内容・備考",
    "status_reason": "状態変更の理由",
    "original_starts_at": "当初の予定日",
    "is_new_date_pending": "新しい日程が未定",
    "organizers": "共催機関",
    "backers": "後援",
    "participant_agencies": "参加機関",
    "measures": "説明する施策",
    "deleted_at": "削除",
}


def display_value(name: str, value) -> str:
    """A stored (or audit-logged) value as a clerk reads it."""
    if value is None or value == "":
        return "(なし)"
    if name in ("starts_at", "ends_at", "original_starts_at", "deleted_at"):
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = fiscal.to_jst(moment)
        # Dates without a time slot are stored as midnight in Japan.
        if local.hour == 0 and local.minute == 0:
            return fiscal.format_date(local)
        return fiscal.format_datetime(local)
    if name in ("block_id", "region_block_id"):
        block = db.session.get(Block, value)
        return block.name if block else str(value)
    if name == "category_id":
        category = db.session.get(Category, value)
        return category.name if category else str(value)
    if name == "kind":
        return KINDS.get(value, value)
    if name == "status":
        return STATUSES.get(value, value)
    if name == "visibility":
        return VISIBILITIES.get(value, value)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "(なし)"
    return str(value)


def current_values(activity: Activity) -> dict[str, str]:
    """The activity as now stored, field by field, in words."""
    return {
        "block_id": display_value("block_id", activity.block_id),
        "category_id": display_value("category_id", activity.category_id),
        "kind": display_value("kind", activity.kind),
        "title": activity.title,
        "starts_at": display_value("starts_at", activity.starts_at),
        "ends_at": display_value("ends_at", activity.ends_at),
        "is_all_day": display_value("is_all_day", activity.is_all_day),
        "venue": display_value("venue", activity.venue),
        "visibility": display_value("visibility", activity.visibility),
        "participants": display_value("participants", activity.participants),
        "description": display_value("description", activity.description),
        "organizers": display_value("organizers", [a.name for a in activity.organizers]),
        "backers": display_value("backers", [a.name for a in activity.backers]),
        "participant_agencies": display_value(
            "participant_agencies", [a.name for a in activity.participant_agencies]
        ),
        "measures": display_value("measures", [m.name for m in activity.measures]),
    }


@dataclass
class ConflictRow:
    name: str
    label: str
    changes: list = field(default_factory=list)  # (old, new, who, when) by the others
    now: str = ""
    yours: str = ""

    @property
    def differs(self) -> bool:
        return self.now != self.yours


def conflict_rows(activity: Activity, since: datetime | None, yours: dict[str, str]):
    """What others changed since `since` and how it compares with what the user typed.

    A row appears for every field someone else changed and for every field where the user's
    input differs from the stored value, so nothing is merged silently."""
    now = current_values(activity)
    rows: dict[str, ConflictRow] = {}
    for entry in audit_entries(activity, since=since):
        for name, pair in (entry.changes or {}).items():
            if name not in now or not isinstance(pair, list) or len(pair) != 2:
                continue
            row = rows.setdefault(name, ConflictRow(name=name, label=FIELD_LABELS[name]))
            row.changes.append(
                (
                    display_value(name, pair[0]),
                    display_value(name, pair[1]),
                    entry.actor_label if entry.actor_id else entry.actor_name,
                    entry.created_at,
                )
            )
    for name, value in yours.items():
        if name in now and (name in rows or now[name] != value):
            rows.setdefault(name, ConflictRow(name=name, label=FIELD_LABELS[name]))
    ordered = [rows[name] for name in FIELD_LABELS if name in rows]
    for row in ordered:
        row.now = now[row.name]
        row.yours = yours.get(row.name, row.now)
    return ordered


# --- schedules and duplicates ---------------------------------------------------------------


def schedule_text(starts_at: datetime, ends_at: datetime | None, is_all_day: bool) -> str:
    """2007年11月28日(水) 14:00〜16:00; all-day: 2007年11月28日(水)〜11月30日(金)."""
    start = fiscal.to_jst(starts_at)
    if is_all_day:
        text = fiscal.format_date(start)
        if ends_at is not None and fiscal.to_jst(ends_at).date() != start.date():
            text += "〜" + fiscal.format_date(ends_at)
        return text
    text = fiscal.format_datetime(start)
    if ends_at is not None:
        end = fiscal.to_jst(ends_at)
        text += "〜" + (
            f"{end:%H:%M}" if end.date() == start.date() else fiscal.format_datetime(end)
        )
    return text


def _year_later(moment: datetime) -> datetime:
    local = fiscal.to_jst(moment)
    try:
        return local.replace(year=local.year + 1)
    except ValueError:  # 29 February
        return local.replace(year=local.year + 1, day=28)


def one_year_later(starts_at: datetime, ends_at: datetime | None):
    """The same wall-clock date and time one year on, in Japan time."""
    return _year_later(starts_at), _year_later(ends_at) if ends_at is not None else None


def next_year_title(title: str, fiscal_year: int) -> str:
    """「平成19年度 第1回…」 becomes 「平成20年度 第1回…」 (and 2007年度 → 2008年度)."""
    title = title.replace(
        fiscal.fiscal_year_label(fiscal_year), fiscal.fiscal_year_label(fiscal_year + 1)
    )
    return title.replace(f"{fiscal_year}年度", f"{fiscal_year + 1}年度")


def duplicate_values(activity: Activity) -> dict:
    """Form data for "duplicate as new": what a recurring activity keeps from year to year.
    The date, head count, description, attendance and files are the new one's own."""
    return {
        "block": NATIONAL if activity.is_national else str(activity.block_id or ""),
        "host_prefecture": str(activity.host_prefecture_id or ""),
        "host_city": activity.host_city,
        "region_block": str(activity.region_block_id or ""),
        "backers": [a.id for a in activity.backers],
        "category": activity.category.code,
        "kind": activity.kind or "",
        "title": next_year_title(activity.title, activity.fiscal_year),
        "venue": activity.venue,
        "visibility": activity.visibility,
        "organizers": [a.id for a in activity.organizers],
        "participant_agencies": [a.id for a in activity.participant_agencies],
        "measures": [m.id for m in activity.measures],
    }
