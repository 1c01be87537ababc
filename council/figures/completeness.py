"""The completeness check (点検) of a block's fiscal year before it is submitted.

Each finding names one activity and has a severity:

- red (要対応): the submitted figures would be wrong or the official record is missing, so the
  block may not submit until it is fixed —
  a held meeting with no minutes at all (the minutes are the official record of a meeting);
  an activity whose date has passed but that is still 予定 (it was held, cancelled or
  postponed, and the figures cannot say which).
- amber (確認): the figures are right but the record is not finished; the block may submit —
  minutes that exist but are not approved yet (they are circulating or a draft: the meeting
  is counted correctly either way);
  a held activity with no participant count (publications and websites, which have no
  audience, are not asked);
  a held joint event with no co-organisers where its category expects them;
  a postponed activity still waiting for its new date (the postponement itself is recorded,
  so it is not counted as held).

Green is a year with no finding. One statement per call, whatever the number of activities.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from council import fiscal
from council.activities.models import Activity, Category, activity_organizers
from council.extensions import db, utc_now
from council.minutes.models import Minutes

RED = "red"
AMBER = "amber"
GREEN = "green"
SEVERITY_LABELS = {RED: "要対応", AMBER: "確認", GREEN: "問題なし"}

# code -> (severity, what is wrong, in Japanese)
CHECKS = {
    "no_minutes": (RED, "実施済みの会議に議事録がありません"),
    "past_planned": (RED, "開催日を過ぎていますが「予定」のままです"),
    "minutes_unapproved": (AMBER, "議事録が未確定です"),
    "no_participants": (AMBER, "参加者数が未入力です"),
    "no_organizers": (AMBER, "共催機関が未登録です"),
    "date_pending": (AMBER, "延期後の日程が未定です"),
}
# How a user fixes each finding: shown beside it.
FIXES = {
    "no_minutes": "議事録を作成し、確定してください。",
    "past_planned": "「実施済み」「延期」「中止」のいずれかにしてください。",
    "minutes_unapproved": "議事録を照会・確定してください。",
    "no_participants": "参加者数を入力してください。",
    "no_organizers": "共催機関を登録してください。",
    "date_pending": "新しい日程を登録するか、中止にしてください。",
}


@dataclass(frozen=True)
class Finding:
    code: str
    activity_id: int
    block_id: int
    title: str
    starts_at: datetime
    category_name: str

    @property
    def severity(self) -> str:
        return CHECKS[self.code][0]

    @property
    def problem(self) -> str:
        return CHECKS[self.code][1]

    @property
    def fix(self) -> str:
        return FIXES[self.code]

    @property
    def start_on(self):
        return fiscal.to_jst(self.starts_at).date()

    @property
    def name(self) -> str:
        """「title」(2007年11月28日(水)): how a message names the activity."""
        return f"「{self.title}」({fiscal.format_date(self.start_on)})"


@dataclass
class Completeness:
    block_id: int
    fiscal_year: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def red(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == RED]

    @property
    def amber(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == AMBER]

    @property
    def status(self) -> str:
        if self.red:
            return RED
        return AMBER if self.amber else GREEN

    @property
    def status_label(self) -> str:
        return SEVERITY_LABELS[self.status]


def _order(code: str) -> int:
    return list(CHECKS).index(code)


def check_blocks(
    fiscal_year: int, block_ids: list[int] | None = None, *, now: datetime | None = None
) -> dict[int, Completeness]:
    """The completeness of each block's fiscal year ({block_id: Completeness}); every block
    asked for is present, green when nothing was found. `block_ids=None` means every block
    that has activities in the year (callers add the others as green). One statement."""
    flags = _flags(now or utc_now())
    out = {b: Completeness(b, fiscal_year) for b in block_ids or ()}
    for row in db.session.execute(_flagged(fiscal_year, block_ids, flags)):
        result = out.setdefault(row.block_id, Completeness(row.block_id, fiscal_year))
        result.findings += [
            Finding(code, row.id, row.block_id, row.title, row.starts_at, row.category_name)
            for code in flags
            if getattr(row, code)
        ]
    for result in out.values():
        # Red first, then by check, keeping the date order within a check.
        result.findings.sort(key=lambda f: (f.severity != RED, _order(f.code)))
    return out


def _flags(now: datetime) -> dict:
    """{check code: SQL condition on an activity (joined to its category and minutes)}, in the
    order of CHECKS."""
    today_starts = fiscal.jst_datetime(fiscal.to_jst(now).date())
    held = Activity.status == "held"
    has_organizers = (
        sa.exists().where(activity_organizers.c.activity_id == Activity.id).correlate(Activity)
    )
    return {
        "no_minutes": sa.and_(held, Category.is_meeting, Minutes.id.is_(None)),
        # Its day is over: a multi-day exhibition counts as passed once its last day is.
        "past_planned": sa.and_(
            Activity.status == "planned",
            sa.func.coalesce(Activity.ends_at, Activity.starts_at) < today_starts,
        ),
        "minutes_unapproved": sa.and_(held, Category.is_meeting, Minutes.status != "approved"),
        "no_participants": sa.and_(held, Activity.participants.is_(None), ~Category.is_date_only),
        "no_organizers": sa.and_(held, Category.expects_organizers, ~has_organizers),
        "date_pending": sa.and_(Activity.status == "postponed", Activity.is_new_date_pending),
    }


def _flagged(fiscal_year: int, block_ids: list[int] | None, flags: dict):
    """The statement: the year's block activities (not cancelled) with at least one flag,
    each flag a 0/1 column, by category and date."""
    columns = [sa.case((cond, 1), else_=0).label(code) for code, cond in flags.items()]
    stmt = (
        sa.select(
            Activity.id,
            Activity.block_id,
            Activity.title,
            Activity.starts_at,
            Category.name.label("category_name"),
            *columns,
        )
        .join(Category, Category.id == Activity.category_id)
        .outerjoin(Minutes, Minutes.activity_id == Activity.id)
        .where(
            Activity.fiscal_year == fiscal_year,
            Activity.deleted_at.is_(None),
            Activity.block_id.is_not(None),
            Activity.status != "cancelled",
            sa.or_(*flags.values()),
        )
        .order_by(Category.sort_order, Activity.starts_at, Activity.id)
    )
    if block_ids is not None:
        stmt = stmt.where(Activity.block_id.in_(block_ids))
    return stmt


def check_block(block_id: int, fiscal_year: int, *, now: datetime | None = None) -> Completeness:
    return check_blocks(fiscal_year, [block_id], now=now)[block_id]
