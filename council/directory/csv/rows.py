"""One row of the Directory CSV: its cells read and checked, every problem collected."""

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from council import permissions
from council.cleaning import CONTROL_TEXT
from council.directory.csv.exporter import (
    COLUMNS,
    FORMULA_START,
    JAPANESE_HEADERS,
    MAX_LENGTH,
    REQUIRED,
)
from council.directory.models import AGENCY_KINDS, MINISTRY_KINDS, Block, Ministry
from council.extensions import db
from council.reference.models import Prefecture
from council.tables.cells import unescape_cell
from council.tables.results import ImportRejected, Problem

MAX_ROWS = 10_000
TRUE_WORDS = {"1", "true", "yes", "y", "はい", "○", "◯", "事務局"}
FALSE_WORDS = {"", "0", "false", "no", "n", "いいえ"}
KIND_WORDS = {**{code: code for code in AGENCY_KINDS}, **{v: k for k, v in AGENCY_KINDS.items()}}
KIND_WORDS["その他"] = "other"
ERA_BASE = {"平成": 1988, "令和": 2018}
_ERA_FY = re.compile(r"^(平成|令和)(元|\d{1,2})年?度?$")
_YEAR_FY = re.compile(r"^(\d{4})年?度?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
CONTACT_KEYS = ("contact_name", "contact_title", "contact_email", "contact_phone")


def rejected(problems: list[Problem]) -> ImportRejected:
    """The file refused, its problems in line and column order."""
    return ImportRejected(problems, COLUMNS)


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


def _fiscal_year(text: str) -> int | None:
    text = text.replace(" ", "").replace("\u3000", "")
    if match := _YEAR_FY.match(text):
        return int(match.group(1))
    if match := _ERA_FY.match(text):
        n = 1 if match.group(2) == "元" else int(match.group(2))
        return ERA_BASE[match.group(1)] + n
    return None


class RowReader:
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
        values = self._values(line, cells, columns)
        before = len(self.problems)
        block = self._block(line, values)
        if not values["agency"]:
            self.problem(line, "agency", "機関名を入力してください。")
        kind, ministry = self._kind_and_ministry(line, values)
        prefecture = self._prefecture(line, values)
        first_fy, last_fy = self._years(line, values, block)
        secretariat = self._secretariat(line, values)
        contact = self._contact(line, values)
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

    def _values(self, line: int, cells: list[str], columns: dict[str, int]) -> dict[str, str]:
        """Each column's cell stripped, the export's formula guard undone; control characters
        and overlong cells are problems (the row is still read, to find the others)."""
        values = {}
        for key, index in columns.items():
            value = cells[index].strip() if index < len(cells) else ""
            value = unescape_cell(value, FORMULA_START)
            if CONTROL_TEXT.search(value):
                self.problem(line, key, "使用できない制御文字が含まれています。")
                value = CONTROL_TEXT.sub("", value)
            if key in MAX_LENGTH and len(value) > MAX_LENGTH[key]:
                self.problem(line, key, f"{MAX_LENGTH[key]}文字以内で入力してください。")
            values[key] = value
        return values

    def _block(self, line: int, values: dict[str, str]) -> Block | None:
        """The row's block, which the user must maintain; only those who manage the whole
        directory may leave it empty (an agency with no seat)."""
        if not values["block"]:
            if not permissions.can_manage_all_directory(self.actor):
                self.problem(line, "block", "ブロックを入力してください。")
            return None
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
        return block

    def _kind_and_ministry(self, line: int, values: dict[str, str]):
        """The kind (code or label) and the ministry, which branch offices and IAAs need."""
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
        return kind, ministry

    def _prefecture(self, line: int, values: dict[str, str]) -> Prefecture | None:
        if not values.get("prefecture"):
            return None
        prefecture = self.prefectures.get(values["prefecture"])
        if prefecture is None:
            self.problem(
                line,
                "prefecture",
                f"都道府県「{values['prefecture']}」はありません"
                "(JISコード 01〜47 か、東京都のような名称で入力してください)。",
            )
        return prefecture

    def _years(self, line: int, values: dict[str, str], block: Block | None):
        """The membership's first and last fiscal year; a row without a block has none."""
        first_fy = last_fy = None
        if block is not None or values["block"]:
            first_fy = self._year(line, "first_fy", values["first_fy"], required=True)
            if "last_fy" in values and values["last_fy"]:
                last_fy = self._year(line, "last_fy", values["last_fy"], required=False)
            if first_fy and last_fy and last_fy < first_fy:
                self.problem(line, "last_fy", "参加終了年度は参加開始年度以降にしてください。")
        elif values["first_fy"] or values.get("last_fy"):
            self.problem(line, "first_fy", "ブロックのない行には参加年度を入力できません。")
        return first_fy, last_fy

    def _secretariat(self, line: int, values: dict[str, str]) -> bool | None:
        """True or False when the file has the column, None (keep what is stored) when not."""
        if "secretariat" not in values:
            return None
        word = values["secretariat"].lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.problem(line, "secretariat", "事務局は 1(事務局)か 0 で入力してください。")
        return None

    def _contact(self, line: int, values: dict[str, str]) -> tuple | None:
        """(name, title, e-mail, phone) when the row names a contact, else None."""
        if not any(values.get(k) for k in CONTACT_KEYS):
            return None
        if not values.get("contact_name"):
            self.problem(line, "contact_name", "担当者の氏名を入力してください。")
        email = values.get("contact_email", "")
        if email and not _EMAIL.match(email):
            self.problem(line, "contact_email", "メールアドレスの形式が正しくありません。")
        return tuple(values.get(k) for k in CONTACT_KEYS)

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
