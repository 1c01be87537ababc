"""Reads of the submission cycle: what each block has submitted, the figures as submitted beside
the figures now (with who changed what since), plan vs actual from the submitted plan, and the
JSON of GET /api/v1/submissions/<year>.

The figures themselves always come from council.reports.queries (held counts for a record,
planned counts for a plan, the same detail rows): a snapshot and "now" are counted alike.
Every function runs a fixed number of statements, whatever the number of blocks and
activities.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from council import fiscal
from council.activities.models import COUNCIL_KINDS, STATUSES, Activity
from council.audit.models import AuditEntry
from council.extensions import db, utc_now
from council.reports import queries as reports
from council.submissions import completeness
from council.submissions.models import SUBMISSION_KINDS, SUBMISSION_STATES, Snapshot, Submission

# The measure of the fiscal-year tables that each kind of submission freezes.
KIND_MEASURES = {"record": "held", "plan": "planned"}
# The fields of a snapshot's detailed list that a correction is judged on.
DETAIL_FIELDS = {
    "category": "区分",
    "title": "名称",
    "start": "開始",
    "end": "終了",
    "venue": "場所",
    "status": "状態",
    "participants": "参加者数",
    "organizers": "共催機関",
}


# --- the detailed list of a snapshot ---------------------------------------------------------


def _moment(value: datetime | None, all_day: bool) -> str | None:
    if value is None:
        return None
    local = fiscal.to_jst(value)
    return local.date().isoformat() if all_day else local.isoformat()


def detail_dict(row: reports.DetailRow) -> dict:
    """One activity as a snapshot freezes it (JSON values only)."""
    return {
        "id": row.id,
        "category": row.category_code,
        "kind": row.kind,
        "title": row.title,
        "start": _moment(row.starts_at, row.is_all_day),
        "end": _moment(row.ends_at, row.is_all_day),
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
    ax = ax or reports.axes()
    rows = reports.detail_rows(fiscal_year, block_id, None, measure=measure, ax=ax)
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


def start_label(item: dict) -> str:
    """2007年11月28日(水) 14:00 (or the date alone) for a detail dict's start."""
    start = item.get("start")
    if not start:
        return ""
    if len(start) == 10:
        return fiscal.format_date(datetime.fromisoformat(start).date())
    return fiscal.format_datetime(datetime.fromisoformat(start))


def signed(n: int) -> str:
    """+2, -1 or 0: how a difference is written."""
    return f"+{n}" if n > 0 else str(n)


