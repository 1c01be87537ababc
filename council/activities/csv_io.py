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
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from council import fiscal, permissions
from council.activities.forms import (
    PARTICIPANTS_MAX,
    PT_FIRST_FY,
    TITLE_MAX,
    VENUE_MAX,
    ScheduleError,
    build_schedule,
    check_plausible,
    has_control_chars,
)
from council.activities.models import (
    COUNCIL_KINDS,
    HQ_KINDS,
    STATUSES,
    VISIBILITIES,
    Activity,
    Category,
)
from council.activities.services import create_activity, update_activity
from council.audit.hooks import set_reason
from council.directory.models import Agency, Block
from council.extensions import db, utc_now

COLUMNS = (
    "block",
    "category",
    "kind",
    "title",
    "start",
    "end",
    "venue",
    "status",
    "visibility",
    "participants",
    "organizers",
)
MAX_ROWS = 10_000
# Cells that Excel would run as a formula (RELIABILITY trap 12), plus tab and CR.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

STATUS_NAMES = {**{code: code for code in STATUSES}, **{v: k for k, v in STATUSES.items()}}
VISIBILITY_NAMES = {
    **{code: code for code in VISIBILITIES},
    **{v: k for k, v in VISIBILITIES.items()},
}
COUNCIL_KIND_NAMES = {
    **{code: code for code in COUNCIL_KINDS},
    **{v: k for k, v in COUNCIL_KINDS.items()},
}
HQ_KIND_NAMES = {**{code: code for code in HQ_KINDS}, **{v: k for k, v in HQ_KINDS.items()}}
# A stored status may move forward only; a file that says otherwise keeps the stored one.
STATUS_MOVES = {
    "planned": {"planned", "held", "postponed", "cancelled"},
    "postponed": {"postponed", "held", "cancelled", "planned"},
    "held": {"held"},
    "cancelled": {"cancelled"},
}

_DATETIME = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    message: str
    # The user may not import this row at all (another block's, or a headquarters meeting).
    is_forbidden: bool = False

    def __str__(self) -> str:
        where = f"{self.line}行目" if self.line else "ファイル"
        if self.column:
            where += f" {self.column}列"
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file was refused whole; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems, key=lambda p: (p.line or 0, _column_order(p.column)))

    @property
    def is_forbidden(self) -> bool:
        return any(p.is_forbidden for p in self.problems)


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[Problem] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    block: Block | None
    category: Category
    kind: str | None
    title: str
    starts_at: datetime
    ends_at: datetime | None
    has_end: bool
    is_all_day: bool
    venue: str | None
    status: str | None
    visibility: str | None
    participants: int | None
    organizers: list[Agency] | None

    @property
    def key(self):
        return _key(self.block.id if self.block else None, self.starts_at, self.title)


def _key(block_id, starts_at: datetime, title: str):
    return (block_id, starts_at.astimezone(UTC), title)


def _column_order(column: str | None) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


def _norm(text: str) -> str:
    """Width and case folded, for codes and names typed in Excel (ＰＴ, 　関東 …)."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def _unescape(text: str) -> str:
    """Undo the export's formula guard, so that an exported file imports unchanged."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


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


def _header(cells: list[tuple[str, int]], line: int) -> list[str]:
    names = [_norm(c) for c, _ in cells]
    while names and names[-1] == "":
        names.pop()
    problems = []
    for name in names:
        if name == "":
            problems.append(Problem(line, None, "見出しが空欄の列があります。"))
        elif name not in COLUMNS:
            problems.append(Problem(line, name or None, f"不明な列「{name}」があります。"))
        elif names.count(name) > 1:
            problems.append(Problem(line, name, f"列「{name}」が重複しています。"))
    for name in COLUMNS:
        if name not in names:
            problems.append(Problem(line, name, f"列「{name}」がありません。"))
    if problems:
        expected = ",".join(COLUMNS)
        problems.append(Problem(line, None, f"1行目(見出し)は次の列にしてください: {expected}"))
        raise ImportRejected(list(dict.fromkeys(problems)))
    return names


