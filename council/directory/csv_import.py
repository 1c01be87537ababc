"""Directory CSV import: read and check a file (see csv_export for the format).

An import is all or nothing: parse() refuses a file with any problem, listing every problem
(line, column, message; lines counted as a text editor counts them, the header being line 1),
and services.import_directory() then writes only what differs, so that importing the same
file twice changes nothing the second time.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council import permissions
from council.directory.csv_export import (
    COLUMNS,
    FORMULA_START,
    JAPANESE_HEADERS,
    MAX_LENGTH,
    REQUIRED,
)
from council.directory.models import AGENCY_KINDS, MINISTRY_KINDS, Agency, Block, Ministry
from council.extensions import db
from council.reference.models import Prefecture

MAX_ROWS = 10_000
TRUE_WORDS = {"1", "true", "yes", "y", "はい", "○", "◯", "事務局"}
FALSE_WORDS = {"", "0", "false", "no", "n", "いいえ"}
KIND_WORDS = {**{code: code for code in AGENCY_KINDS}, **{v: k for k, v in AGENCY_KINDS.items()}}
KIND_WORDS["その他"] = "other"
ERA_BASE = {"平成": 1988, "令和": 2018}
_ERA_FY = re.compile(r"^(平成|令和)(元|\d{1,2})年?度?$")
_YEAR_FY = re.compile(r"^(\d{4})年?度?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass
class Problem:
    line: int
    column: str
    message: str
    is_permission: bool = False


class ImportRefused(Exception):
    """The file was not imported; `problems` lists why, by line and column."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems, key=_problem_order)

    @property
    def is_permission(self) -> bool:
        return any(p.is_permission for p in self.problems)


def _problem_order(problem: Problem) -> tuple[int, int]:
    column = COLUMNS.index(problem.column) if problem.column in COLUMNS else -1
    return problem.line, column


@dataclass
class ImportResult:
    agencies_created: int = 0
    agencies_updated: int = 0
    memberships_created: int = 0
    memberships_updated: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0

    @property
    def changed(self) -> int:
        return sum(vars(self).values())


@dataclass
class Row:
    line: int
    block: Block | None
    agency: str
    ministry: Ministry | None
    kind: str | None
    city: str | None
    first_fy: int | None
    last_fy: int | None
    secretariat: bool | None
    # (name, title, e-mail, phone); None where the file has no such column.
    contact: tuple | None
    present: set = field(default_factory=set)
    # The membership's last fiscal year once the file is applied (None: still a member).
    effective_last_fy: int | None = None
    # Its prefecture (from a JIS code or a name), when the file has the column.
    prefecture: Prefecture | None = None


def decode(data: bytes) -> str | None:
    """UTF-8 with or without BOM, else Shift_JIS (cp932) as Excel saves it; None if neither."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(line where the record starts, cells), counting lines as a text editor does."""
    reader = csv.reader(io.StringIO(text, newline=""))
    previous = 0
    for cells in reader:
        start = previous + 1
        previous = reader.line_num
        yield start, cells


def _fiscal_year(text: str) -> int | None:
    text = text.replace(" ", "").replace("\u3000", "")
    if match := _YEAR_FY.match(text):
        return int(match.group(1))
    if match := _ERA_FY.match(text):
        n = 1 if match.group(2) == "元" else int(match.group(2))
        return ERA_BASE[match.group(1)] + n
    return None


