"""Reading a funding file (CSV in UTF-8/Shift_JIS, or XLSX) into checked rows.

All or nothing: every row is checked first and any problem refuses the whole file, with
every problem listed by line (the header is line 1, as a text editor or Excel counts) and
column. Codes or Japanese names are accepted wherever a reference list is named.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from council import fiscal
from council.analysis.funding.models import KINDS
from council.cleaning import CONTROL_TEXT
from council.directory.models import Block, Ministry
from council.extensions import db
from council.measures.models import Measure
from council.portal.models.registers import Theme
from council.reference.models import Prefecture, ResearchField
from council.tables.keys import FirstLines
from council.tables.reading import is_blank, read_records
from council.tables.results import ImportRejected, Problem
from council.tables.text import column_names, fold

# column code -> (Japanese header, required)
COLUMNS = {
    "fiscal_year": ("年度", True),
    "kind": ("区分", True),
    "ministry": ("府省", True),
    "measure": ("施策", False),
    "block": ("ブロック", True),
    "prefecture": ("都道府県", False),
    "field": ("研究分野", True),
    "title": ("案件名", True),
    "amount": ("金額(百万円)", True),
    "theme_id": ("研究テーマID", False),
}
MAX_ROWS = 50_000
MAX_AMOUNT = Decimal("9999999999.9")
ERA_YEAR = re.compile(r"^(平成|令和|H|R)(\d+|元)年?度?$")
ERA_BASE = {"平成": 1988, "H": 1988, "令和": 2018, "R": 2018}


@dataclass(frozen=True)
class FundingRow:
    line: int
    fiscal_year: int
    kind: str
    ministry_id: int
    measure_id: int | None
    block_id: int
    prefecture_id: int | None
    field_id: int
    title: str
    amount_tenths: int
    theme_id: int | None

    @property
    def key(self) -> tuple:
        return (self.fiscal_year, self.kind, self.ministry_id, self.block_id, self.title)


def parse_fiscal_year(text: str) -> int | None:
    """2007, 2007年度, 平成19年度, H19: the Western year the fiscal year starts in."""
    value = fold(text).upper().replace("年度", "")
    value = value.replace("(", "").replace(")", "")
    if value.isdigit():
        return int(value)
    match = ERA_YEAR.match(unicodedata.normalize("NFKC", text or "").strip())
    if match:
        n = 1 if match.group(2) == "元" else int(match.group(2))
        return ERA_BASE[match.group(1)] + n
    return None


def parse_amount(text: str) -> Decimal | None:
    """1,234.5 (half or full width) → Decimal('1234.5'); None when it is not a number."""
    value = fold(text).replace(",", "").replace("、", "")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


class Lookups:
    """Every reference list the rows name, loaded once per file."""

    def __init__(self):
        self.blocks = {}
        for b in db.session.scalars(sa.select(Block)):
            self.blocks[fold(b.code)] = self.blocks[fold(b.name)] = b
        self.fields = {}
        for f in db.session.scalars(sa.select(ResearchField)):
            self.fields[fold(f.code)] = self.fields[fold(f.name)] = f
        self.ministries = {fold(m.name): m for m in db.session.scalars(sa.select(Ministry))}
        self.measures = {fold(m.name): m for m in db.session.scalars(sa.select(Measure))}
        self.prefectures = {}
        for p in db.session.scalars(sa.select(Prefecture)):
            self.prefectures[fold(p.code)] = self.prefectures[fold(p.name)] = p
            self.prefectures[str(p.id)] = p
        self.kinds = {}
        for code, label in KINDS.items():
            self.kinds[fold(code)] = self.kinds[fold(label)] = code


_COLUMN_NAMES = column_names(
    {code: label for code, (label, _) in COLUMNS.items()},
    {label.split("(")[0]: code for code, (label, _) in COLUMNS.items()},
)


def _header(cells: list[str], line: int) -> dict[str, int]:
    index, problems = {}, []
    for i, cell in enumerate(cells):
        code = _COLUMN_NAMES.get(fold(cell))
        if code is None and cell.strip():
            problems.append(Problem(line, cell.strip()[:40], "この列名は使えません。"))
        elif code is not None:
            index[code] = i
    missing = [COLUMNS[c][0] for c, (_, req) in COLUMNS.items() if req and c not in index]
    if missing:
        problems.append(Problem(line, None, "必要な列がありません: " + "、".join(missing)))
    if problems:
        raise ImportRejected(problems)
    return index


# --- checking rows -----------------------------------------------------------------------


class _RowCheck:
    """One row's cells turned into references, every problem noted against the row's line and
    the column's Japanese header."""

    def __init__(self, line: int, cell: dict[str, str], look: Lookups, problems: list):
        self.line = line
        self.cell = cell
        self.look = look
        self.problems = problems

    def bad(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, COLUMNS[column][0], message))

    def given(self, column: str) -> str:
        """The cell's text without surrounding blanks ("" when empty or absent)."""
        return self.cell.get(column, "").strip()

    def has_control(self) -> bool:
        found = False
        for column, value in self.cell.items():
            if CONTROL_TEXT.search(value):
                self.bad(column, "使用できない制御文字が含まれています。")
                found = True
        return found

    def required(self) -> None:
        for column, (label, required) in COLUMNS.items():
            if required and not self.given(column):
                self.bad(column, f"{label}を入力してください。")

    def fiscal_year(self) -> int | None:
        if not self.given("fiscal_year"):
            return None
        fy = parse_fiscal_year(self.cell["fiscal_year"])
        if fy is None or not fiscal.FIRST_YEAR <= fy <= fiscal.LAST_YEAR:
            self.bad(
                "fiscal_year",
                f"年度は{fiscal.FIRST_YEAR}〜{fiscal.LAST_YEAR}の西暦(例: 2007)または平成19年度の形で入力してください。",
            )
        return fy

    def named(self, column: str, names: dict, message: str):
        """The reference a cell names by code or name; `message` (formatted with the text) when
        it names none."""
        found = names.get(fold(self.cell.get(column, "")))
        if self.given(column) and found is None:
            self.bad(column, message.format(self.given(column)))
        return found

    def measure(self, ministry: Ministry | None) -> Measure | None:
        """The measure, which must be the ministry's own."""
        if not self.given("measure"):
            return None
        measure = self.named("measure", self.look.measures, "施策「{}」は施策一覧にありません。")
        if measure is not None and ministry is not None and measure.ministry_id != ministry.id:
            self.bad("measure", f"施策「{measure.name}」は{ministry.name}の施策ではありません。")
        return measure

    def prefecture(self, block: Block | None) -> Prefecture | None:
        """The prefecture by JIS code (1 or 01) or name, which must lie in the row's block."""
        if not self.given("prefecture"):
            return None
        raw = fold(self.cell["prefecture"])
        prefecture = self.look.prefectures.get(raw.zfill(2) if raw.isdigit() else raw)
        if prefecture is None:
            self.bad("prefecture", f"都道府県「{self.given('prefecture')}」はありません。")
        elif block is not None and prefecture.block_id != block.id:
            self.bad(
                "prefecture", f"{prefecture.name}は{block.name}ブロックの都道府県ではありません。"
            )
        return prefecture

    def amount(self) -> Decimal | None:
        """Millions of yen, one decimal place at most."""
        if not self.given("amount"):
            return None
        amount = parse_amount(self.cell["amount"])
        if amount is None:
            self.bad("amount", "金額は百万円単位の数値(例: 1,234.5)で入力してください。")
        elif amount < 0:
            self.bad("amount", "金額に負の値は入力できません。")
        elif amount != amount.quantize(Decimal("0.1")):
            self.bad("amount", "金額は小数第1位まで(百万円単位)で入力してください。")
        elif amount > MAX_AMOUNT:
            self.bad("amount", "金額が大きすぎます。")
        return amount

    def theme_id(self) -> int | None:
        if not self.given("theme_id"):
            return None
        raw = fold(self.cell["theme_id"])
        if raw.isdigit() and 0 < int(raw) < 2**31:
            return int(raw)
        self.bad("theme_id", "研究テーマIDは正の整数で入力してください。")
        return None


