"""What a submission freezes, and the latest snapshot of each block: the snapshot is counted
exactly as the figures now (the same measure, the same detail rows), so the two compare."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import defer

from council import fiscal
from council.activities.models import Activity
from council.extensions import db
from council.figures.axes import axes
from council.figures.details import DetailRow, detail_rows
from council.submissions.models import Snapshot, Submission

# The measure of the fiscal-year tables that each kind of submission freezes.
KIND_MEASURES = {"record": "held", "plan": "planned"}


def moment_text(value: datetime | None, all_day: bool) -> str | None:
    """ISO 8601 in Japan time, or the date alone for an all-day activity (as frozen)."""
    if value is None:
        return None
    local = fiscal.to_jst(value)
    return local.date().isoformat() if all_day else local.isoformat()


def detail_dict(row: DetailRow) -> dict:
    """One activity as a snapshot freezes it (JSON values only)."""
    return {
        "id": row.id,
        "category": row.category_code,
        "kind": row.kind,
        "title": row.title,
        "start": moment_text(row.starts_at, row.is_all_day),
        "end": moment_text(row.ends_at, row.is_all_day),
        "venue": row.venue,
        "status": row.status,
        "participants": row.participants,
        "organizers": list(row.organizers),
    }


def snapshot_details(
    fiscal_year: int, block_id: int | None, measure: str, *, with_uid: bool = False, ax=None
) -> list[dict]:
    """The activities a submission of this measure counts, as detail dicts, in the order of the
    detail tables. `block_id=None`: every block (each dict then carries "block")."""
    ax = ax or axes()
    rows = detail_rows(fiscal_year, block_id, None, measure=measure, ax=ax)
    out = []
    for row in rows:
        item = detail_dict(row)
        if block_id is None:
            item["block"] = row.block_code
        out.append(item)
    if with_uid and out:
        uids = dict(
            db.session.execute(
                sa.select(Activity.id, Activity.uid).where(
                    Activity.id.in_([item["id"] for item in out])
                )
            ).all()
        )
        for item in out:
            item["uid"] = uids.get(item["id"])
    return out


def latest_snapshots(
    fiscal_year: int, block_ids: list[int] | None = None, *, with_details: bool = True
) -> dict[tuple[int, str], tuple[Submission, Snapshot]]:
    """{(block_id, kind): (submission, its latest snapshot)} for the fiscal year. One statement
    (the detailed lists are left unloaded when `with_details` is False)."""
    latest = (
        sa.select(Snapshot.submission_id, sa.func.max(Snapshot.number).label("number"))
        .group_by(Snapshot.submission_id)
        .subquery()
    )
    stmt = (
        sa.select(Submission, Snapshot)
        .join(latest, latest.c.submission_id == Submission.id)
        .join(
            Snapshot,
            sa.and_(Snapshot.submission_id == Submission.id, Snapshot.number == latest.c.number),
        )
        .where(Submission.fiscal_year == fiscal_year)
    )
    if block_ids is not None:
        stmt = stmt.where(Submission.block_id.in_(block_ids))
    if not with_details:
        stmt = stmt.options(defer(Snapshot.details))
    return {(s.block_id, s.kind): (s, snap) for s, snap in db.session.execute(stmt).all()}