class _Reader:
    """Turns the cells of the file into Rows, collecting every problem on the way."""

    def __init__(self, actor):
        self.actor = actor
        self.problems: list[Problem] = []
        blocks = db.session.scalars(sa.select(Block)).all()
        self.blocks = {b.code: b for b in blocks} | {b.name: b for b in blocks}
        self.blocks |= {f"{b.name}ブロック": b for b in blocks}
        self.ministries = {m.name: m for m in db.session.scalars(sa.select(Ministry))}
        self.prefectures: dict[str, Prefecture] = {}
        for p in db.session.scalars(sa.select(Prefecture)):
            # "13", "13" written as 13 by a spreadsheet, or the name.
            self.prefectures |= {p.code: p, str(int(p.code)): p, p.name: p}

    def problem(self, line: int, column: str, message: str, *, permission: bool = False):
        self.problems.append(Problem(line, column, message, permission))

    def header(self, cells: list[str]) -> dict[str, int] | None:
        columns: dict[str, int] = {}
        for index, raw in enumerate(cells):
            name = raw.strip().lstrip("\ufeff")
            key = JAPANESE_HEADERS.get(name, name.lower())
            if not key:
                continue
            if key not in COLUMNS:
                self.problem(1, name, f"不明な列「{name}」です。列名は {', '.join(COLUMNS)} です。")
            elif key in columns:
                self.problem(1, key, f"列「{name}」が2回あります。")
            else:
                columns[key] = index
        for key in REQUIRED:
            if key not in columns:
                self.problem(1, key, f"必須の列「{key}」がありません。")
        return None if self.problems else columns

    def row(self, line: int, cells: list[str], columns: dict[str, int]) -> Row | None:
        values = {}
        for key, index in columns.items():
            value = cells[index].strip() if index < len(cells) else ""
            # Our export quotes cells that a spreadsheet would take for a formula.
            if value.startswith("'") and value[1:].startswith(FORMULA_START):
                value = value[1:]
            if _CONTROL.search(value):
                self.problem(line, key, "使用できない制御文字が含まれています。")
                value = _CONTROL.sub("", value)
            if key in MAX_LENGTH and len(value) > MAX_LENGTH[key]:
                self.problem(line, key, f"{MAX_LENGTH[key]}文字以内で入力してください。")
            values[key] = value
        before = len(self.problems)

        block = None
        if values["block"]:
            block = self.blocks.get(values["block"])
            if block is None:
                self.problem(line, "block", f"ブロック「{values['block']}」はありません。")
            elif not permissions.can_manage_block_directory(self.actor, block.id):
                self.problem(
                    line,
                    "block",
                    f"{block.name}ブロックの名簿を変更する権限がありません。",
                    permission=True,
                )
        elif not permissions.can_manage_all_directory(self.actor):
            self.problem(line, "block", "ブロックを入力してください。")
        if not values["agency"]:
            self.problem(line, "agency", "機関名を入力してください。")
        kind = KIND_WORDS.get(values["kind"])
        if kind is None:
            self.problem(
                line,
                "kind",
                "種別は "
                + " / ".join(AGENCY_KINDS.values())
                + "(またはそのコード)で入力してください。",
            )
        ministry = self.ministries.get(values["ministry"])
        if values["ministry"] and ministry is None:
            self.problem(line, "ministry", f"府省「{values['ministry']}」はありません。")
        elif ministry is None and kind in MINISTRY_KINDS:
            self.problem(line, "ministry", "この種別の機関には府省を入力してください。")
        prefecture = None
        if values.get("prefecture"):
            prefecture = self.prefectures.get(values["prefecture"])
            if prefecture is None:
                self.problem(
                    line,
                    "prefecture",
                    f"都道府県「{values['prefecture']}」はありません"
                    "(JISコード 01〜47 か、東京都のような名称で入力してください)。",
                )
        first_fy = last_fy = None
        if block is not None or values["block"]:
            first_fy = self._year(line, "first_fy", values["first_fy"], required=True)
            if "last_fy" in values and values["last_fy"]:
                last_fy = self._year(line, "last_fy", values["last_fy"], required=False)
            if first_fy and last_fy and last_fy < first_fy:
                self.problem(line, "last_fy", "参加終了年度は参加開始年度以降にしてください。")
        elif values["first_fy"] or values.get("last_fy"):
            self.problem(line, "first_fy", "ブロックのない行には参加年度を入力できません。")
        secretariat = None
        if "secretariat" in values:
            word = values["secretariat"].lower()
            if word in TRUE_WORDS:
                secretariat = True
            elif word in FALSE_WORDS:
                secretariat = False
            else:
                self.problem(line, "secretariat", "事務局は 1(事務局)か 0 で入力してください。")
        contact = None
        contact_keys = ("contact_name", "contact_title", "contact_email", "contact_phone")
        if any(values.get(k) for k in contact_keys):
            if not values.get("contact_name"):
                self.problem(line, "contact_name", "担当者の氏名を入力してください。")
            email = values.get("contact_email", "")
            if email and not _EMAIL.match(email):
                self.problem(line, "contact_email", "メールアドレスの形式が正しくありません。")
            contact = tuple(values.get(k) for k in contact_keys)
        if len(self.problems) > before:
            return None
        return Row(
            line=line,
            block=block,
            agency=values["agency"],
            ministry=ministry,
            kind=kind,
            city=values.get("city"),
            first_fy=first_fy,
            last_fy=last_fy,
            secretariat=secretariat,
            contact=contact,
            present=set(values),
            prefecture=prefecture,
        )

    def _year(self, line: int, column: str, text: str, *, required: bool) -> int | None:
        if not text:
            if required:
                self.problem(line, column, "年度を入力してください(例: 2007 または 平成19年度)。")
            return None
        year = _fiscal_year(text)
        if year is None or not 1989 <= year <= 2100:
            self.problem(
                line, column, f"年度「{text}」を読み取れません(例: 2007 または 平成19年度)。"
            )
            return None
        return year


