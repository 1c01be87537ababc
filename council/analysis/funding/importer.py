"""Reading a funding file (CSV in UTF-8/Shift_JIS, or XLSX) into checked rows.

All or nothing: every row is checked first and any problem refuses the whole file, with
every problem listed by line (the header is line 1, as a text editor or Excel counts) and
column. Codes or Japanese names are accepted wherever a reference list is named.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from openpyxl import load_workbook

from council.activities.csv_io import decode
from council.activities.csv_rows import ImportRejected, Problem
from council.analysis.funding.models import KINDS, MAX_FY, MIN_FY
from council.directory.models import Block, Ministry
from council.extensions import db
from council.measures.models import Measure
from council.reference.models import Prefecture, ResearchField

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
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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


def norm(text: str) -> str:
    """Width and case folded (ＲＥ, 関東 …), as Excel users type codes and names."""
    return unicodedata.normalize("NFKC", text or "").strip().lower()


def parse_fiscal_year(text: str) -> int | None:
    """2007, 2007年度, 平成19年度, H19: the Western year the fiscal year starts in."""
    value = norm(text).upper().replace("年度", "")
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
    value = norm(text).replace(",", "").replace("、", "")
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
            self.blocks[norm(b.code)] = self.blocks[norm(b.name)] = b
        self.fields = {}
        for f in db.session.scalars(sa.select(ResearchField)):
            self.fields[norm(f.code)] = self.fields[norm(f.name)] = f
        self.ministries = {norm(m.name): m for m in db.session.scalars(sa.select(Ministry))}
        self.measures = {norm(m.name): m for m in db.session.scalars(sa.select(Measure))}
        self.prefectures = {}
        for p in db.session.scalars(sa.select(Prefecture)):
            self.prefectures[norm(p.code)] = self.prefectures[norm(p.name)] = p
            self.prefectures[str(p.id)] = p
        self.kinds = {}
        for code, label in KINDS.items():
            self.kinds[norm(code)] = self.kinds[norm(label)] = code


# --- reading cells -----------------------------------------------------------------------


def _csv_records(data: bytes):
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise ImportRejected(
                [Problem(start, None, 'CSVの形式が正しくありません。引用符(")を確認してください。')]
            ) from None
        yield start, cells


def _xlsx_records(data: bytes):
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportRejected([Problem(None, None, "XLSXファイルを読み取れません。")]) from None
    ws = wb.worksheets[0]
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = []
        for v in values:
            if v is None:
                cells.append("")
            elif isinstance(v, float) and v.is_integer():
                cells.append(str(int(v)))
            else:
                cells.append(str(v))
        yield number, cells
    wb.close()


def records(data: bytes):
    """(line, [cell text]) per row of a CSV or XLSX file (told apart by its first bytes)."""
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_records(data)
    return _csv_records(data)


def _header(cells: list[str], line: int) -> dict[str, int]:
    by_name = {}
    for code, (label, _) in COLUMNS.items():
        by_name[norm(code)] = code
        by_name[norm(label)] = code
        by_name[norm(label.split("(")[0])] = code
    index, problems = {}, []
    for i, cell in enumerate(cells):
        code = by_name.get(norm(cell))
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


def _check(line: int, cell: dict[str, str], look: Lookups, problems: list) -> FundingRow | None:
    before = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(Problem(line, COLUMNS[column][0], message))

    for column, value in cell.items():
        if CONTROL.search(value):
            bad(column, "使用できない制御文字が含まれています。")
    if len(problems) > before:
        return None
    for column, (label, required) in COLUMNS.items():
        if required and not cell.get(column, "").strip():
            bad(column, f"{label}を入力してください。")
    fy = parse_fiscal_year(cell["fiscal_year"]) if cell["fiscal_year"].strip() else None
    if cell["fiscal_year"].strip() and (fy is None or not MIN_FY <= fy <= MAX_FY):
        bad(
            "fiscal_year",
            f"年度は{MIN_FY}〜{MAX_FY}の西暦(例: 2007)または平成19年度の形で入力してください。",
        )
    kind = look.kinds.get(norm(cell["kind"]))
    if cell["kind"].strip() and kind is None:
        bad("kind", "区分は「大型プロジェクト」または「研究開発助成事業」(large/grant)です。")
    ministry = look.ministries.get(norm(cell["ministry"]))
    if cell["ministry"].strip() and ministry is None:
        bad("ministry", f"府省「{cell['ministry'].strip()}」は登録されていません。")
    measure = None
    if cell.get("measure", "").strip():
        measure = look.measures.get(norm(cell["measure"]))
        if measure is None:
            bad("measure", f"施策「{cell['measure'].strip()}」は施策一覧にありません。")
        elif ministry is not None and measure.ministry_id != ministry.id:
            bad("measure", f"施策「{measure.name}」は{ministry.name}の施策ではありません。")
    block = look.blocks.get(norm(cell["block"]))
    if cell["block"].strip() and block is None:
        bad("block", f"ブロック「{cell['block'].strip()}」はありません。")
    prefecture = None
    if cell.get("prefecture", "").strip():
        raw = norm(cell["prefecture"])
        prefecture = look.prefectures.get(raw.zfill(2) if raw.isdigit() else raw)
        if prefecture is None:
            bad("prefecture", f"都道府県「{cell['prefecture'].strip()}」はありません。")
        elif block is not None and prefecture.block_id != block.id:
            bad("prefecture", f"{prefecture.name}は{block.name}ブロックの都道府県ではありません。")
    field = look.fields.get(norm(cell["field"]))
    if cell["field"].strip() and field is None:
        bad("field", f"研究分野「{cell['field'].strip()}」はありません。")
    title = cell["title"].strip()
    if len(title) > 200:
        bad("title", "案件名は200文字以内で入力してください。")
    amount = parse_amount(cell["amount"]) if cell["amount"].strip() else None
    if cell["amount"].strip():
        if amount is None:
            bad("amount", "金額は百万円単位の数値(例: 1,234.5)で入力してください。")
        elif amount < 0:
            bad("amount", "金額に負の値は入力できません。")
        elif amount != amount.quantize(Decimal("0.1")):
            bad("amount", "金額は小数第1位まで(百万円単位)で入力してください。")
        elif amount > MAX_AMOUNT:
            bad("amount", "金額が大きすぎます。")
    theme_id = None
    if cell.get("theme_id", "").strip():
        raw = norm(cell["theme_id"])
        if raw.isdigit() and 0 < int(raw) < 2**31:
            theme_id = int(raw)
        else:
            bad("theme_id", "研究テーマIDは正の整数で入力してください。")
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


def read_funding(data: bytes) -> list[FundingRow]:
    """Every row of the file, checked. Raises ImportRejected listing every problem."""
    look = Lookups()
    header, rows, problems, seen = None, [], [], {}
    for line, cells in records(data):
        if all(not c.strip() for c in cells):
            continue
        if header is None:
            header = _header(cells, line)
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(Problem(line, None, f"一度に取り込めるのは{MAX_ROWS:,}行までです。"))
            break
        cell = {c: (cells[i] if i < len(cells) else "") for c, i in header.items()}
        for c in COLUMNS:
            cell.setdefault(c, "")
        row = _check(line, cell, look, problems)
        if row is None:
            continue
        if row.key in seen:
            problems.append(
                Problem(
                    line,
                    "案件名",
                    f"{seen[row.key]}行目と同じ案件(年度・区分・府省・ブロック・案件名)です。",
                )
            )
            continue
        seen[row.key] = line
        rows.append(row)
    if header is None:
        raise ImportRejected([Problem(None, None, "ファイルが空です。")])
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([Problem(None, None, "取り込む行がありません(見出し行だけです)。")])
    return rows