def detail_value_label(name: str, value, categories: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "(なし)"
    if name == "category":
        return categories.get(value, value)
    if name == "status":
        return STATUSES.get(value, value)
    if name in ("start", "end"):
        return start_label({"start": value})
    if name == "organizers":
        return "、".join(value)
    return str(value)


# --- submissions and their latest snapshots ----------------------------------------------------


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


def snapshot_history(submission: Submission) -> list[Snapshot]:
    """Every snapshot of a submission, oldest first, without their detailed lists."""
    return list(
        db.session.scalars(
            sa.select(Snapshot)
            .where(Snapshot.submission_id == submission.id)
            .options(defer(Snapshot.details), selectinload(Snapshot.submitted_by))
            .order_by(Snapshot.number)
        )
    )


def get_submission(block_id: int, fiscal_year: int, kind: str) -> Submission | None:
    return db.session.scalar(
        sa.select(Submission).where(
            Submission.block_id == block_id,
            Submission.fiscal_year == fiscal_year,
            Submission.kind == kind,
        )
    )


def get_snapshot(submission: Submission, number: int) -> Snapshot | None:
    return db.session.scalar(
        sa.select(Snapshot)
        .where(Snapshot.submission_id == submission.id, Snapshot.number == number)
        .options(selectinload(Snapshot.submitted_by))
    )


# --- figures as submitted beside figures now ---------------------------------------------------


@dataclass
class CountDiff:
    category_code: str
    category_name: str
    submitted: int
    current: int

    @property
    def diff(self) -> int:
        return self.current - self.submitted


@dataclass
class RowChange:
    """One activity whose line in the detailed list differs from the snapshot."""

    change: str  # added / removed / changed
    activity_id: int
    before: dict | None
    after: dict | None
    fields: list[str] = field(default_factory=list)  # changed DETAIL_FIELDS
    entries: list[AuditEntry] = field(default_factory=list)  # who, when, why (since)

    CHANGE_LABELS = {"added": "追加", "removed": "除外", "changed": "変更"}

    @property
    def change_label(self) -> str:
        return self.CHANGE_LABELS[self.change]

    @property
    def line(self) -> dict:
        return self.after or self.before or {}


@dataclass
class KindDiff:
    """協議会 or 幹事会 under the council category: as submitted (None when the snapshot does
    not tell, as those frozen before the split was counted) and now."""

    kind: str
    label: str
    submitted: int | None
    current: int

    @property
    def diff(self) -> int | None:
        return None if self.submitted is None else self.current - self.submitted


def kind_split(snapshot: Snapshot) -> dict[str, int] | None:
    """{kind: n} of the council category as the snapshot froze it, or None when its lines do
    not add up to its category total (the total is what was submitted and is kept)."""
    items = [i for i in snapshot.details or [] if i.get("category") == reports.COUNCIL]
    split = {k: sum(1 for i in items if i.get("kind") == k) for k in COUNCIL_KINDS}
    if sum(split.values()) != int(snapshot.counts.get(reports.COUNCIL, 0)):
        return None
    return split


@dataclass
class Corrections:
    """A snapshot's figures beside the figures now, and what moved them since."""

    snapshot: Snapshot
    counts: list[CountDiff]
    changes: list[RowChange]
    kinds: list[KindDiff] = field(default_factory=list)

    @property
    def submitted_total(self) -> int:
        return sum(c.submitted for c in self.counts)

    @property
    def current_total(self) -> int:
        return sum(c.current for c in self.counts)

    @property
    def diff_total(self) -> int:
        return self.current_total - self.submitted_total

    @property
    def has_differences(self) -> bool:
        return bool(self.changes) or any(c.diff for c in self.counts)


def compare(
    snapshot: Snapshot, current_counts: dict[str, int], current_rows: list[dict], ax
) -> Corrections:
    """The snapshot against the figures now: counts per category and the lines of the detailed
    list that were added, removed or changed (pure: no database)."""
    counts = [
        CountDiff(c.code, c.short_name, int(snapshot.counts.get(c.code, 0)), current_counts[c.code])
        for c in ax.categories
    ]
    before = {item["id"]: item for item in snapshot.details or []}
    after = {item["id"]: item for item in current_rows}
    changes = []
    for activity_id, item in after.items():
        old = before.get(activity_id)
        if old is None:
            changes.append(RowChange("added", activity_id, None, item))
            continue
        moved = [name for name in DETAIL_FIELDS if old.get(name) != item.get(name)]
        if moved:
            changes.append(RowChange("changed", activity_id, old, item, moved))
    for activity_id, item in before.items():
        if activity_id not in after:
            changes.append(RowChange("removed", activity_id, item, None))
    order = {c.code: i for i, c in enumerate(ax.categories)}
    changes.sort(
        key=lambda r: (
            order.get(r.line.get("category"), 99),
            r.line.get("start") or "",
            r.activity_id,
        )
    )
    split = kind_split(snapshot)
    kinds = [
        KindDiff(
            kind,
            label,
            split[kind] if split is not None else None,
            sum(
                1
                for i in current_rows
                if i.get("category") == reports.COUNCIL and i.get("kind") == kind
            ),
        )
        for kind, label in COUNCIL_KINDS.items()
    ]
    return Corrections(snapshot, counts, changes, kinds)


def attach_entries(corrections: list[Corrections]) -> None:
    """Who changed the differing activities since each snapshot, when and why: the audit
    entries of those activities written after the snapshot was taken. One statement."""
    wanted = [(c.snapshot.submitted_at, r) for c in corrections for r in c.changes]
    if not wanted:
        return
    ids = sorted({r.activity_id for _, r in wanted})
    since = min(at for at, _ in wanted)
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.object_type == "Activity",
            AuditEntry.object_id.in_(ids),
            AuditEntry.created_at > since,
        )
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).all()
    by_activity: dict[int, list[AuditEntry]] = {}
    for entry in entries:
        by_activity.setdefault(entry.object_id, []).append(entry)
    for at, row in wanted:
        row.entries = [e for e in by_activity.get(row.activity_id, []) if e.created_at > at]


# --- one block's or every block's state for a fiscal year -----------------------------------------


@dataclass
class KindState:
    """A block's record or plan for the year: not submitted, submitted or returned."""

    kind: str
    submission: Submission | None = None
    snapshot: Snapshot | None = None
    corrections: Corrections | None = None

    @property
    def kind_label(self) -> str:
        return SUBMISSION_KINDS[self.kind]

    @property
    def state(self) -> str:
        return self.submission.state if self.submission is not None else "none"

    @property
    def state_label(self) -> str:
        return SUBMISSION_STATES[self.state]


@dataclass
class BlockState:
    block: reports.Axis
    completeness: completeness.Completeness
    record: KindState
    plan: KindState

    @property
    def kinds(self) -> list[KindState]:
        return [self.record, self.plan]


@dataclass
class YearState:
    fiscal_year: int
    axes: reports.Axes
    blocks: list[BlockState]

    @property
    def label(self) -> str:
        return fiscal.fiscal_year_label(self.fiscal_year)

    def count(self, kind: str, state: str) -> int:
        return sum(1 for b in self.blocks if getattr(b, kind).state == state)