def parse(data: bytes, actor) -> list[Row]:
    """Read and check the file for `actor`; raises ImportRefused listing every problem."""
    text = decode(data)
    if text is None:
        raise ImportRefused(
            [
                Problem(
                    1, "", "文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。"
                )
            ]
        )
    reader = _Reader(actor)
    records = iter(_records(text))
    first = next(records, None)
    if first is None:
        raise ImportRefused([Problem(1, "", "ファイルが空です。")])
    columns = reader.header(first[1])
    if columns is None:
        raise ImportRefused(reader.problems)
    rows: list[Row] = []
    for count, (line, cells) in enumerate(records, start=1):
        if count > MAX_ROWS:
            reader.problem(line, "", f"一度に取り込める行数は{MAX_ROWS:,}行までです。")
            break
        if not any(c.strip() for c in cells):
            continue
        row = reader.row(line, cells, columns)
        if row is not None:
            rows.append(row)
    if not rows and not reader.problems:
        reader.problem(2, "", "データ行がありません。")
    _check_consistency(rows, reader)
    _check_against_directory(rows, reader, actor)
    if reader.problems:
        raise ImportRefused(reader.problems)
    return rows


def _check_consistency(rows: list[Row], reader: _Reader) -> None:
    """Rows of the same agency, membership or contact must say the same thing."""
    agencies: dict[str, Row] = {}
    memberships: dict[tuple, Row] = {}
    contacts: dict[tuple, Row] = {}
    for row in rows:
        first = agencies.setdefault(row.agency, row)
        for column, attr in (
            ("ministry", "ministry"),
            ("kind", "kind"),
            ("city", "city"),
            ("prefecture", "prefecture"),
        ):
            if getattr(row, attr) != getattr(first, attr):
                reader.problem(
                    row.line, column, f"同じ機関の{first.line}行目と{column}の値が異なります。"
                )
        if row.block is not None:
            key = (row.agency, row.block.id, row.first_fy)
            first = memberships.setdefault(key, row)
            if (row.last_fy, row.secretariat) != (first.last_fy, first.secretariat):
                reader.problem(
                    row.line,
                    "last_fy",
                    f"同じ参加期間の{first.line}行目と last_fy / secretariat の値が異なります。",
                )
        if row.contact is not None:
            key = (row.agency, row.contact[0])
            first = contacts.setdefault(key, row)
            if row.contact != first.contact:
                reader.problem(
                    row.line,
                    "contact_name",
                    f"同じ担当者の{first.line}行目と役職・メール・電話が異なります。",
                )


