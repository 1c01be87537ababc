"""Minutes: the reads their pages need (who has answered, who may own an action item, the
heading of the printed record, a revision by number)."""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from council import fiscal
from council.activities.models import Activity
from council.directory.models import Agency, Membership
from council.extensions import db
from council.minutes.models import Minutes, MinutesResponse, MinutesRevision


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


def get_revision(minutes: Minutes, number: int) -> MinutesRevision | None:
    return next((r for r in minutes.revisions if r.number == number), None)
