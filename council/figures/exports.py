"""Tables as CSV (UTF-8 with BOM, so Excel reads Japanese) and XLSX sheets: the helpers that
every export shares (the fiscal-year tables, the submissions' overview, the analysis).

Pure functions: rows in, bytes out (and `download`, the response that carries them). Every text cell goes through an escape, because Excel runs
formulas from a CSV, and openpyxl turns a string that starts with "=" into a formula
(RELIABILITY trap 12).
"""

import csv
import io
from datetime import date
from pathlib import PurePath
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_text(value: str) -> str:
    """A text that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def content_disposition(ascii_name: str, name: str) -> str:
    """attachment with an ASCII fallback and the Japanese name as RFC 5987 filename*."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


MIMETYPES = {
    ".csv": "text/csv",
    ".graphml": "application/graphml+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(body: bytes, ascii_name: str, name: str) -> Response:
    """A file for the browser to save: its type by the extension, the Japanese name with an
    ASCII fallback."""
    return Response(
        body,
        mimetype=MIMETYPES[PurePath(ascii_name).suffix],
        headers={"Content-Disposition": content_disposition(ascii_name, name)},
    )


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


class Styler:
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


def sheet(wb: Workbook, name: str, title: str, widths: list[float], frozen: str):
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
    styler = Styler(ws)
    ws.append([styler.cell(title, "title")])
    return ws, styler


def table(ws, styler: Styler, rows: list[list], *, total_last=True) -> None:
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


def long_list(ws, styler: Styler, rows: list[list], wrap_columns: set[int]) -> None:
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
