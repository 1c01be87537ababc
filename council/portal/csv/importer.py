"""Importing a register file: all or nothing, line-numbered Japanese problems, idempotent.

The file is read and every row checked first (cells, natural-key duplicates, who may write
each row); a file with any problem is refused whole and nothing is written. A row is the same
record as a stored one when its natural key matches (SPEC "Public portal"); only what differs
is written, so importing the same file twice changes nothing the second time.
"""

import sqlalchemy as sa

from council import permissions
from council.audit.hooks import set_reason
from council.extensions import db
from council.portal import rows as rowmod
from council.portal.services import MODELS, save_record
from council.tables.keys import FirstLines
from council.tables.reading import Cells, Record, is_blank, read_records
from council.tables.results import ImportRejected, ImportSummary, Problem

MAX_ROWS = 20_000


def _header(kind: str, cells: Cells, line: int) -> list[str | None]:
    names = {}
    for code, label, _ in rowmod.COLUMNS[kind]:
        names[code] = code
        names[label] = code
    header, problems = [], []
    for text, _ in cells:
        name = text.strip().lstrip("\ufeff")
        if not name:
            header.append(None)
            continue
        code = names.get(name)
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


def _natural_key(kind: str, record) -> tuple:
    """The stored record's natural key, as rows.natural_key gives it for a row's values."""
    if kind == "measures":
        return (record.offering_agency_id, record.name, record.fiscal_year)
    if kind == "facilities":
        return (record.owner_agency_id, record.name)
    if kind == "themes":
        return (record.programme, record.fiscal_year, record.title, record.lead_agency_id)
    if record.activity_id:
        return ("activity", record.activity_id)
    return (record.news_on, record.title)


def _existing(kind: str) -> dict:
    return {
        _natural_key(kind, record): record for record in db.session.scalars(sa.select(MODELS[kind]))
    }


def _body(kind: str, data: bytes, filename: str) -> tuple[list[str | None], list[Record]]:
    """The header's column codes and the data records (blank ones left out), or refused."""
    if kind not in rowmod.COLUMNS:
        raise ImportRejected([Problem(None, None, f"台帳の種類「{kind}」はありません。")])
    records = [r for r in read_records(data, filename) if not is_blank(r[1])]
    if not records:
        raise ImportRejected([Problem(None, None, "ファイルが空です。")])
    header = _header(kind, records[0][1], records[0][0])
    body = records[1:]
    if not body:
        raise ImportRejected([Problem(None, None, "取り込む行がありません(見出し行だけです)。")])
    if len(body) > MAX_ROWS:
        raise ImportRejected([Problem(None, None, f"一度に取り込めるのは{MAX_ROWS:,}行までです。")])
    return header, body


class _Planner:
    """Checks the rows of one register file and plans what to write: (stored record or None,
    cleaned values) per row, every problem collected."""

    def __init__(self, kind: str, header, *, actor, check_permissions: bool):
        self.kind = kind
        self.header = header
        self.actor = actor
        self.check_permissions = check_permissions
        self.lookups = rowmod.Lookups()
        self.existing = _existing(kind)
        self.labels = rowmod.LABELS[kind]
        self.first_lines = FirstLines()
        self.problems: list[Problem] = []
        self.planned: list[tuple] = []

    def add(self, line: int, cells: Cells) -> None:
        cleaned = rowmod.clean(self.kind, self._row(line, cells), self.lookups)
        for column, message in cleaned.errors.items():
            self.problems.append(Problem(line, self.labels.get(column, column), message))
        if cleaned.errors:
            return
        key = rowmod.natural_key(self.kind, cleaned.values)
        if earlier := self.first_lines.earlier(key, line):
            self.problems.append(Problem(line, None, f"{earlier}行目と同じ情報(同じキー)です。"))
            return
        record = self.existing.get(key)
        if self.check_permissions and not self._may_write(line, record, cleaned.values):
            return
        self.planned.append((record, cleaned.values))

    def _row(self, line: int, cells: Cells) -> dict[str, str]:
        """The cells by column code; cells beyond the header must be empty."""
        header = self.header
        row = {}
        for index, (text, _) in enumerate(cells):
            if index < len(header) and header[index]:
                row[header[index]] = text
        if len(cells) > len(header) and any(t.strip() for t, _ in cells[len(header) :]):
            self.problems.append(Problem(line, None, "見出しより多くの列があります。"))
        return row

    def _may_write(self, line: int, record, values: dict) -> bool:
        """Another block's record, or a row for a block the user does not serve, is refused."""
        if record is not None and not permissions.can_edit_portal_record(self.actor, record):
            self.problems.append(Problem(line, None, "他のブロックの情報は変更できません。", True))
            return False
        if not permissions.can_assign_portal_block(self.actor, values.get("_block_id")):
            self.problems.append(
                Problem(
                    line,
                    None,
                    "この行は担当するブロックの事務局または本府省が登録します。",
                    True,
                )
            )
            return False
        return True


def import_register(
    kind: str, data: bytes, *, actor, check_permissions: bool = True, filename: str = ""
) -> ImportSummary:
    """Check the whole file, then write it. Flushes, never commits. Raises ImportRejected."""
    header, body = _body(kind, data, filename)
    planner = _Planner(kind, header, actor=actor, check_permissions=check_permissions)
    for line, cells in body:
        planner.add(line, cells)
    if planner.problems:
        raise ImportRejected(planner.problems)
    set_reason(db.session, f"ポータル取り込み {filename}".strip())
    summary = ImportSummary(rows=len(planner.planned))
    for record, values in planner.planned:
        _, changed = save_record(kind, record, values, actor=actor, check=False)
        summary.count(created=record is None, changed=changed)
    db.session.flush()
    return summary
