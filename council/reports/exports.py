"""The fiscal-year tables as CSV (UTF-8 with BOM, so Excel reads Japanese) and XLSX.

Pure functions: figures and rows in, bytes out. Every text cell goes through an escape, because
Excel runs formulas from a CSV, and openpyxl turns a string that starts with "=" into a formula
(RELIABILITY trap 12).
"""

import csv
import io
from datetime import date, datetime
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from council import fiscal
from council.activities.models import COUNCIL_KINDS, HQ_KINDS, NATIONAL_LABEL
from council.reports.queries import COUNCIL, MEASURES, PLAN_VS_ACTUAL, DetailRow, YearFigures

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MATRIX_TITLE = "地域ブロック協議会 活動実績(実施件数)"
PLAN_TITLE = "地域ブロック協議会 活動計画"
HQ_TITLE = "本府省における会議の開催状況"
DETAIL_HEADERS = (
    "ブロック",
    "活動区分",
    "開催日",
    "時間",
    "名称",
    "場所",
    "共催機関",
    "参加機関",
    "参加者数",
)
HQ_LABELS = {
    "wg": "ワーキンググループ(WG)",
    "pt": "プロジェクトチーム(PT)",
    "tf": "タスクフォース(TF)",
}


def escape_text(value: str) -> str:
    """A text that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def content_disposition(ascii_name: str, name: str) -> str:
    """attachment with an ASCII fallback and the Japanese name as RFC 5987 filename*."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# --- tables as rows (shared by CSV and XLSX) --------------------------------------------------


KIND_ROW_LABELS = {kind: f"うち{label}" for kind, label in COUNCIL_KINDS.items()}
GRAND_TOTAL = "総計(全国を含む)"


def kind_rows(figures: YearFigures, measure: str) -> list[list]:
    """The council category split by kind: うち協議会 / うち幹事会, as the matrix shows them."""
    rows = []
    for kind, label in KIND_ROW_LABELS.items():
        cells = [figures.by_kind[measure][b.code][kind] for b in figures.axes.blocks]
        national = figures.national_by_kind[measure][kind]
        total = figures.kind_total(measure, kind)
        rows.append([label, *cells, total, national, total + national])
    return rows


def matrix_rows(figures: YearFigures, measure: str = "held") -> list[list]:
    """Header, one row per category (the council category followed by its split by kind),
    the totals row: exactly the HTML matrix. 合計 is the ten blocks; 全国 the national events,
    which no block counts; the grand total adds the two."""
    ax = figures.axes
    rows = [["活動区分", *(b.name for b in ax.blocks), "合計", NATIONAL_LABEL, GRAND_TOTAL]]
    for c in ax.categories:
        cells = [figures.counts[measure][b.code][c.code] for b in ax.blocks]
        rows.append(
            [
                c.name,
                *cells,
                figures.row_total(measure, c.code),
                figures.national[measure][c.code],
                figures.grand_row_total(measure, c.code),
            ]
        )
        if c.code == COUNCIL:
            rows.extend(kind_rows(figures, measure))
    rows.append(
        [
            "合計",
            *(figures.column_total(measure, b.code) for b in ax.blocks),
            figures.total(measure),
            figures.national_total(measure),
            figures.grand_total(measure),
        ]
    )
    return rows


def plan_rows(figures: YearFigures) -> list[list]:
    """Plan vs actual per block and category (long format), with per-block totals."""
    ax = figures.axes
    header = ["ブロック", "活動区分", *(MEASURES[m] for m in PLAN_VS_ACTUAL), MEASURES["planned"]]
    rows = [header]
    measures = (*PLAN_VS_ACTUAL, "planned")
    for b in ax.blocks:
        for c in ax.categories:
            rows.append([b.name, c.name, *(figures.counts[m][b.code][c.code] for m in measures)])
            if c.code == COUNCIL:
                for kind, label in KIND_ROW_LABELS.items():
                    cells = [figures.by_kind[m][b.code][kind] for m in measures]
                    rows.append([b.name, label, *cells])
    # The national events (全国): their own line, outside the blocks' totals.
    for c in ax.categories:
        rows.append([NATIONAL_LABEL, c.name, *(figures.national[m][c.code] for m in measures)])
        if c.code == COUNCIL:
            for kind, label in KIND_ROW_LABELS.items():
                cells = [figures.national_by_kind[m][kind] for m in measures]
                rows.append([NATIONAL_LABEL, label, *cells])
    rows.append(["合計", "", *(figures.total(m) for m in measures)])
    rows.append([GRAND_TOTAL, "", *(figures.grand_total(m) for m in measures)])
    return rows


