"""Importing a register file: all or nothing, line-numbered Japanese problems, idempotent.

The file is read and every row checked first (cells, natural-key duplicates, who may write
each row); a file with any problem is refused whole and nothing is written. A row is the same
record as a stored one when its natural key matches (SPEC "Public portal"); only what differs
is written, so importing the same file twice changes nothing the second time.
"""

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from council import permissions
from council.activities.csv_io import _BrokenRecord, _records, decode
from council.activities.csv_rows import ImportRejected, Problem
from council.audit.hooks import set_reason
from council.extensions import db
from council.portal import rows as rowmod
from council.portal.services import MODELS, save_record

MAX_ROWS = 20_000


@dataclass
class Summary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else value.isoformat(" ")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_records(data: bytes):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportRejected([Problem(None, None, "XLSXファイルを読み取れません。")]) from None
    sheet = book.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, [(_cell_text(v), number) for v in row]
    book.close()


def read_records(data: bytes, filename: str = ""):
    """(line, [(cell, line)]) per record, from a CSV (any of the encodings) or an XLSX file."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ImportRejected([Problem(None, None, "XLSXファイルを読み取れません。")])
        return list(_xlsx_records(data))
    text = decode(data)
    try:
        return list(_records(text))
    except _BrokenRecord as broken:
        message = (
            "セルが長すぎます(1つのセルは10,000文字まで)。"
            if "field larger" in broken.reason
            else 'CSVの形式が正しくありません。引用符(")が閉じられているか確認してください。'
        )
        raise ImportRejected([Problem(broken.line, None, message)]) from None


def _header(kind: str, cells, line: int) -> list[str | None]:
    by_name = {}
    for code, label, _ in rowmod.COLUMNS[kind]:
        by_name[code] = code
        by_name[label] = code
    header, problems = [], []
    for text, _ in cells:
        name = text.strip().lstrip("\ufeff")
        if not name:
            header.append(None)
            continue
        code = by_name.get(name)
        if code is None:
            problems.append(Problem(line, name, f"列「{name}」はこの台帳にありません。"))
        header.append(code)
    missing = [
        label for code, label, required in rowmod.COLUMNS[kind] if required and code not in header
    ]
    if missing:
        problems.append(Problem(line, None, "必須の列がありません: " + "、".join(missing)))
    if problems:
        raise ImportRejected(problems)
    return header


def _existing(kind: str) -> dict:
    model = MODELS[kind]
    found = {}
    for record in db.session.scalars(sa.select(model)):
        if kind == "measures":
            key = (record.offering_agency_id, record.name, record.fiscal_year)
        elif kind == "facilities":
            key = (record.owner_agency_id, record.name)
        elif kind == "themes":
            key = (record.programme, record.fiscal_year, record.title, record.lead_agency_id)
        else:
            key = (
                ("activity", record.activity_id)
                if record.activity_id
                else (record.news_on, record.title)
            )
        found[key] = record
    return found


def import_register(
    kind: str, data: bytes, *, actor, check_permissions: bool = True, filename: str = ""
) -> Summary:
    """Check the whole file, then write it. Flushes, never commits. Raises ImportRejected."""
    if kind not in rowmod.COLUMNS:
        raise ImportRejected([Problem(None, None, f"台帳の種類「{kind}」はありません。")])
    records = [r for r in read_records(data, filename) if any(c.strip() for c, _ in r[1])]
    if not records:
        raise ImportRejected([Problem(None, None, "ファイルが空です。")])
    header = _header(kind, records[0][1], records[0][0])
    body = records[1:]
    if not body:
        raise ImportRejected([Problem(None, None, "取り込む行がありません(見出し行だけです)。")])
    if len(body) > MAX_ROWS:
        raise ImportRejected([Problem(None, None, f"一度に取り込めるのは{MAX_ROWS:,}行までです。")])
    lookups = rowmod.Lookups()
    existing = _existing(kind)
    labels = rowmod.LABELS[kind]
    problems: list[Problem] = []
    planned = []
    seen: dict = {}
    for line, cells in body:
        row = {}
        for index, (text, _) in enumerate(cells):
            if index < len(header) and header[index]:
                row[header[index]] = text
        if len(cells) > len(header) and any(t.strip() for t, _ in cells[len(header) :]):
            problems.append(Problem(line, None, "見出しより多くの列があります。"))
        cleaned = rowmod.clean(kind, row, lookups)
        for column, message in cleaned.errors.items():
            problems.append(Problem(line, labels.get(column, column), message))
        if cleaned.errors:
            continue
        key = rowmod.natural_key(kind, cleaned.values)
        if key in seen:
            problems.append(Problem(line, None, f"{seen[key]}行目と同じ情報(同じキー)です。"))
            continue
        seen[key] = line
        record = existing.get(key)
        if check_permissions:
            if record is not None and not permissions.can_edit_portal_record(actor, record):
                problems.append(Problem(line, None, "他のブロックの情報は変更できません。", True))
                continue
            if not permissions.can_assign_portal_block(actor, cleaned.values.get("_block_id")):
                problems.append(
                    Problem(
                        line,
                        None,
                        "この行は担当するブロックの事務局または本府省が登録します。",
                        True,
                    )
                )
                continue
        planned.append((record, cleaned.values))
    if problems:
        raise ImportRejected(problems)
    set_reason(db.session, f"ポータル取り込み {filename}".strip())
    summary = Summary(rows=len(planned))
    for record, values in planned:
        _, changed = save_record(kind, record, values, actor=actor, check=False)
        if record is None:
            summary.created += 1
        elif changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
    db.session.flush()
    return summary
