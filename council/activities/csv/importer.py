"""Importing the Activity CSV (SPEC "Activity CSV").

Import is all or nothing. Every row is checked first, and a file with any problem is refused
whole, with every problem listed by line and column. Lines are counted the way a text editor
counts them: the header is line 1, and a quoted cell that holds line breaks moves the lines
after it. Only a clean file is written, and the caller commits once.

A row is the same activity as a stored one when block, start and title match. Such a row
updates the activity, or leaves it alone when nothing differs, so importing a file twice
changes nothing the second time. An empty cell of an existing activity means "no
information" and never erases what is stored. A status that would go backwards (実施 → 予定)
keeps the stored status and is reported as a note.
"""

from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council import fiscal
from council.activities.csv.labels import read_header, rejected
from council.activities.csv.rows import ParsedRow, RowChecker, activity_key, check_record
from council.activities.models import NATIONAL, STATUSES, Activity
from council.activities.services import create_activity, update_activity
from council.audit.hooks import set_reason
from council.extensions import db, utc_now
from council.tables.keys import FirstLines
from council.tables.reading import BrokenRecord, csv_records, decode, is_blank
from council.tables.results import ImportSummary, Problem

MAX_ROWS = 10_000
# A stored status may move forward only; a file that says otherwise keeps the stored one.
STATUS_MOVES = {
    "planned": {"planned", "held", "postponed", "cancelled"},
    "postponed": {"postponed", "held", "cancelled", "planned"},
    "held": {"held"},
    "cancelled": {"cancelled"},
}

# --- reading -----------------------------------------------------------------------------


def read_rows(data: bytes, *, actor, check_permissions: bool = True) -> list[ParsedRow]:
    """Every row of the file, validated. Raises ImportRejected listing every problem."""
    text = decode(data)
    checker = RowChecker(actor, check_permissions, fiscal.to_jst(utc_now()).date())
    header = None
    rows: list[ParsedRow] = []
    first_lines = FirstLines()
    count = 0
    try:
        for start, cells in csv_records(text):
            if is_blank(cells):
                continue
            if header is None:
                header = read_header(cells, start)
                continue
            count += 1
            if count > MAX_ROWS:
                checker.problem(start, None, f"一度に取り込めるのは{MAX_ROWS:,}行までです。")
                break
            row = check_record(checker, header, start, cells)
            if row is None:
                continue
            if earlier := first_lines.earlier(row.key, start):
                checker.problem(
                    start,
                    "title",
                    f"{earlier}行目と同じ活動(ブロック・開始日時・件名が同じ)です。",
                )
                continue
            rows.append(row)
    except BrokenRecord as broken:
        checker.problems.append(broken.problem())
    if header is None:
        raise rejected([Problem(None, None, "ファイルが空です。")])
    if count == 0:
        raise rejected([Problem(None, None, "取り込む行がありません(見出し行だけです)。")])
    if checker.problems:
        raise rejected(checker.problems)
    return rows


# --- importing ---------------------------------------------------------------------------


def _existing(rows: list[ParsedRow]) -> dict:
    starts = sorted({r.starts_at.astimezone(UTC) for r in rows})
    found = {}
    for i in range(0, len(starts), 500):
        query = (
            sa.select(Activity)
            .where(Activity.deleted_at.is_(None), Activity.starts_at.in_(starts[i : i + 500]))
            .options(selectinload(Activity.organizers))
        )
        for activity in db.session.scalars(query):
            scope = NATIONAL if activity.is_national else activity.block_id
            found[activity_key(scope, activity.starts_at, activity.title)] = activity
    return found


def _changes(activity: Activity, row: ParsedRow) -> dict:
    """The fields the row would change; empty cells keep what is stored."""
    wanted = {"category_id": row.category.id, "kind": row.kind, "is_all_day": row.is_all_day}
    if row.has_end or row.is_all_day != activity.is_all_day:
        wanted["ends_at"] = row.ends_at
    if row.venue is not None:
        wanted["venue"] = row.venue
    if row.visibility is not None:
        wanted["visibility"] = row.visibility
    if row.participants is not None:
        wanted["participants"] = row.participants
    return {k: v for k, v in wanted.items() if getattr(activity, k) != v}


def _create(row: ParsedRow, actor) -> None:
    """A new activity; an empty cell takes the default the form would offer."""
    create_activity(
        actor=actor,
        block_id=row.block.id if row.block else None,
        is_national=row.is_national,
        category_id=row.category.id,
        kind=row.kind,
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        is_all_day=row.is_all_day,
        venue=row.venue or "",
        status=row.status or "planned",
        visibility=row.visibility or "members",
        participants=row.participants,
        organizers=row.organizers or [],
    )


def _new_organizers(activity: Activity, row: ParsedRow):
    """The row's organizers when they differ from the stored ones, else None (no change)."""
    if row.organizers is None:
        return None
    if {a.id for a in row.organizers} == {a.id for a in activity.organizers}:
        return None
    return row.organizers


def _new_status(activity: Activity, row: ParsedRow, notes: list[Problem]) -> str | None:
    """The row's status when it moves the stored one forward, else None; a backward move is
    kept out and noted."""
    status = row.status
    if status is not None and status not in STATUS_MOVES.get(activity.status, {status}):
        notes.append(
            Problem(
                row.line,
                "status",
                f"登録済みの状態「{activity.status_label}」を「{STATUSES[status]}」には"
                "戻せないため、状態は変更しませんでした。",
            )
        )
        return None
    return None if status == activity.status else status


def _update(activity: Activity, row: ParsedRow, actor, summary: ImportSummary) -> None:
    """Write what the row changes on a stored activity, or count it unchanged."""
    changes = _changes(activity, row)
    organizers = _new_organizers(activity, row)
    status = _new_status(activity, row, summary.notes)
    if not changes and organizers is None and status is None:
        summary.unchanged += 1
        return
    if changes or organizers is not None:
        update_activity(activity, actor=actor, organizers=organizers, **changes)
    if status is not None:
        activity.status = status
        activity.updated_by_id = getattr(actor, "id", None)
    summary.updated += 1


def import_activities(
    data: bytes, *, actor, check_permissions: bool = True, source: str = ""
) -> ImportSummary:
    """Validate the whole file, then create or update its activities. Flushes, never commits.

    `actor` is the user the rules apply to and the changes are attributed to; the command
    line without --as passes None with check_permissions=False (the server's operator).
    Raises ImportRejected, having written nothing, when any row has a problem."""
    rows = read_rows(data, actor=actor, check_permissions=check_permissions)
    set_reason(db.session, f"CSV取り込み {source}".strip())
    existing = _existing(rows)
    summary = ImportSummary(rows=len(rows))
    for row in rows:
        activity = existing.get(row.key)
        if activity is None:
            _create(row, actor)
            summary.created += 1
        else:
            _update(activity, row, actor, summary)
    db.session.flush()
    return summary
