"""The Activity CSV (SPEC "Activity CSV"): reading, validating, importing and exporting it.

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

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from council import fiscal, permissions
from council.activities.csv_labels import HEADERS
from council.activities.csv_rows import (
    COLUMNS,
    FORMULA_START,
    MAX_ROWS,
    STATUS_MOVES,
    ImportRejected,
    ParsedRow,
    Problem,
    RowChecker,
    activity_key,
    check_record,
    read_header,
)
from council.activities.models import (
    COUNCIL_KINDS,
    HQ_KINDS,
    NATIONAL,
    NATIONAL_LABEL,
    STATUSES,
    VISIBILITIES,
    Activity,
)
from council.activities.services import create_activity, update_activity
from council.audit.hooks import set_reason
from council.extensions import db, utc_now

__all__ = [
    "COLUMNS",
    "ImportRejected",
    "ImportSummary",
    "Problem",
    "decode",
    "escape_cell",
    "export_csv",
    "export_query",
    "import_activities",
    "read_rows",
    "template_csv",
]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[Problem] = field(default_factory=list)


# --- reading -----------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, else Shift_JIS (cp932), as Excel saves CSV files."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    "UTF-16 のファイルは読めません。Excelでは「CSV UTF-8(コンマ区切り)」"
                    "または「CSV(コンマ区切り)」で保存してください。",
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRejected(
            [
                Problem(
                    line,
                    None,
                    "文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。",
                )
            ]
        ) from None


class _BrokenRecord(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _records(text: str) -> Iterable[tuple[int, list[tuple[str, int]]]]:
    """(first line, [(cell, line of the cell)]) per record, lines counted as an editor does.
    Raises _BrokenRecord where the CSV syntax breaks (an unclosed quote)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _BrokenRecord(start, str(error)) from None
        line = start
        located = []
        for cell in cells:
            located.append((cell, line))
            line += len(_LINE_BREAK.findall(cell))
        yield start, located


def read_rows(data: bytes, *, actor, check_permissions: bool = True) -> list[ParsedRow]:
    """Every row of the file, validated. Raises ImportRejected listing every problem."""
    text = decode(data)
    checker = RowChecker(actor, check_permissions, fiscal.to_jst(utc_now()).date())
    records = _records(text)
    header = None
    rows: list[ParsedRow] = []
    seen: dict = {}
    count = 0
    try:
        for start, cells in records:
            if all(c.strip() == "" for c, _ in cells):
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
            if row.key in seen:
                checker.problem(
                    start,
                    "title",
                    f"{seen[row.key]}行目と同じ活動(ブロック・開始日時・件名が同じ)です。",
                )
                continue
            seen[row.key] = start
            rows.append(row)
    except _BrokenRecord as broken:
        if "field larger" in broken.reason:
            message = "セルが長すぎます。"
        else:
            message = 'CSVの形式が正しくありません。引用符(")が閉じられているか確認してください。'
        checker.problem(broken.line, None, message)
    if header is None:
        raise ImportRejected([Problem(None, None, "ファイルが空です。")])
    if count == 0:
        raise ImportRejected([Problem(None, None, "取り込む行がありません(見出し行だけです)。")])
    if checker.problems:
        raise ImportRejected(checker.problems)
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
            summary.created += 1
            continue
        changes = _changes(activity, row)
        organizers = None
        if row.organizers is not None and {a.id for a in row.organizers} != {
            a.id for a in activity.organizers
        }:
            organizers = row.organizers
        status = row.status
        if status is not None and status not in STATUS_MOVES.get(activity.status, {status}):
            summary.notes.append(
                Problem(
                    row.line,
                    "status",
                    f"登録済みの状態「{activity.status_label}」を「{STATUSES[status]}」には"
                    "戻せないため、状態は変更しませんでした。",
                )
            )
            status = None
        if status == activity.status:
            status = None
        if not changes and organizers is None and status is None:
            summary.unchanged += 1
            continue
        if changes or organizers is not None:
            update_activity(activity, actor=actor, organizers=organizers, **changes)
        if status is not None:
            activity.status = status
            activity.updated_by_id = getattr(actor, "id", None)
        summary.updated += 1
    db.session.flush()
    return summary


# --- exporting ---------------------------------------------------------------------------


def escape_cell(value):
    """Excel runs a cell that starts with = + - @ as a formula, even from a CSV."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _moment_text(moment: datetime | None, is_all_day: bool) -> str:
    if moment is None:
        return ""
    local = fiscal.to_jst(moment)
    return f"{local:%Y-%m-%d}" if is_all_day else f"{local:%Y-%m-%d %H:%M}"


def export_query(
    user,
    *,
    fiscal_year: int | None = None,
    block_id: int | None = None,
    hq_only: bool = False,
    national_only: bool = False,
):
    """The activities this user may see, oldest first, ready for export_csv().
    hq_only keeps the headquarters meetings (no block)."""
    query = (
        permissions.visible_activities(user)
        .options(
            joinedload(Activity.block),
            joinedload(Activity.category),
            selectinload(Activity.organizers),
        )
        .order_by(Activity.starts_at, Activity.id)
    )
    if fiscal_year is not None:
        query = query.where(Activity.fiscal_year == fiscal_year)
    if block_id is not None:
        query = query.where(Activity.block_id == block_id)
    elif hq_only:
        query = query.where(Activity.block_id.is_(None), Activity.is_national.is_(False))
    elif national_only:
        query = query.where(Activity.is_national.is_(True))
    return query


def _kind_label(a: Activity) -> str:
    if not a.kind:
        return ""
    return (HQ_KINDS if a.block_id is None else COUNCIL_KINDS).get(a.kind, a.kind)


def export_csv(activities: Iterable[Activity], *, labels: bool = False) -> bytes:
    """The Activity CSV in UTF-8 with a BOM (so Excel opens it), CRLF line ends. With
    labels, Japanese headers and the labels shown on screen instead of codes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([HEADERS[c] for c in COLUMNS] if labels else COLUMNS)
    for a in activities:
        if labels:
            coded = (
                NATIONAL_LABEL if a.is_national else (a.block.name if a.block else ""),
                a.category.name,
                _kind_label(a),
                STATUSES[a.status],
                VISIBILITIES[a.visibility],
            )
        else:
            coded = (
                NATIONAL if a.is_national else (a.block.code if a.block else ""),
                a.category.code,
                a.kind or "",
                a.status,
                a.visibility,
            )
        block, category, kind, status, visibility = coded
        writer.writerow(
            escape_cell(cell)
            for cell in (
                block,
                category,
                kind,
                a.title,
                _moment_text(a.starts_at, a.is_all_day),
                _moment_text(a.ends_at, a.is_all_day),
                a.venue or "",
                status,
                visibility,
                "" if a.participants is None else str(a.participants),
                ";".join(o.name for o in a.organizers),
            )
        )
    return out.getvalue().encode("utf-8-sig")


def template_csv() -> bytes:
    """An empty file with the Japanese headers, to fill in Excel."""
    return export_csv([], labels=True)