def year_state(
    fiscal_year: int, block_code: str | None = None, *, now: datetime | None = None
) -> YearState:
    """The submission state of every block (or of one block) for a fiscal year: completeness,
    record and plan with their latest snapshots, each compared with the figures now, and the
    audit entries behind every difference. At most nine statements."""
    reports.check_year(fiscal_year)
    ax = reports.axes()
    blocks = list(ax.blocks)
    if block_code is not None:
        blocks = [b for b in blocks if b.code == block_code]
    block_id = blocks[0].id if block_code is not None and blocks else None
    ids = [b.id for b in blocks]
    figures = reports.year_figures(fiscal_year, ax, block_id=block_id)
    found = completeness.check_blocks(fiscal_year, ids, now=now or utc_now())
    latest = latest_snapshots(fiscal_year, ids)
    current_rows: dict[str, dict[str, list[dict]]] = {}
    for kind, measure in KIND_MEASURES.items():
        if any(k == kind for _, k in latest):
            rows = snapshot_details(fiscal_year, block_id, measure, ax=ax)
            by_block: dict[str, list[dict]] = {b.code: [] for b in blocks}
            for item in rows:
                by_block.setdefault(item.get("block") or block_code, []).append(item)
            current_rows[kind] = by_block
    out, compared = [], []
    for b in blocks:
        states = {}
        for kind, measure in KIND_MEASURES.items():
            state = KindState(kind)
            pair = latest.get((b.id, kind))
            if pair is not None:
                state.submission, state.snapshot = pair
                state.corrections = compare(
                    state.snapshot,
                    figures.counts[measure][b.code],
                    current_rows[kind][b.code],
                    ax,
                )
                compared.append(state.corrections)
            states[kind] = state
        out.append(BlockState(b, found[b.id], states["record"], states["plan"]))
    attach_entries(compared)
    return YearState(fiscal_year, ax, out)


def snapshot_corrections(snapshot: Snapshot, block, fiscal_year: int, kind: str) -> Corrections:
    """One (possibly older) snapshot against the figures now, with the entries since it."""
    ax = reports.axes()
    measure = KIND_MEASURES[kind]
    figures = reports.year_figures(fiscal_year, ax, block_id=block.id)
    rows = snapshot_details(fiscal_year, block.id, measure, ax=ax)
    result = compare(snapshot, figures.counts[measure][block.code], rows, ax)
    attach_entries([result])
    return result


def block_years(block_id: int, years: list[int]) -> dict[int, dict[str, Submission]]:
    """{year: {kind: Submission}} of one block for the given years (the secretariat's index)."""
    out: dict[int, dict[str, Submission]] = {y: {} for y in years}
    for s in db.session.scalars(
        sa.select(Submission).where(
            Submission.block_id == block_id, Submission.fiscal_year.in_(years)
        )
    ):
        out[s.fiscal_year][s.kind] = s
    return out


# --- plan vs actual from the submitted plan -------------------------------------------------------

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

    block: reports.Axis
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
    reports.check_year(fiscal_year)
    ax = reports.axes()
    ids = [b.id for b in ax.blocks if block_code is None or b.code == block_code]
    plans = {
        block_id: pair
        for (block_id, kind), pair in latest_snapshots(fiscal_year, ids).items()
        if kind == "plan"
    }
    if not plans:
        return {}
    planned_ids = {item["id"] for _, snap in plans.values() for item in snap.details or []}
    rows = db.session.execute(
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
    now_by_id = {r.id: r for r in rows}
    out = {}
    for b in ax.blocks:
        if b.id not in plans:
            continue
        submission, snapshot = plans[b.id]
        in_plan = set()
        lines = []
        for item in snapshot.details or []:
            in_plan.add(item["id"])
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
        for r in rows:
            if (
                r.block_id == b.id
                and r.id not in in_plan
                and r.fiscal_year == fiscal_year
                and r.status != "cancelled"
                and r.deleted_at is None
            ):
                lines.append(
                    PlanLine(
                        r.id,
                        ax.category_code(r.category_id),
                        r.title,
                        _moment(r.starts_at, r.is_all_day),
                        "added",
                        r.fiscal_year,
                        r.status,
                    )
                )
        out[b.code] = PlanVsActual(b, submission, snapshot, ax.categories, lines)
    return out


# --- the JSON API ---------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return fiscal.to_jst(moment).replace(microsecond=0).isoformat()


def api_year(fiscal_year: int, block_ids: list[int] | None = None) -> dict:
    """The body of GET /api/v1/submissions/<year>: every block asked for (all ten when None),
    each with its record and plan as {"state", "submitted_at", "counts"}. Two statements."""
    reports.check_year(fiscal_year)
    ax = reports.axes()
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
