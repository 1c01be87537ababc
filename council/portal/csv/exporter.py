"""Exporting a register in the import's own format (codes by default), CSV or XLSX."""

import csv
import io

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council.extensions import db
from council.portal import rows as rowmod
from council.portal.models import Facility, News, SupportMeasure, Theme
from council.tables.cells import escape_cell


def _join(items) -> str:
    return ";".join(items)


QUERIES = {
    "measures": lambda: (
        sa.select(SupportMeasure)
        .options(
            selectinload(SupportMeasure.offering_agency),
            selectinload(SupportMeasure.ministry),
            selectinload(SupportMeasure.measure),
            selectinload(SupportMeasure.fields),
            selectinload(SupportMeasure.blocks),
            selectinload(SupportMeasure.prefectures),
        )
        .order_by(SupportMeasure.id)
    ),
    "facilities": lambda: (
        sa.select(Facility)
        .options(
            selectinload(Facility.owner_agency),
            selectinload(Facility.fields),
            selectinload(Facility.prefecture),
        )
        .order_by(Facility.id)
    ),
    "themes": lambda: (
        sa.select(Theme)
        .options(
            selectinload(Theme.lead_agency),
            selectinload(Theme.participants),
            selectinload(Theme.field),
            selectinload(Theme.block),
        )
        .order_by(Theme.id)
    ),
    "news": lambda: (
        sa.select(News)
        .options(selectinload(News.block), selectinload(News.field))
        .order_by(News.id)
    ),
}


def _measure_cells(r: SupportMeasure) -> tuple:
    return (
        r.offering_agency.name,
        r.name,
        r.fiscal_year,
        r.ministry.name if r.ministry else "",
        r.measure.name if r.measure else "",
        r.target,
        _join(f.code for f in r.fields),
        _join(b.code for b in r.blocks),
        _join(p.code for p in r.prefectures),
        r.amount_min,
        r.amount_max,
        r.opens_on,
        r.closes_on,
        r.url,
        r.contact,
        r.description,
        r.status,
    )


def _facility_cells(r: Facility) -> tuple:
    return (
        r.owner_agency.name,
        r.name,
        r.prefecture.code,
        r.kind,
        _join(x.code for x in r.fields),
        r.conditions,
        r.fees,
        r.contact,
        r.url,
        r.description,
        r.status,
    )


def _theme_cells(r: Theme) -> tuple:
    return (
        r.programme,
        r.fiscal_year,
        r.title,
        r.lead_agency.name,
        _join(a.name for a in r.participants),
        r.field.code if r.field else "",
        r.block.code if r.block else "",
        r.budget,
        r.summary,
        r.status,
    )


def _news_cells(r: News) -> tuple:
    return (
        r.news_on,
        r.title,
        r.kind,
        r.block.code if r.block else "",
        r.field.code if r.field else "",
        r.place,
        r.url,
        r.body,
        r.status,
        r.activity_id or "",
    )


_CELLS = {
    "measures": _measure_cells,
    "facilities": _facility_cells,
    "themes": _theme_cells,
    "news": _news_cells,
}


def cells(kind: str, r) -> tuple:
    """One record as the import's cells (codes), in the column order of rows.COLUMNS."""
    return _CELLS.get(kind, _news_cells)(r)


def cell_dict(kind: str, record) -> dict[str, str]:
    codes = [code for code, _, _ in rowmod.COLUMNS[kind]]
    return dict(zip(codes, (_text(v) for v in cells(kind, record)), strict=True))


def _rows(kind: str):
    for record in db.session.scalars(QUERIES[kind]()):
        yield cells(kind, record)


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def export_csv(kind: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(code for code, _, _ in rowmod.COLUMNS[kind])
    for row in _rows(kind):
        writer.writerow(escape_cell(_text(v)) for v in row)
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    sheet.append([code for code, _, _ in rowmod.COLUMNS[kind]])
    for row in _rows(kind):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", escape_cell(_text(v))) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
