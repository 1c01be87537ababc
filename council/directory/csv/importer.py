"""Directory CSV import: read and check a file (see exporter for the format).

An import is all or nothing: parse() refuses a file with any problem, listing every problem
(line, column, message; lines counted as a text editor counts them, the header being line 1),
and services.import_directory() then writes only what differs, so that importing the same
file twice changes nothing the second time.
"""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council import permissions
from council.directory.csv.rows import MAX_ROWS, Row, RowReader, rejected
from council.directory.models import Agency, Membership
from council.extensions import db
from council.tables.reading import BrokenRecord, csv_records, decode
from council.tables.results import ImportRejected, Problem

UNKNOWN_ENCODING = "文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。"


def _records(data: bytes) -> list[tuple[int, list[str]]]:
    """(line where the record starts, cells) per record; a file that cannot be read at all is
    refused with its one problem (any encoding trouble is reported as line 1)."""
    try:
        text = decode(data)
    except ImportRejected:
        raise rejected([Problem(1, "", UNKNOWN_ENCODING)]) from None
    try:
        return [(line, [c for c, _ in cells]) for line, cells in csv_records(text)]
    except BrokenRecord as broken:
        # The directory's problems name a column, or "" for the whole row.
        raise rejected([Problem(broken.line, "", broken.problem().message)]) from None


def parse(data: bytes, actor) -> list[Row]:
    """Read and check the file for `actor`; raises ImportRejected listing every problem."""
    records = iter(_records(data))
    first = next(records, None)
    if first is None:
        raise rejected([Problem(1, "", "ファイルが空です。")])
    reader = RowReader(actor)
    columns = reader.header(first[1])
    if columns is None:
        raise rejected(reader.problems)
    rows: list[Row] = []
    for count, (line, cells) in enumerate(records, start=1):
        if count > MAX_ROWS:
            reader.problem(line, "", f"一度に取り込める行数は{MAX_ROWS:,}行までです。")
            break
        if not any(c.strip() for c in cells):
            continue
        row = reader.row(line, cells, columns)
        if row is not None:
            rows.append(row)
    if not rows and not reader.problems:
        reader.problem(2, "", "データ行がありません。")
    _check_consistency(rows, reader)
    _check_against_directory(rows, reader, actor)
    if reader.problems:
        raise rejected(reader.problems)
    return rows


def _check_consistency(rows: list[Row], reader: RowReader) -> None:
    """Rows of the same agency, membership or contact must say the same thing."""
    agencies: dict[str, Row] = {}
    memberships: dict[tuple, Row] = {}
    contacts: dict[tuple, Row] = {}
    for row in rows:
        first = agencies.setdefault(row.agency, row)
        for column, attr in (
            ("ministry", "ministry"),
            ("kind", "kind"),
            ("city", "city"),
            ("prefecture", "prefecture"),
        ):
            if getattr(row, attr) != getattr(first, attr):
                reader.problem(
                    row.line, column, f"同じ機関の{first.line}行目と{column}の値が異なります。"
                )
        if row.block is not None:
            key = (row.agency, row.block.id, row.first_fy)
            first = memberships.setdefault(key, row)
            if (row.last_fy, row.secretariat) != (first.last_fy, first.secretariat):
                reader.problem(
                    row.line,
                    "last_fy",
                    f"同じ参加期間の{first.line}行目と last_fy / secretariat の値が異なります。",
                )
        if row.contact is not None:
            key = (row.agency, row.contact[0])
            first = contacts.setdefault(key, row)
            if row.contact != first.contact:
                reader.problem(
                    row.line,
                    "contact_name",
                    f"同じ担当者の{first.line}行目と役職・メール・電話が異なります。",
                )


def _check_against_directory(rows: list[Row], reader: RowReader, actor) -> None:
    """Periods must not overlap; only the admin designates a secretariat; agencies outside
    the user's block are changed only by those who manage them."""
    existing = _stored_agencies({row.agency for row in rows})
    # Resulting periods per (agency, block): {first_fy: (last_fy, line or None)}
    periods: dict[tuple, dict[int, tuple]] = {}
    for agency in existing.values():
        for m in agency.memberships:
            periods.setdefault((agency.name, m.block_id), {})[m.first_fy] = (m.last_fy, None)
    _check_memberships(rows, reader, actor, existing, periods)
    _check_overlaps(reader, periods)
    _check_agency_rights(rows, reader, actor, existing)


