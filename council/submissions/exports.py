"""Headquarters' overview of a fiscal year as XLSX: pure, the state in, bytes out.

Every text cell is a string cell, never a formula: text that starts with = + - @ (or a tab or
CR) is stored with Excel's quote prefix (RELIABILITY trap 12).
"""

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from council import fiscal
from council.audit import labels
from council.figures.exports import FORMULA_PREFIXES
from council.figures.plans import ADDED_LABEL, OUTCOMES, PlanVsActual
from council.submissions.labels import DETAIL_FIELDS, detail_value_label, start_label
from council.submissions.queries import YearState

_BOLD = Font(bold=True)
_HEADER = PatternFill("solid", fgColor="E8E8EE")


def _put(ws, row: int, column: int, value, *, header: bool = False) -> None:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    else:
        cell.value = value
    if header:
        cell.font = _BOLD
        cell.fill = _HEADER


def _sheet(wb: Workbook, name: str, title: str, header: list[str], rows: list[list], widths):
    ws = wb.create_sheet(name)
    _put(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for j, text in enumerate(header, start=1):
        _put(ws, 3, j, text, header=True)
    for i, row in enumerate(rows, start=4):
        for j, value in enumerate(row, start=1):
            if value is not None:
                _put(ws, i, j, value)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "B4"
    return ws


def _at(moment: datetime | None) -> str:
    return fiscal.format_datetime(moment) if moment else ""


def status_rows(state: YearState) -> list[list]:
    rows = []
    for b in state.blocks:
        row = [b.block.name, b.completeness.status_label, len(b.completeness.red)]
        row.append(len(b.completeness.amber))
        for k in b.kinds:
            c = k.corrections
            row += [
                k.state_label,
                _at(k.submission.submitted_at) if k.submission else "",
                k.snapshot.number if k.snapshot else None,
                c.submitted_total if c else None,
                c.current_total if c else None,
                c.diff_total if c else None,
            ]
        rows.append(row)
    return rows


STATUS_HEADER = [
    "ブロック",
    "点検",
    "要対応",
    "確認",
    *(
        f"{kind}:{col}"
        for kind in ("実績", "計画")
        for col in ("状態", "提出日時", "版", "提出時", "現在", "差")
    ),
]


def category_rows(state: YearState, kind: str) -> list[list]:
    rows = []
    for b in state.blocks:
        c = getattr(b, kind).corrections
        if c is None:
            continue
        for d in c.counts:
            rows.append([b.block.name, d.category_name, d.submitted, d.current, d.diff])
    return rows


def change_rows(state: YearState) -> list[list]:
    categories = {c.code: c.short_name for c in state.axes.categories}
    rows = []
    for b in state.blocks:
        for k in b.kinds:
            if k.corrections is None:
                continue
            for r in k.corrections.changes:
                line = r.line
                what = "、".join(
                    f"{DETAIL_FIELDS[name]}: "
                    f"{detail_value_label(name, (r.before or {}).get(name), categories)} → "
                    f"{detail_value_label(name, (r.after or {}).get(name), categories)}"
                    for name in r.fields
                )
                base = [
                    b.block.name,
                    f"{k.kind_label} 第{k.snapshot.number}版",
                    r.change_label,
                    line.get("title", ""),
                    categories.get(line.get("category"), ""),
                    start_label(line),
                    what,
                ]
                if not r.entries:
                    rows.append([*base, "", "", "", ""])
                for e in r.entries:
                    changes = "、".join(
                        f"{label}: {old} → {new}" for label, old, new in _entry_changes(e)
                    )
                    actor = e.actor_name
                    rows.append([*base, _at(e.created_at), actor, e.reason, changes])
    return rows


def _entry_changes(entry) -> list[tuple[str, str, str]]:
    return [
        (
            labels.field_label(entry.object_type, name),
            labels.value_label(entry.object_type, name, pair[0] if pair else None),
            labels.value_label(entry.object_type, name, pair[1] if pair else None),
        )
        for name, pair in (entry.changes or {}).items()
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


def pva_rows(pva: dict[str, PlanVsActual]) -> list[list]:
    rows = []
    for p in pva.values():
        for c in p.categories:
            rows.append(
                [
                    p.block.name,
                    c.short_name,
                    p.planned(c.code),
                    *(p.count(o, c.code) for o in OUTCOMES),
                    p.count("added", c.code),
                    p.held(c.code),
                ]
            )
    return rows


def to_xlsx(state: YearState, pva: dict[str, PlanVsActual], *, now: datetime) -> bytes:
    """The overview workbook: the state per block, the counts by category as submitted and
    now (record and plan), the changes since submission, and plan vs actual."""
    label = state.label
    stamp = f"(作成日時: {fiscal.format_datetime(now)})"
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        "提出状況",
        f"{label} 各ブロックからの提出状況 {stamp}",
        STATUS_HEADER,
        status_rows(state),
        [10, 10, 8, 8] + [10, 20, 6, 8, 8, 8] * 2,
    )
    for kind, kind_label in (("record", "実績"), ("plan", "計画")):
        _sheet(
            wb,
            f"{kind_label}(区分別)",
            f"{label} {kind_label}の件数(提出時・現在・差) {stamp}",
            ["ブロック", "活動区分", "提出時", "現在", "差"],
            category_rows(state, kind),
            [10, 18, 10, 10, 10],
        )
    _sheet(
        wb,
        "提出後の変更",
        f"{label} 提出後の変更 {stamp}",
        [
            "ブロック",
            "提出",
            "変更",
            "活動",
            "活動区分",
            "開催日",
            "一覧の変化",
            "変更日時",
            "変更者",
            "理由",
            "変更内容",
        ],
        change_rows(state),
        [10, 16, 8, 40, 14, 22, 40, 20, 16, 30, 50],
    )
    _sheet(
        wb,
        "計画と実績",
        f"{label} 提出された計画と実績 {stamp}",
        ["ブロック", "活動区分", "計画(提出時)", *OUTCOMES.values(), ADDED_LABEL, "実施(現在)"],
        pva_rows(pva),
        [10, 18] + [12] * 8,
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
