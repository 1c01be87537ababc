"""The fiscal-year tables as rows, CSV and XLSX (the shared helpers in council.figures.exports).

Pure functions: figures and rows in, bytes out.
"""

import io
from datetime import datetime

from openpyxl import Workbook

from council import fiscal
from council.activities.models import COUNCIL_KINDS, HQ_KINDS, NATIONAL_LABEL
from council.figures.counts import COUNCIL, MEASURES, PLAN_VS_ACTUAL, YearFigures
from council.figures.details import DetailRow
from council.figures.exports import long_list, sheet, table

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


def to_xlsx(
    figures: YearFigures,
    details: list[DetailRow],
    *,
    now: datetime,
    national: list[DetailRow] = (),
) -> bytes:
    """The fiscal year's workbook: the matrix, one detail sheet per block, the plan (with plan
    vs actual) and the headquarters meetings. Write-only mode: rows stream to the file."""
    stamp = f"作成日時: {fiscal.format_datetime(now)}"
    wb = Workbook(write_only=True)
    _matrix_sheet(wb, figures, stamp)
    _detail_sheets(wb, figures, details, list(national), stamp)
    _plan_sheet(wb, figures, stamp)
    _hq_sheet(wb, figures, stamp)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _matrix_sheet(wb: Workbook, figures: YearFigures, stamp: str) -> None:
    widths = [34] + [9] * (len(figures.axes.blocks) + 3)
    ws, st = sheet(wb, "集計表", f"{figures.label} {MATRIX_TITLE}", widths, "B4")
    ws.append([st.cell(f"単位:件 {stamp}", "note")])
    table(ws, st, matrix_rows(figures))


# The block is the sheet: its detail leaves out the block column of the CSV.
_DETAIL_WIDTHS = [26, 17, 14, 40, 24, 30, 30, 9]
_DETAIL_WRAP = {0, 3, 4, 5, 6}


def _detail_sheets(
    wb: Workbook, figures: YearFigures, details: list[DetailRow], national, stamp: str
) -> None:
    """One sheet per block (every block, empty ones too), then the 全国 line's events."""
    label = figures.label
    by_block: dict[str, list[DetailRow]] = {b.code: [] for b in figures.axes.blocks}
    for row in details:
        if row.block_code in by_block:
            by_block[row.block_code].append(row)
    for b in figures.axes.blocks:
        title = f"{label} {b.name}地域ブロック協議会 活動実績(詳細)"
        ws, st = sheet(wb, b.name, title, _DETAIL_WIDTHS, "A4")
        ws.append([st.cell(f"{len(by_block[b.code])}件 {stamp}", "note")])
        rows = detail_table(by_block[b.code], figures, real_dates=True)
        long_list(ws, st, [row[1:] for row in rows], _DETAIL_WRAP)
    title = f"{label} 全国(本府省主催の行事) 活動実績(詳細)"
    ws, st = sheet(wb, NATIONAL_LABEL, title, _DETAIL_WIDTHS, "A4")
    ws.append([st.cell(f"{len(national)}件 {stamp}", "note")])
    long_list(ws, st, [row[1:] for row in detail_table(national, figures)], _DETAIL_WRAP)


def _plan_sheet(wb: Workbook, figures: YearFigures, stamp: str) -> None:
    title = f"{figures.label} {PLAN_TITLE}(計画と実績)"
    ws, st = sheet(wb, "計画", title, [10, 34] + [11] * 7, "C4")
    ws.append(
        [
            st.cell(
                "当初計画=年度開始前に登録された活動、計画外追加=年度開始後に登録された活動。"
                f"延期=延期中でこの年度に日程がある活動。 {stamp}",
                "note",
            )
        ]
    )
    table(ws, st, plan_rows(figures))


def _hq_sheet(wb: Workbook, figures: YearFigures, stamp: str) -> None:
    ws, st = sheet(wb, "本府省会議", f"{figures.label} {HQ_TITLE}", [30, 12, 16], "A4")
    ws.append([st.cell(f"単位:回 {stamp}", "note")])
    table(ws, st, hq_rows(figures))
