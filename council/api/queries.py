"""Reads for the JSON API: the activity list, limited to what the caller may see, and the
submissions of a fiscal year (from the shared figures)."""

from datetime import datetime

import sqlalchemy as sa

from council import fiscal, permissions
from council.activities.models import NATIONAL, Activity, Category
from council.directory.models import Block
from council.extensions import db
from council.figures.axes import axes, check_year
from council.figures.snapshots import latest_snapshots, moment_text
from council.submissions.models import SUBMISSION_KINDS


def list_activities(
    user,
    *,
    fiscal_year: int | None = None,
    block_id: int | None = None,
    hq_only: bool = False,
    national_only: bool = False,
    category_id: int | None = None,
    status: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> tuple[int, list[dict]]:
    """(total, page) of the activities `user` may see, by start then id. Two statements.

    `total` counts every match; the page holds at most `limit` activities from `offset`."""
    where = [permissions.visible_activities_clause(user)]
    if fiscal_year is not None:
        where.append(Activity.fiscal_year == fiscal_year)
    if hq_only:
        where.append(Activity.block_id.is_(None))
        where.append(Activity.is_national.is_(False))
    elif national_only:
        where.append(Activity.is_national.is_(True))
    elif block_id is not None:
        where.append(Activity.block_id == block_id)
    if category_id is not None:
        where.append(Activity.category_id == category_id)
    if status is not None:
        where.append(Activity.status == status)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Activity).where(*where))
    if not total or limit == 0:
        return total or 0, []
    rows = db.session.execute(
        sa.select(
            Activity.id,
            Activity.uid,
            # A national event answers "national"; a WG/PT/TF meeting keeps null.
            sa.case((Activity.is_national.is_(True), NATIONAL), else_=Block.code).label("block"),
            Category.code.label("category"),
            Category.is_date_only,
            Activity.kind,
            Activity.title,
            Activity.starts_at,
            Activity.ends_at,
            Activity.is_all_day,
            Activity.venue,
            Activity.status,
            Activity.visibility,
            Activity.participants,
        )
        .outerjoin(Block, Block.id == Activity.block_id)
        .join(Category, Category.id == Activity.category_id)
        .where(*where)
        .order_by(Activity.starts_at, Activity.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return total, [_activity(r) for r in rows]


def _activity(r) -> dict:
    # ISO 8601 in Japan time (+09:00), or the date alone for dateless activities.
    date_only = bool(r.is_date_only or r.is_all_day)
    return {
        "id": r.id,
        "uid": r.uid,
        "block": r.block,
        "category": r.category,
        "kind": r.kind,
        "title": r.title,
        "start": moment_text(r.starts_at, date_only),
        "end": moment_text(r.ends_at, date_only),
        "venue": r.venue,
        "status": r.status,
        "visibility": r.visibility,
        "participants": r.participants,
    }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return fiscal.to_jst(moment).replace(microsecond=0).isoformat()


def year_submissions(fiscal_year: int, block_ids: list[int] | None = None) -> dict:
    """The body of GET /api/v1/submissions/<year>: every block asked for (all ten when None),
    each with its record and plan as {"state", "submitted_at", "counts"}. Two statements."""
    check_year(fiscal_year)
    ax = axes()
    blocks = [b for b in ax.blocks if block_ids is None or b.id in block_ids]
    latest = latest_snapshots(fiscal_year, [b.id for b in blocks], with_details=False)
    out = {}
    for b in blocks:
        entry = {}
        for kind in SUBMISSION_KINDS:
            pair = latest.get((b.id, kind))
            if pair is None:
                entry[kind] = {"state": "none", "submitted_at": None, "counts": None}
                continue
            submission, snapshot = pair
            entry[kind] = {
                "state": submission.state,
                "submitted_at": _iso(submission.submitted_at),
                "counts": {c.code: int(snapshot.counts.get(c.code, 0)) for c in ax.categories},
            }
        out[b.code] = entry
    return {"fiscal_year": fiscal_year, "blocks": out}