# --- validating --------------------------------------------------------------------------


class _Checker:
    """Turns the cells of one record into a _Row, collecting every problem it finds."""

    def __init__(self, actor, check_permissions: bool, today: date):
        self.actor = actor
        self.check_permissions = check_permissions
        self.today = today
        self.blocks: dict[str, Block] = {}
        for block in db.session.scalars(sa.select(Block)):
            self.blocks[_norm(block.code)] = block
            self.blocks[_norm(block.name)] = block
        self.categories: dict[str, Category] = {}
        for category in db.session.scalars(sa.select(Category)):
            for name in (category.code, category.name, category.short_name):
                if name:
                    self.categories[_norm(name)] = category
        self.agencies = {_norm(a.name): a for a in db.session.scalars(sa.select(Agency))}
        self.problems: list[Problem] = []

    def problem(self, line, column, message, *, forbidden=False) -> None:
        self.problems.append(Problem(line, column, message, forbidden))

    def row(self, start: int, cells: dict[str, tuple[str, int]]) -> _Row | None:
        before = len(self.problems)
        clean: dict[str, str] = {}
        for column, (value, line) in cells.items():
            if "\x00" in value:
                self.problem(line, column, "使用できない文字(NUL)が含まれています。")
            else:
                clean[column] = value.strip()

        def line_of(column):
            return cells[column][1]

        block = self._block(clean, line_of)
        category, kind = self._category_and_kind(clean, line_of, block)
        title = self._text(clean, line_of, "title", "件名", TITLE_MAX, required=True)
        venue = self._text(clean, line_of, "venue", "会場", VENUE_MAX)
        status = self._choice(
            clean,
            line_of,
            "status",
            STATUS_NAMES,
            "planned / held / cancelled / postponed または 予定 / 実施 / 中止 / 延期",
        )
        visibility = self._choice(
            clean, line_of, "visibility", VISIBILITY_NAMES, "public / members / secretariat"
        )
        participants = self._participants(clean, line_of)
        organizers = self._organizers(clean, line_of)
        schedule = None
        if category is not None:
            schedule = self._schedule(clean, line_of, date_only=category.is_date_only and block)
        if schedule and kind == "pt" and fiscal.fiscal_year_of(schedule[0]) < PT_FIRST_FY:
            self.problem(
                line_of("kind"), "kind", "プロジェクトチーム(PT)は平成19年度以降の会議です。"
            )
        if schedule and status == "held" and fiscal.to_jst(schedule[0]).date() > self.today:
            self.problem(
                line_of("status"), "status", "開催日が今日より後の活動は「実施」にできません。"
            )
        if "block" in clean and block is not False and self.check_permissions:
            block_id = block.id if block else None
            if not permissions.can_import_activities(self.actor, block_id):
                self.problem(line_of("block"), "block", self._refusal(block), forbidden=True)
        if len(self.problems) > before or category is None or schedule is None or not title:
            return None
        starts_at, ends_at, is_all_day = schedule
        return _Row(
            line=start,
            block=block or None,
            category=category,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            has_end=bool(clean.get("end")),
            is_all_day=is_all_day,
            venue=venue or None,
            status=status,
            visibility=visibility,
            participants=participants,
            organizers=organizers,
        )

    def _refusal(self, block: Block | None) -> str:
        if block is None:
            return "本府省の会議(ブロック空欄)を取り込めるのは本府省・システム管理者だけです。"
        own = getattr(getattr(self.actor, "block", None), "name", None)
        if own:
            return f"{own}ブロックの事務局は、{block.name}ブロックの行を取り込めません。"
        return f"{block.name}ブロックの行を取り込む権限がありません。"

    def _block(self, clean, line_of):
        """The Block, None for a headquarters meeting, or False when unreadable."""
        if "block" not in clean:
            return False
        value = clean["block"]
        if value == "":
            return None
        block = self.blocks.get(_norm(value))
        if block is None:
            self.problem(
                line_of("block"),
                "block",
                f"地域ブロック「{value}」は登録されていません(kanto または 関東 のように"
                "コードか名称で入力してください)。",
            )
            return False
        return block

    def _category_and_kind(self, clean, line_of, block):
        if "category" not in clean or "kind" not in clean or block is False:
            return None, None
        value, kind_text = clean["category"], clean["kind"]
        if value == "" and block is None:
            category = next(c for c in self.categories.values() if c.code == "council")
        elif value == "":
            self.problem(line_of("category"), "category", "区分を入力してください。")
            return None, None
        else:
            category = self.categories.get(_norm(value))
            if category is None:
                self.problem(
                    line_of("category"),
                    "category",
                    f"区分「{value}」は登録されていません(briefing または "
                    "補助金等公募説明会の開催 のように入力してください)。",
                )
                return None, None
        kind = None
        if block is None:
            if category.code != "council":
                self.problem(
                    line_of("category"),
                    "category",
                    "本府省の会議(ブロック空欄)の区分は空欄か council にしてください。",
                )
                return None, None
            kind = HQ_KIND_NAMES.get(_norm(kind_text))
            if kind is None:
                self.problem(
                    line_of("kind"),
                    "kind",
                    "本府省の会議の種別は wg / pt / tf のいずれかにしてください。",
                )
        elif category.code == "council":
            kind = COUNCIL_KIND_NAMES.get(_norm(kind_text))
            if kind is None:
                self.problem(
                    line_of("kind"),
                    "kind",
                    "協議会・幹事会の種別は council(協議会)か secretariat(幹事会)にしてください。",
                )
        elif kind_text:
            self.problem(line_of("kind"), "kind", "この区分では種別は空欄にしてください。")
        return category, kind

    def _text(self, clean, line_of, column, label, limit, required=False) -> str | None:
        if column not in clean:
            return None
        value = _unescape(clean[column])
        if required and not value:
            self.problem(line_of(column), column, f"{label}を入力してください。")
        elif len(value) > limit:
            self.problem(
                line_of(column),
                column,
                f"{label}は{limit}文字以内にしてください(現在{len(value)}文字)。",
            )
        elif has_control_chars(value):
            self.problem(
                line_of(column),
                column,
                f"{label}に改行や制御文字は使えません。1行で入力してください。",
            )
        return value

    def _choice(self, clean, line_of, column, names, allowed) -> str | None:
        value = clean.get(column, "")
        if value == "":
            return None
        code = names.get(_norm(value)) or names.get(value)
        if code is None:
            self.problem(
                line_of(column),
                column,
                f"「{value}」は使えません。{allowed} のいずれかにしてください。",
            )
        return code

    def _participants(self, clean, line_of) -> int | None:
        value = _norm(clean.get("participants", "")).replace(",", "")
        if value == "":
            return None
        message = f"参加者数は0以上{PARTICIPANTS_MAX:,}以下の整数で入力してください。"
        if not re.fullmatch(r"-?\d+", value):
            self.problem(line_of("participants"), "participants", message)
            return None
        number = int(value)
        if not 0 <= number <= PARTICIPANTS_MAX:
            self.problem(line_of("participants"), "participants", message)
            return None
        return number

    def _organizers(self, clean, line_of) -> list[Agency] | None:
        value = _unescape(clean.get("organizers", ""))
        if value == "":
            return None
        found = []
        for name in unicodedata.normalize("NFKC", value).split(";"):
            if not name.strip():
                continue
            agency = self.agencies.get(_norm(name))
            if agency is None:
                self.problem(
                    line_of("organizers"),
                    "organizers",
                    f"機関「{name.strip()}」は構成機関名簿にありません。名簿どおりの名称を"
                    "「;」で区切って入力してください。",
                )
            elif agency not in found:
                found.append(agency)
        return found

    def _moment(self, text: str, line: int, column: str):
        """(date, time or None) from 2007-11-28 / 2007/11/28 14:00, or None with a problem."""
        match = _DATETIME.match(_norm(text))
        try:
            if match is None:
                raise ValueError
            year, month, day, hour, minute, _ = match.groups()
            on = date(int(year), int(month), int(day))
            at = time(int(hour), int(minute)) if hour is not None else None
        except ValueError:
            self.problem(
                line,
                column,
                f"「{text}」は日付として読めません。2007-11-28 または 2007-11-28 14:00 の"
                "形式で、実在する日時を入力してください。",
            )
            return None
        message = check_plausible(on)
        if message:
            self.problem(line, column, message)
            return None
        return on, at

    def _schedule(self, clean, line_of, *, date_only: bool):
        if "start" not in clean or "end" not in clean:
            return None
        if clean["start"] == "":
            self.problem(line_of("start"), "start", "開始日を入力してください。")
            return None
        start = self._moment(clean["start"], line_of("start"), "start")
        end_text = _norm(clean["end"])
        end = (None, None)
        if end_text and (match := _TIME.match(end_text)) and start and start[1] is not None:
            # "16:00" alone: the same day as the start.
            try:
                end = (None, time(int(match[1]), int(match[2])))
            except ValueError:
                end = None
                self.problem(line_of("end"), "end", f"「{clean['end']}」は時刻として読めません。")
        elif end_text:
            end = self._moment(clean["end"], line_of("end"), "end")
        if start is None or end is None:
            return None
        try:
            return build_schedule(start[0], start[1], end[0], end[1], date_only=bool(date_only))
        except ScheduleError as error:
            column = "start" if error.field.startswith("start") else "end"
            self.problem(line_of(column), column, error.message)
            return None