def _check(line: int, cell: dict[str, str], look: Lookups, problems: list) -> FundingRow | None:
    before = len(problems)
    check = _RowCheck(line, cell, look, problems)
    if check.has_control():
        return None
    check.required()
    fy = check.fiscal_year()
    kind = check.named(
        "kind",
        look.kinds,
        "区分は「大型プロジェクト」または「研究開発助成事業」(large/grant)です。",
    )
    ministry = check.named("ministry", look.ministries, "府省「{}」は登録されていません。")
    measure = check.measure(ministry)
    block = check.named("block", look.blocks, "ブロック「{}」はありません。")
    prefecture = check.prefecture(block)
    field = check.named("field", look.fields, "研究分野「{}」はありません。")
    title = cell["title"].strip()
    if len(title) > 200:
        check.bad("title", "案件名は200文字以内で入力してください。")
    amount = check.amount()
    theme_id = check.theme_id()
    if len(problems) > before:
        return None
    return FundingRow(
        line=line,
        fiscal_year=fy,
        kind=kind,
        ministry_id=ministry.id,
        measure_id=measure.id if measure else None,
        block_id=block.id,
        prefecture_id=prefecture.id if prefecture else None,
        field_id=field.id,
        title=title,
        amount_tenths=int(amount * 10),
        theme_id=theme_id,
    )


def unknown_themes(rows: list[FundingRow]) -> list[Problem]:
    """A problem for each row that names a theme id the portal's register does not hold."""
    named = {r.theme_id for r in rows if r.theme_id is not None}
    known: set[int] = set()
    ids = sorted(named)
    for i in range(0, len(ids), 500):
        known.update(db.session.scalars(sa.select(Theme.id).where(Theme.id.in_(ids[i : i + 500]))))
    return [
        Problem(
            r.line,
            COLUMNS["theme_id"][0],
            f"研究テーマID {r.theme_id} の採択研究テーマは登録されていません。",
        )
        for r in rows
        if r.theme_id is not None and r.theme_id not in known
    ]


def _cells_by_column(header: dict[str, int], cells: list[str]) -> dict[str, str]:
    cell = {c: (cells[i] if i < len(cells) else "") for c, i in header.items()}
    for c in COLUMNS:
        cell.setdefault(c, "")
    return cell


def read_funding(data: bytes) -> list[FundingRow]:
    """Every row of the file, checked. Raises ImportRejected listing every problem."""
    look = Lookups()
    header, rows, problems = None, [], []
    first_lines = FirstLines()
    for line, located in read_records(data):
        if is_blank(located):
            continue
        cells = [c for c, _ in located]
        if header is None:
            header = _header(cells, line)
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(Problem(line, None, f"一度に取り込めるのは{MAX_ROWS:,}行までです。"))
            break
        row = _check(line, _cells_by_column(header, cells), look, problems)
        if row is None:
            continue
        if earlier := first_lines.earlier(row.key, line):
            problems.append(
                Problem(
                    line,
                    "案件名",
                    f"{earlier}行目と同じ案件(年度・区分・府省・ブロック・案件名)です。",
                )
            )
            continue
        rows.append(row)
    if header is None:
        raise ImportRejected([Problem(None, None, "ファイルが空です。")])
    problems += unknown_themes(rows)
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([Problem(None, None, "取り込む行がありません(見出し行だけです)。")])
    return rows
