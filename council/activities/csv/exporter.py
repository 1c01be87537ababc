"""Exporting the Activity CSV: codes by default (other tools rely on them), or the Japanese
headers and labels shown on screen, which the import reads back unchanged."""

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import joinedload, selectinload

from council import fiscal, permissions
from council.activities.csv.labels import COLUMNS, HEADERS
from council.activities.models import (
    COUNCIL_KINDS,
    HQ_KINDS,
    NATIONAL,
    NATIONAL_LABEL,
    STATUSES,
    VISIBILITIES,
    Activity,
)
from council.tables.cells import escape_cell


def _moment_text(moment: datetime | None, is_all_day: bool) -> str:
    if moment is None:
        return ""
    local = fiscal.to_jst(moment)
    return f"{local:%Y-%m-%d}" if is_all_day else f"{local:%Y-%m-%d %H:%M}"


def export_query(
    user,
    *,
    fiscal_year: int | None = None,
    block_id: int | None = None,
    hq_only: bool = False,
    national_only: bool = False,
):
    """The activities this user may see, oldest first, ready for export_csv().
    hq_only keeps the headquarters meetings (no block)."""
    query = (
        permissions.visible_activities(user)
        .options(
            joinedload(Activity.block),
            joinedload(Activity.category),
            selectinload(Activity.organizers),
        )
        .order_by(Activity.starts_at, Activity.id)
    )
    if fiscal_year is not None:
        query = query.where(Activity.fiscal_year == fiscal_year)
    if block_id is not None:
        query = query.where(Activity.block_id == block_id)
    elif hq_only:
        query = query.where(Activity.block_id.is_(None), Activity.is_national.is_(False))
    elif national_only:
        query = query.where(Activity.is_national.is_(True))
    return query


def _kind_label(a: Activity) -> str:
    if not a.kind:
        return ""
    return (HQ_KINDS if a.block_id is None else COUNCIL_KINDS).get(a.kind, a.kind)


def _coded(a: Activity, labels: bool) -> tuple:
    """Block, category, kind, status and visibility: as codes, or as the labels on screen."""
    if labels:
        return (
            NATIONAL_LABEL if a.is_national else (a.block.name if a.block else ""),
            a.category.name,
            _kind_label(a),
            STATUSES[a.status],
            VISIBILITIES[a.visibility],
        )
    return (
        NATIONAL if a.is_national else (a.block.code if a.block else ""),
        a.category.code,
        a.kind or "",
        a.status,
        a.visibility,
    )


def _cells(a: Activity, labels: bool) -> tuple:
    block, category, kind, status, visibility = _coded(a, labels)
    return (
        block,
        category,
        kind,
        a.title,
        _moment_text(a.starts_at, a.is_all_day),
        _moment_text(a.ends_at, a.is_all_day),
        a.venue or "",
        status,
        visibility,
        "" if a.participants is None else str(a.participants),
        ";".join(o.name for o in a.organizers),
    )


def export_csv(activities: Iterable[Activity], *, labels: bool = False) -> bytes:
    """The Activity CSV in UTF-8 with a BOM (so Excel opens it), CRLF line ends. With
    labels, Japanese headers and the labels shown on screen instead of codes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([HEADERS[c] for c in COLUMNS] if labels else COLUMNS)
    for a in activities:
        writer.writerow(escape_cell(cell) for cell in _cells(a, labels))
    return out.getvalue().encode("utf-8-sig")


def template_csv() -> bytes:
    """An empty file with the Japanese headers, to fill in Excel."""
    return export_csv([], labels=True)