def hq_rows(figures: YearFigures) -> list[list]:
    rows = [["会議", "実施", "計画(中止を除く)"]]
    for kind in HQ_KINDS:
        rows.append([HQ_LABELS[kind], figures.hq["held"][kind], figures.hq["planned"][kind]])
    rows.append(["合計", sum(figures.hq["held"].values()), sum(figures.hq["planned"].values())])
    return rows


def detail_table(
    rows: list[DetailRow], figures: YearFigures, *, real_dates: bool = False
) -> list[list]:
    """The detail listing; with real_dates the date column holds dates (for XLSX, where
    Excel sorts and filters them), else the Japanese text."""
    ax = figures.axes
    blocks = {b.code: b.name for b in ax.blocks}
    categories = {c.code: c.name for c in ax.categories}
    out = [list(DETAIL_HEADERS)]
    for r in rows:
        out.append(
            [
                blocks.get(r.block_code, NATIONAL_LABEL),
                categories.get(r.category_code, ""),
                r.start_on if real_dates else fiscal.format_date(r.start_on),
                r.time_span,
                r.title,
                r.venue,
                "、".join(r.organizers),
                "、".join(r.participant_agencies),
                r.participants,
            ]
        )
    return out


# --- CSV --------------------------------------------------------------------------------------


def to_csv(rows: list[list]) -> bytes:
    """UTF-8 with a BOM and CRLF line ends: what Excel opens as Japanese text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            ["" if v is None else escape_text(v) if isinstance(v, str) else v for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- XLSX -------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_COUNT_FORMAT = "#,##0"
# Excel shows 2007年11月28日(水) for a real date cell; "aaa" is the Japanese weekday.
DATE_FORMAT = 'yyyy"年"m"月"d"日"(aaa)'
# Cell looks, by name. openpyxl hashes every style object on each assignment, which costs
# more than writing the cell; so each look is built once on a template cell and its style
# indices are copied onto the cells (2,000 detail rows: ~4× faster).
_LOOKS = {
    "title": {"font": Font(bold=True, size=14)},
    "note": {},
    "plain": {},
    "date": {"number_format": DATE_FORMAT},
    "wrap_only": {"alignment": Alignment(wrap_text=True, vertical="top")},
    "header": {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="E8E8EE"),
        "border": _BORDER,
        "alignment": Alignment(wrap_text=True, vertical="center"),
    },
    "cell": {"border": _BORDER},
    "count": {"border": _BORDER, "number_format": _COUNT_FORMAT},
    "wrap": {"border": _BORDER, "alignment": Alignment(wrap_text=True, vertical="top")},
    "total": {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="F4F4F4"),
        "border": _BORDER,
    },
    "total_count": {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="F4F4F4"),
        "border": _BORDER,
        "number_format": _COUNT_FORMAT,
    },
}


class _Styler:
    """Makes cells of one write-only sheet with the looks above."""

    def __init__(self, ws):
        self.ws = ws
        self.templates = {}
        for name, attrs in _LOOKS.items():
            cell = WriteOnlyCell(ws)
            for attr, value in attrs.items():
                setattr(cell, attr, value)
            self.templates[name] = StyleArray(cell._style or StyleArray())

    def plain(self, value):
        """A body value without a look of its own (cheaper: no cell object), unless the text
        would be read as a formula."""
        if isinstance(value, date):
            return self.cell(value, "date")
        if not isinstance(value, str):
            return value
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return self.cell(value, "plain") if value.startswith(FORMULA_PREFIXES) else value

    def cell(self, value, look: str = "cell") -> WriteOnlyCell:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(self.ws, value=value)
        cell._style = StyleArray(self.templates[look])
        if isinstance(value, str):
            # Always a string cell, never a formula; Excel's own "'" marker on formula-like
            # text keeps it inert even when the user edits the cell.
            cell.data_type = "s"
            if value.startswith(FORMULA_PREFIXES):
                cell.quotePrefix = True
        return cell


def _sheet(wb: Workbook, name: str, title: str, widths: list[float], frozen: str):
    """A sheet set up for A4 landscape printing, with the title rows repeated on every page."""
    ws = wb.create_sheet(name)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = frozen
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:3"
    ws.print_options.horizontalCentered = True
    styler = _Styler(ws)
    ws.append([styler.cell(title, "title")])
    return ws, styler


def _table(ws, styler: _Styler, rows: list[list], *, total_last=True) -> None:
    """A small table (matrix, plan, meetings): every cell bordered, totals in bold."""
    last = len(rows) - 1
    for i, row in enumerate(rows):
        if i == 0:
            looks = ("header", "header")
        elif total_last and i == last:
            looks = ("total", "total_count")
        else:
            looks = ("cell", "count")
        ws.append(
            [
                styler.cell("" if v is None else v, looks[1] if isinstance(v, int) else looks[0])
                for v in row
            ]
        )


def _list(ws, styler: _Styler, rows: list[list], wrap_columns: set[int]) -> None:
    """A long list (2,000 rows and more): a styled header; in the body only the long texts
    carry a look (wrapped), the rest are plain values. The sheet prints its gridlines, so
    the paper shows the table's lines without a border on every cell."""
    ws.print_options.gridLines = True
    ws.append([styler.cell(v, "header") for v in rows[0]])
    for row in rows[1:]:
        ws.append(
            [
                styler.cell(v, "wrap_only")
                if i in wrap_columns and isinstance(v, str) and v
                else styler.plain(v)
                for i, v in enumerate(row)
            ]
        )