def _row(checker: _Checker, header: list[str], start: int, cells) -> _Row | None:
    if len(cells) < len(header):
        checker.problem(
            start, None, f"列の数が足りません({len(header)}列必要なところ{len(cells)}列です)。"
        )
        return None
    if any(c.strip() for c, _ in cells[len(header) :]):
        checker.problem(
            start, None, f"列の数が多すぎます({len(header)}列のところ{len(cells)}列です)。"
        )
        return None
    return checker.row(start, dict(zip(header, cells, strict=False)))


def read_rows(data: bytes, *, actor, check_permissions: bool = True) -> list[_Row]:
    """Every row of the file, validated. Raises ImportRejected listing every problem."""
    text = decode(data)
    checker = _Checker(actor, check_permissions, fiscal.to_jst(utc_now()).date())
    records = _records(text)
    header = None
    rows: list[_Row] = []
    seen: dict = {}
    count = 0
    try:
        for start, cells in records:
            if all(c.strip() == "" for c, _ in cells):
                continue
            if header is None:
                header = _header(cells, start)
                continue
            count += 1
            if count > MAX_ROWS:
                checker.problem(start, None, f"一度に取り込めるのは{MAX_ROWS:,}行までです。")
                break
            row = _row(checker, header, start, cells)
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


def _existing(rows: list[_Row]) -> dict:
    starts = sorted({r.starts_at.astimezone(UTC) for r in rows})
    found = {}
    for i in range(0, len(starts), 500):
        query = (
            sa.select(Activity)
            .where(Activity.deleted_at.is_(None), Activity.starts_at.in_(starts[i : i + 500]))
            .options(selectinload(Activity.organizers))
        )
        for activity in db.session.scalars(query):
            found[_key(activity.block_id, activity.starts_at, activity.title)] = activity
    return found


def _changes(activity: Activity, row: _Row) -> dict:
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
    user, *, fiscal_year: int | None = None, block_id: int | None = None, hq_only: bool = False
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
        query = query.where(Activity.block_id.is_(None))
    return query


def export_csv(activities: Iterable[Activity]) -> bytes:
    """The Activity CSV in UTF-8 with a BOM (so Excel opens it), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for a in activities:
        writer.writerow(
            escape_cell(cell)
            for cell in (
                a.block.code if a.block else "",
                a.category.code,
                a.kind or "",
                a.title,
                _moment_text(a.starts_at, a.is_all_day),
                _moment_text(a.ends_at, a.is_all_day),
                a.venue or "",
                a.status,
                a.visibility,
                "" if a.participants is None else str(a.participants),
                ";".join(o.name for o in a.organizers),
            )
        )
    return out.getvalue().encode("utf-8-sig")
