"""One record of the Activity CSV: its cells read, normalised and checked.

RowChecker turns the cells of a record into a ParsedRow, or into Problems that name the line
and the column of each bad cell. council/activities/csv/importer.py reads the file and writes
rows.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from council import fiscal, permissions
from council.activities.csv.labels import (
    COUNCIL_KIND_NAMES,
    HQ_KIND_NAMES,
    STATUS_NAMES,
    VISIBILITY_NAMES,
)
from council.activities.models import NATIONAL, NATIONAL_LABEL, Category
from council.activities.rules import (
    PARTICIPANTS_MAX,
    PT_FIRST_FY,
    TITLE_MAX,
    VENUE_MAX,
    ScheduleError,
    build_schedule,
    check_plausible,
)
from council.cleaning import has_control
from council.directory.models import Agency, Block
from council.extensions import db
from council.tables.cells import unescape_cell
from council.tables.reading import Cells
from council.tables.results import Problem
from council.tables.text import fold, fold_lookalikes

_DATETIME = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


@dataclass
class ParsedRow:
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
    is_national: bool = False

    @property
    def key(self):
        scope = NATIONAL if self.is_national else (self.block.id if self.block else None)
        return activity_key(scope, self.starts_at, self.title)


def activity_key(block_id, starts_at: datetime, title: str):
    """`block_id` is a block id, None (a headquarters meeting) or NATIONAL."""
    return (block_id, starts_at.astimezone(UTC), fold_lookalikes(title))


# --- validating --------------------------------------------------------------------------


class RowChecker:
    """Turns the cells of one record into a ParsedRow, collecting every problem it finds."""

    def __init__(self, actor, check_permissions: bool, today: date):
        self.actor = actor
        self.check_permissions = check_permissions
        self.today = today
        self.blocks: dict[str, Block] = {}
        for block in db.session.scalars(sa.select(Block)):
            self.blocks[fold(block.code)] = block
            self.blocks[fold(block.name)] = block
        self.categories: dict[str, Category] = {}
        for category in db.session.scalars(sa.select(Category)):
            for name in (category.code, category.name, category.short_name):
                if name:
                    self.categories[fold(name)] = category
        self.agencies = {fold(a.name): a for a in db.session.scalars(sa.select(Agency))}
        self.problems: list[Problem] = []

    def problem(self, line, column, message, *, forbidden=False) -> None:
        self.problems.append(Problem(line, column, message, forbidden))

    def row(self, start: int, cells: dict[str, tuple[str, int]]) -> ParsedRow | None:
        before = len(self.problems)
        clean = self._without_nul(cells)

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
        self._check_dates(line_of, schedule, kind, status)
        self._check_permission(clean, line_of, block)
        if len(self.problems) > before or category is None or schedule is None or not title:
            return None
        starts_at, ends_at, is_all_day = schedule
        return ParsedRow(
            line=start,
            block=block if isinstance(block, Block) else None,
            is_national=block == NATIONAL,
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

    def _without_nul(self, cells: dict[str, tuple[str, int]]) -> dict[str, str]:
        """The cells stripped; a cell with a NUL is a problem and left out, since PostgreSQL
        would refuse it."""
        clean: dict[str, str] = {}
        for column, (value, line) in cells.items():
            if "\x00" in value:
                self.problem(line, column, "使用できない文字(NUL)が含まれています。")
            else:
                clean[column] = value.strip()
        return clean

    def _check_dates(self, line_of, schedule, kind, status) -> None:
        """Rules that tie the kind and the status to the date: PT meetings began in FY2007,
        and an activity is held only once its day has come."""
        if schedule and kind == "pt" and fiscal.fiscal_year_of(schedule[0]) < PT_FIRST_FY:
            self.problem(
                line_of("kind"), "kind", "プロジェクトチーム(PT)は平成19年度以降の会議です。"
            )
        if schedule and status == "held" and fiscal.to_jst(schedule[0]).date() > self.today:
            self.problem(
                line_of("status"), "status", "開催日が今日より後の活動は「実施」にできません。"
            )

    def _check_permission(self, clean, line_of, block) -> None:
        """The actor may import rows of the blocks (or headquarters) they may write to only."""
        if "block" in clean and block is not False and self.check_permissions:
            block_id = block.id if isinstance(block, Block) else None
            if not permissions.can_import_activities(self.actor, block_id):
                self.problem(line_of("block"), "block", self._refusal(block), forbidden=True)

    def _refusal(self, block) -> str:
        if block == NATIONAL:
            return (
                "全国の行事(national)を取り込めるのは本府省・システム管理者だけです。"
                "地域ブロックの事務局は全国の行事を登録・編集できません。"
            )
        if block is None:
            return "本府省の会議(ブロック空欄)を取り込めるのは本府省・システム管理者だけです。"
        own = getattr(getattr(self.actor, "block", None), "name", None)
        if own:
            return f"{own}ブロックの事務局は、{block.name}ブロックの行を取り込めません。"
        return f"{block.name}ブロックの行を取り込む権限がありません。"

    def _block(self, clean, line_of):
        """The Block, None for a headquarters meeting, NATIONAL for headquarters' own events,
        or False when unreadable."""
        if "block" not in clean:
            return False
        value = clean["block"]
        if value == "":
            return None
        if fold(value) in (NATIONAL, NATIONAL_LABEL):
            return NATIONAL
        block = self.blocks.get(fold(value))
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
            category = self.categories.get(fold(value))
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
            kind = HQ_KIND_NAMES.get(fold(kind_text))
            if kind is None:
                self.problem(
                    line_of("kind"),
                    "kind",
                    "本府省の会議の種別は wg / pt / tf のいずれかにしてください。",
                )
        elif category.code == "council":
            kind = COUNCIL_KIND_NAMES.get(fold(kind_text))
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
        value = unescape_cell(clean[column])
        if required and not value:
            self.problem(line_of(column), column, f"{label}を入力してください。")
        elif len(value) > limit:
            self.problem(
                line_of(column),
                column,
                f"{label}は{limit}文字以内にしてください(現在{len(value)}文字)。",
            )
        elif has_control(value, multiline=False):
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
        code = names.get(fold(value)) or names.get(value)
        if code is None:
            self.problem(
                line_of(column),
                column,
                f"「{value}」は使えません。{allowed} のいずれかにしてください。",
            )
        return code

    def _participants(self, clean, line_of) -> int | None:
        value = fold(clean.get("participants", "")).replace(",", "")
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
        value = unescape_cell(clean.get("organizers", ""))
        if value == "":
            return None
        found = []
        for name in unicodedata.normalize("NFKC", value).split(";"):
            if not name.strip():
                continue
            agency = self.agencies.get(fold(name))
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
        match = _DATETIME.match(fold(text))
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
        end_text = fold(clean["end"])
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
            self.problem(line_of(column), column, str(error))
            return None


def check_record(
    checker: RowChecker, header: list[str], start: int, cells: Cells
) -> ParsedRow | None:
    """The record as a ParsedRow, or None with a problem when its cells do not fit the header."""
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