def to_xlsx(
    figures: YearFigures,
    details: list[DetailRow],
    *,
    now: datetime,
    national: list[DetailRow] = (),
) -> bytes:
    """The fiscal year's workbook: the matrix, one detail sheet per block, the plan (with plan
    vs actual) and the headquarters meetings. Write-only mode: rows stream to the file."""
    label = figures.label
    ax = figures.axes
    stamp = f"作成日時: {fiscal.format_datetime(now)}"
    wb = Workbook(write_only=True)

    ws, st = _sheet(
        wb, "集計表", f"{label} {MATRIX_TITLE}", [34] + [9] * (len(ax.blocks) + 3), "B4"
    )
    ws.append([st.cell(f"単位:件 {stamp}", "note")])
    _table(ws, st, matrix_rows(figures))

    by_block: dict[str, list[DetailRow]] = {b.code: [] for b in ax.blocks}
    for row in details:
        if row.block_code in by_block:
            by_block[row.block_code].append(row)
    # The block is the sheet: its detail leaves out the block column of the CSV.
    widths = [26, 17, 14, 40, 24, 30, 30, 9]
    wrap = {0, 3, 4, 5, 6}
    for b in ax.blocks:
        ws, st = _sheet(
            wb, b.name, f"{label} {b.name}地域ブロック協議会 活動実績(詳細)", widths, "A4"
        )
        ws.append([st.cell(f"{len(by_block[b.code])}件 {stamp}", "note")])
        table = detail_table(by_block[b.code], figures, real_dates=True)
        _list(ws, st, [row[1:] for row in table], wrap)
    ws, st = _sheet(
        wb, NATIONAL_LABEL, f"{label} 全国(本府省主催の行事) 活動実績(詳細)", widths, "A4"
    )
    ws.append([st.cell(f"{len(national)}件 {stamp}", "note")])
    _list(ws, st, [row[1:] for row in detail_table(list(national), figures)], wrap)

    plan = plan_rows(figures)
    ws, st = _sheet(wb, "計画", f"{label} {PLAN_TITLE}(計画と実績)", [10, 34] + [11] * 7, "C4")
    ws.append(
        [
            st.cell(
                "当初計画=年度開始前に登録された活動、計画外追加=年度開始後に登録された活動。"
                f"延期=延期中でこの年度に日程がある活動。 {stamp}",
                "note",
            )
        ]
    )
    _table(ws, st, plan)

    ws, st = _sheet(wb, "本府省会議", f"{label} {HQ_TITLE}", [30, 12, 16], "A4")
    ws.append([st.cell(f"単位:回 {stamp}", "note")])
    _table(ws, st, hq_rows(figures))

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
