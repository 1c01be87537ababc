"""Reading a table file into records, lines counted as a text editor (or Excel) counts them.

A record is `(line, [(cell text, line of the cell)])`: the header is line 1, and a quoted cell
that holds line breaks moves the lines after it, so a problem names the line a person sees.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from council.tables.results import ImportRejected, Problem

Cells = list[tuple[str, int]]
Record = tuple[int, Cells]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_XLSX_MAGIC = b"PK\x03\x04"
UNREADABLE_XLSX = "XLSXファイルを読み取れません。"


class BrokenRecord(Exception):
    """The CSV syntax breaks at `line` (an unclosed quote, a cell over the size limit)."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason

    def problem(self) -> Problem:
        if "field larger" in self.reason:
            return Problem(self.line, None, "セルが長すぎます。")
        return Problem(
            self.line,
            None,
            'CSVの形式が正しくありません。引用符(")が閉じられているか確認してください。',
        )


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


def csv_records(text: str) -> Iterator[Record]:
    """Every record of a CSV text. Raises BrokenRecord where the CSV syntax breaks, after
    yielding the records before it (so a caller may report their problems too)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise BrokenRecord(start, str(error)) from None
        line = start
        located = []
        for cell in cells:
            located.append((cell, line))
            line += len(_LINE_BREAK.findall(cell))
        yield start, located


def _xlsx_text(value) -> str:
    """A cell as the text a CSV export of it would hold: dates in ISO form, whole numbers
    without the ".0" Excel stores them with."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_records(data: bytes) -> list[Record]:
    """Every row of the first sheet of an XLSX workbook; a row is one line."""
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRejected([Problem(None, None, UNREADABLE_XLSX)])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportRejected([Problem(None, None, UNREADABLE_XLSX)]) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        return [
            (number, [(_xlsx_text(v), number) for v in row])
            for number, row in enumerate(rows, start=1)
        ]
    finally:
        book.close()


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return data.startswith(_XLSX_MAGIC) or filename.lower().endswith(".xlsx")


def read_records(data: bytes, filename: str = "") -> list[Record]:
    """Every record of a CSV (any of the encodings) or an XLSX file, told apart by its first
    bytes or its name. Raises ImportRejected when the file cannot be read at all."""
    if is_xlsx(data, filename):
        return xlsx_records(data)
    try:
        return list(csv_records(decode(data)))
    except BrokenRecord as broken:
        raise ImportRejected([broken.problem()]) from None


def is_blank(cells: Cells) -> bool:
    """A record with nothing in it (an empty line, a row of empty cells): skipped."""
    return all(not c.strip() for c, _ in cells)
