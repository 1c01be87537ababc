"""Plan vs actual from the submitted plan: each activity of a block's latest plan snapshot
followed to what it is now, and what was added beyond the plan."""

from dataclasses import dataclass

import sqlalchemy as sa

from council.activities.models import STATUSES, Activity
from council.extensions import db
from council.figures.axes import Axes, Axis, axes, check_year
from council.figures.snapshots import latest_snapshots, moment_text
from council.submissions.models import Snapshot, Submission

# What became of each activity of the submitted plan, in the order of the table.
OUTCOMES = {
    "held": "計画どおり実施",
    "cancelled": "中止",
    "moved": "他年度へ延期",
    "pending": "未実施(予定・延期中)",
    "deleted": "削除",
}
ADDED_LABEL = "計画外追加"


@dataclass
class PlanLine:
    activity_id: int
    category_code: str
    title: str
    start: str | None  # ISO, as in a snapshot
    outcome: str  # an OUTCOMES key, or "added"
    fiscal_year: int | None  # where the activity is now
    status: str | None  # what it is now

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, ADDED_LABEL)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status or "", "")


@dataclass
class PlanVsActual:
    """The block's submitted plan (its latest snapshot) against what happened."""

    block: Axis
    submission: Submission
    snapshot: Snapshot
    categories: tuple
    lines: list[PlanLine]

    def count(self, outcome: str, category_code: str | None = None) -> int:
        return sum(
            1
            for line in self.lines
            if line.outcome == outcome
            and (category_code is None or line.category_code == category_code)
        )

    def planned(self, category_code: str | None = None) -> int:
        return sum(
            1
            for line in self.lines
            if line.outcome != "added"
            and (category_code is None or line.category_code == category_code)
        )

    def held(self, category_code: str | None = None) -> int:
        """Held in the year now: as planned, plus the additions that were held."""
        return sum(
            1
            for line in self.lines
            if line.status == "held"
            and line.fiscal_year == self.snapshot_year
            and line.outcome in ("held", "added")
            and (category_code is None or line.category_code == category_code)
        )

    @property
    def snapshot_year(self) -> int:
        return self.submission.fiscal_year

    def lines_of(self, outcome: str) -> list[PlanLine]:
        return [line for line in self.lines if line.outcome == outcome]


def _outcome(year: int, row) -> str:
    if row is None or row.deleted_at is not None:
        return "deleted"
    if row.status == "cancelled":
        return "cancelled"
    if row.fiscal_year != year:
        return "moved"
    if row.status == "held":
        return "held"
    return "pending"


def plan_vs_actual(fiscal_year: int, block_code: str | None = None) -> dict[str, PlanVsActual]:
    """{block_code: PlanVsActual} for the blocks that have submitted a plan for the year.

    Each activity of the plan's latest snapshot is followed to what it is now: held in the
    year as planned, cancelled, postponed (or moved) to another fiscal year, not held yet
    (still 予定 or 延期 within the year), or deleted. Every activity of the year now that is
    not cancelled and was not in the plan is "added beyond the plan" (計画外追加). Lines are
    counted under the category the plan gave them (additions: their category now).
    Three statements."""
    check_year(fiscal_year)
    ax = axes()
    ids = [b.id for b in ax.blocks if block_code is None or b.code == block_code]
    plans = {
        block_id: pair
        for (block_id, kind), pair in latest_snapshots(fiscal_year, ids).items()
        if kind == "plan"
    }
    if not plans:
        return {}
    rows = _activities_now(fiscal_year, plans)
    out = {}
    for b in ax.blocks:
        if b.id in plans:
            submission, snapshot = plans[b.id]
            lines = _planned_lines(fiscal_year, snapshot, rows)
            lines += _added_lines(fiscal_year, b.id, {line.activity_id for line in lines}, rows, ax)
            out[b.code] = PlanVsActual(b, submission, snapshot, ax.categories, lines)
    return out


def _activities_now(fiscal_year: int, plans: dict) -> list:
    """What the planned activities are now (wherever they went, deleted included), and every
    activity of the year now that may have been added beyond the plans: one statement."""
    planned_ids = {item["id"] for _, snap in plans.values() for item in snap.details or []}
    return db.session.execute(
        sa.select(
            Activity.id,
            Activity.block_id,
            Activity.category_id,
            Activity.title,
            Activity.starts_at,
            Activity.is_all_day,
            Activity.fiscal_year,
            Activity.status,
            Activity.deleted_at,
        ).where(
            sa.or_(
                Activity.id.in_(sorted(planned_ids)) if planned_ids else sa.false(),
                sa.and_(
                    Activity.fiscal_year == fiscal_year,
                    Activity.block_id.in_(list(plans)),
                    Activity.status != "cancelled",
                    Activity.deleted_at.is_(None),
                ),
            )
        )
    ).all()


def _planned_lines(fiscal_year: int, snapshot: Snapshot, rows: list) -> list[PlanLine]:
    """The plan's lines as frozen (its category, title and date), each with its outcome."""
    now_by_id = {r.id: r for r in rows}
    lines = []
    for item in snapshot.details or []:
        row = now_by_id.get(item["id"])
        lines.append(
            PlanLine(
                item["id"],
                item["category"],
                item["title"],
                item.get("start"),
                _outcome(fiscal_year, row),
                row.fiscal_year if row is not None else None,
                row.status if row is not None else None,
            )
        )
    return lines


def _added_lines(
    fiscal_year: int, block_id: int, in_plan: set[int], rows: list, ax: Axes
) -> list[PlanLine]:
    """The block's activities of the year now, not cancelled, that the plan did not hold."""
    return [
        PlanLine(
            r.id,
            ax.category_code(r.category_id),
            r.title,
            moment_text(r.starts_at, r.is_all_day),
            "added",
            r.fiscal_year,
            r.status,
        )
        for r in rows
        if r.block_id == block_id
        and r.id not in in_plan
        and r.fiscal_year == fiscal_year
        and r.status != "cancelled"
        and r.deleted_at is None
    ]