def _stored_agencies(names: set[str]) -> dict[str, Agency]:
    return {
        a.name: a
        for a in db.session.scalars(
            sa.select(Agency)
            .where(Agency.name.in_(names))
            .options(selectinload(Agency.memberships), selectinload(Agency.contacts))
        )
    }


def _stored_membership(agency: Agency | None, row: Row) -> Membership | None:
    """The stored membership the row speaks of (same block, same first year), if any."""
    if agency is None:
        return None
    return next(
        (
            m
            for m in agency.memberships
            if m.block_id == row.block.id and m.first_fy == row.first_fy
        ),
        None,
    )


def _check_memberships(rows, reader, actor, existing, periods) -> None:
    """Each membership the file names, as it will be once applied: only the admin changes who
    is the secretariat, and the secretariat's membership cannot end. Records the resulting
    period in `periods` and on every row of that membership (`effective_last_fy`)."""
    admin = permissions.can_manage_all_directory(actor)
    seen = set()
    for row in rows:
        if row.block is None:
            continue
        key = (row.agency, row.block.id, row.first_fy)
        if key in seen:
            continue
        seen.add(key)
        current = _stored_membership(existing.get(row.agency), row)
        last_fy = (
            row.last_fy if "last_fy" in row.present else (current.last_fy if current else None)
        )
        was_secretariat = current.is_secretariat if current else False
        secretariat = row.secretariat if row.secretariat is not None else was_secretariat
        if secretariat != was_secretariat and not admin:
            reader.problem(
                row.line,
                "secretariat",
                "事務局の指定はシステム管理者のみ変更できます。",
                permission=True,
            )
        if secretariat and last_fy is not None:
            reader.problem(row.line, "last_fy", "事務局を務める機関の参加は終了できません。")
        periods.setdefault((row.agency, row.block.id), {})[row.first_fy] = (last_fy, row.line)
        for other in rows:
            if (other.agency, other.block, other.first_fy) == (row.agency, row.block, row.first_fy):
                other.effective_last_fy = last_fy


def _check_overlaps(reader: RowReader, periods: dict[tuple, dict[int, tuple]]) -> None:
    """An agency's periods in one block must not overlap, stored ones included; the problem
    goes on the file's line (a clash between two stored periods is not this file's)."""
    for spans in periods.values():
        ordered = sorted(spans.items())
        for (_first_a, (last_a, line_a)), (first_b, (_last_b, line_b)) in zip(
            ordered, ordered[1:], strict=False
        ):
            if last_a is None or last_a >= first_b:
                line = line_b or line_a
                if line is not None:
                    reader.problem(line, "first_fy", "同じブロックの別の参加期間と重なります。")


def _check_agency_rights(rows, reader, actor, existing: dict[str, Agency]) -> None:
    """A stored agency's own details change only by those who manage it (one problem per
    agency)."""
    for name, agency in existing.items():
        agency_rows = [r for r in rows if r.agency == name]
        if permissions.can_manage_agency(actor, agency):
            continue
        if any(r.block is not None and r.effective_last_fy is None for r in agency_rows):
            # The file seats it on the user's own block: it becomes theirs to maintain, as
            # when they add it to their roster on the block page and then edit it.
            continue
        for row in agency_rows:
            if _changes_agency(row, agency):
                reader.problem(
                    row.line,
                    "agency",
                    f"{name}の情報を変更する権限がありません。",
                    permission=True,
                )
                break


def _prefecture_id(row: Row) -> int | None:
    return row.prefecture.id if row.prefecture is not None else None


def _changes_agency(row: Row, agency: Agency) -> bool:
    ministry_id = row.ministry.id if row.ministry is not None else None
    if (ministry_id, row.kind) != (agency.ministry_id, agency.kind):
        return True
    if "city" in row.present and row.city != agency.city:
        return True
    if "prefecture" in row.present and _prefecture_id(row) != agency.prefecture_id:
        return True
    if row.contact is not None:
        match = next((c for c in agency.contacts if c.name == row.contact[0]), None)
        if match is None:
            return True
        current = (match.title, match.email, match.phone)
        if any(
            new is not None and new != old
            for new, old in zip(row.contact[1:], current, strict=True)
        ):
            return True
    return False
