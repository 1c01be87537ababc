"""Reads of the submission cycle: what each block has submitted, and the figures as submitted
beside the figures now (with who changed what since).

The figures themselves always come from council.figures (held counts for a record, planned
counts for a plan, the same detail rows): a snapshot and "now" are counted alike. Every
function runs a fixed number of statements, whatever the number of blocks and activities.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from council import fiscal
from council.audit.models import AuditEntry
from council.extensions import db, utc_now
from council.figures import completeness
from council.figures.axes import Axes, Axis, axes, check_year
from council.figures.counts import YearFigures, year_figures
from council.figures.snapshots import KIND_MEASURES, latest_snapshots, snapshot_details
from council.submissions.corrections import Corrections, compare
from council.submissions.models import SUBMISSION_KINDS, SUBMISSION_STATES, Snapshot, Submission


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
    block: Axis
    completeness: completeness.Completeness
    record: KindState
    plan: KindState

    @property
    def kinds(self) -> list[KindState]:
        return [self.record, self.plan]


@dataclass
class YearState:
    fiscal_year: int
    axes: Axes
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
    check_year(fiscal_year)
    ax = axes()
    blocks = [b for b in ax.blocks if block_code is None or b.code == block_code]
    block_id = blocks[0].id if block_code is not None and blocks else None
    ids = [b.id for b in blocks]
    figures = year_figures(fiscal_year, ax, block_id=block_id)
    found = completeness.check_blocks(fiscal_year, ids, now=now or utc_now())
    latest = latest_snapshots(fiscal_year, ids)
    kinds = {kind for _, kind in latest}
    rows = _current_rows(fiscal_year, blocks, (block_code, block_id), kinds, ax)
    out = []
    for b in blocks:
        record, plan = (_kind_state(b, kind, latest, figures, rows, ax) for kind in KIND_MEASURES)
        out.append(BlockState(b, found[b.id], record, plan))
    attach_entries([k.corrections for b in out for k in b.kinds if k.corrections is not None])
    return YearState(fiscal_year, ax, out)


def _current_rows(
    fiscal_year: int, blocks: list[Axis], one_block: tuple, kinds: set[str], ax: Axes
) -> dict[str, dict[str, list[dict]]]:
    """{kind: {block_code: detail dicts now}}, only for the kinds that some block submitted
    (one statement each): the lines each snapshot is compared with. `one_block`: the code
    and id of the one block asked for, or (None, None)."""
    block_code, block_id = one_block
    out = {}
    for kind, measure in KIND_MEASURES.items():
        if kind in kinds:
            by_block: dict[str, list[dict]] = {b.code: [] for b in blocks}
            for item in snapshot_details(fiscal_year, block_id, measure, ax=ax):
                by_block.setdefault(item.get("block") or block_code, []).append(item)
            out[kind] = by_block
    return out


def _kind_state(
    block: Axis, kind: str, latest: dict, figures: YearFigures, rows: dict, ax: Axes
) -> KindState:
    """A block's record or plan: its latest snapshot, if any, against the figures now."""
    state = KindState(kind)
    pair = latest.get((block.id, kind))
    if pair is not None:
        state.submission, state.snapshot = pair
        counts = figures.counts[KIND_MEASURES[kind]][block.code]
        state.corrections = compare(state.snapshot, counts, rows[kind][block.code], ax)
    return state


def snapshot_corrections(snapshot: Snapshot, block, fiscal_year: int, kind: str) -> Corrections:
    """One (possibly older) snapshot against the figures now, with the entries since it."""
    ax = axes()
    measure = KIND_MEASURES[kind]
    figures = year_figures(fiscal_year, ax, block_id=block.id)
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