def _check_against_directory(rows: list[Row], reader: _Reader, actor) -> None:
    """Periods must not overlap; only the admin designates a secretariat; agencies outside
    the user's block are changed only by those who manage them."""
    names = {row.agency for row in rows}
    existing = {
        a.name: a
        for a in db.session.scalars(
            sa.select(Agency)
            .where(Agency.name.in_(names))
            .options(selectinload(Agency.memberships), selectinload(Agency.contacts))
        )
    }
    admin = permissions.can_manage_all_directory(actor)
    # Resulting periods per (agency, block): {first_fy: (last_fy, line or None)}
    periods: dict[tuple, dict[int, tuple]] = {}
    for agency in existing.values():
        for m in agency.memberships:
            periods.setdefault((agency.name, m.block_id), {})[m.first_fy] = (m.last_fy, None)
    seen = set()
    for row in rows:
        if row.block is None:
            continue
        key = (row.agency, row.block.id, row.first_fy)
        if key in seen:
            continue
        seen.add(key)
        agency = existing.get(row.agency)
        current = None
        if agency is not None:
            current = next(
                (
                    m
                    for m in agency.memberships
                    if m.block_id == row.block.id and m.first_fy == row.first_fy
                ),
                None,
            )
        last_fy = (
            row.last_fy if "last_fy" in row.present else (current.last_fy if current else None)
        )
        was_secretariat = current.is_secretariat if current else False
        secretariat = row.secretariat if row.secretariat is not None else was_secretariat
        if secretariat != was_secretariat and not admin:
            reader.problem(
                row.line,
                "secretariat",
                "事務局の指定はシステム管理者のみ変更できます。",
                permission=True,
            )
        if secretariat and last_fy is not None:
            reader.problem(row.line, "last_fy", "事務局を務める機関の参加は終了できません。")
        periods.setdefault((row.agency, row.block.id), {})[row.first_fy] = (last_fy, row.line)
        for other in rows:
            if (other.agency, other.block, other.first_fy) == (row.agency, row.block, row.first_fy):
                other.effective_last_fy = last_fy
    for (_name, _block_id), spans in periods.items():
        ordered = sorted(spans.items())
        for (_first_a, (last_a, line_a)), (first_b, (_last_b, line_b)) in zip(
            ordered, ordered[1:], strict=False
        ):
            if last_a is None or last_a >= first_b:
                line = line_b or line_a
                if line is not None:
                    reader.problem(line, "first_fy", "同じブロックの別の参加期間と重なります。")
    for name, agency in existing.items():
        agency_rows = [r for r in rows if r.agency == name]
        if permissions.can_manage_agency(actor, agency):
            continue
        if any(r.block is not None and r.effective_last_fy is None for r in agency_rows):
            # The file seats it on the user's own block: it becomes theirs to maintain, as
            # when they add it to their roster on the block page and then edit it.
            continue
        for row in agency_rows:
            if _changes_agency(row, agency):
                reader.problem(
                    row.line,
                    "agency",
                    f"{name}の情報を変更する権限がありません。",
                    permission=True,
                )
                break


def _prefecture_id(row: Row) -> int | None:
    return row.prefecture.id if row.prefecture is not None else None


def _changes_agency(row: Row, agency: Agency) -> bool:
    ministry_id = row.ministry.id if row.ministry is not None else None
    if (ministry_id, row.kind) != (agency.ministry_id, agency.kind):
        return True
    if "city" in row.present and row.city != agency.city:
        return True
    if "prefecture" in row.present and _prefecture_id(row) != agency.prefecture_id:
        return True
    if row.contact is not None:
        match = next((c for c in agency.contacts if c.name == row.contact[0]), None)
        if match is None:
            return True
        current = (match.title, match.email, match.phone)
        if any(
            new is not None and new != old
            for new, old in zip(row.contact[1:], current, strict=True)
        ):
            return True
    return False
