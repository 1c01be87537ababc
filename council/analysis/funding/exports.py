"""The funding survey as CSV (UTF-8 with BOM) and XLSX: the same tables as the page."""

import io
from datetime import datetime

from openpyxl import Workbook

from council import fiscal
from council.analysis.funding.models import KINDS
from council.analysis.funding.queries import FundingFigures
from council.figures.exports import sheet, to_csv

UNIT = "単位:百万円"


def _amount(value) -> float:
    return float(round(value, 1))


def matrix_rows(figures: FundingFigures, kind: str) -> list[list]:
    """Header, one row per block, the totals row: exactly the page's matrix."""
    rows = [["ブロック", *(f.name for f in figures.fields), "合計"]]
    for b in figures.blocks:
        rows.append(
            [
                b.name,
                *(_amount(figures.matrix[kind][b.code][f.code]) for f in figures.fields),
                _amount(figures.row_total(kind, b.code)),
            ]
        )
    rows.append(
        [
            "合計",
            *(_amount(figures.column_total(kind, f.code)) for f in figures.fields),
            _amount(figures.total(kind)),
        ]
    )
    return rows


def csv_rows(figures: FundingFigures) -> list[list]:
    rows = [[f"{figures.label} 資金投入状況 ({UNIT})"]]
    for kind, label in KINDS.items():
        rows.append([])
        rows.append([label])
        rows.extend(matrix_rows(figures, kind))
    return rows


def to_csv_bytes(figures: FundingFigures) -> bytes:
    return to_csv(csv_rows(figures))


def to_xlsx(figures: FundingFigures, *, now: datetime) -> bytes:
    """One sheet per kind, A4 landscape, amounts as numbers with one decimal."""
    wb = Workbook(write_only=True)
    stamp = f"作成日時: {fiscal.format_datetime(now)}"
    for kind, label in KINDS.items():
        ws, st = sheet(
            wb,
            label,
            f"{figures.label} 資金投入状況 {label}",
            [12] + [13] * (len(figures.fields) + 1),
            "B4",
        )
        ws.append([st.cell(f"{UNIT} {stamp}", "note")])
        rows = matrix_rows(figures, kind)
        last = len(rows) - 1
        for i, row in enumerate(rows):
            look = "header" if i == 0 else "total" if i == last else "cell"
            cells = []
            for v in row:
                cell = st.cell(v, look)
                if isinstance(v, float):
                    cell.number_format = "#,##0.0"
                cells.append(cell)
            ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
