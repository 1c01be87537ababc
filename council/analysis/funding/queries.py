"""The funding survey of one fiscal year: block × field sums per kind, from the records and
from the budgets of adopted themes that no record names (council/analysis/theme_budgets.py).
Aggregation is done in SQL: a constant number of statements, however many records and
themes there are."""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from council import fiscal
from council.analysis import themes
from council.analysis.funding.models import KINDS, FundingRecord
from council.cache import single_read
from council.directory.models import Agency, Block, Ministry
from council.extensions import db
from council.measures.models import Measure, MeasureBudget
from council.portal.models.registers import Theme
from council.reference.models import ResearchField

ZERO = Decimal("0.0")


@dataclass(frozen=True)
class Axis:
    code: str
    name: str
    id: int


@dataclass
class MeasureLine:
    ministry: str
    measure_id: int
    name: str
    budget: int | None
    funded: Decimal

    @property
    def share(self) -> float | None:
        """The part of the budget line that the funding records account for (%)."""
        if not self.budget:
            return None
        return float(self.funded) * 100 / self.budget


@dataclass
class FundingFigures:
    fiscal_year: int
    blocks: list[Axis]
    fields: list[Axis]
    # kind -> block code -> field code -> amount (¥M)
    matrix: dict[str, dict[str, dict[str, Decimal]]]
    # kind -> block code -> amount of the previous fiscal year
    previous: dict[str, dict[str, Decimal]]
    measures: list[MeasureLine] = field(default_factory=list)
    record_count: int = 0
    # Adopted themes whose budget the year's figures include (no record names them), and the
    # budgeted themes of the year that could not be placed (listed, not silently dropped).
    derived_count: int = 0
    uncounted: list[themes.UncountedTheme] = field(default_factory=list)

    @property
    def label(self) -> str:
        return fiscal.fiscal_year_label(self.fiscal_year)

    def row_total(self, kind: str, block: str) -> Decimal:
        return sum(self.matrix[kind][block].values(), ZERO)

    def column_total(self, kind: str, field_code: str) -> Decimal:
        return sum((self.matrix[kind][b.code][field_code] for b in self.blocks), ZERO)

    def total(self, kind: str) -> Decimal:
        return sum((self.row_total(kind, b.code) for b in self.blocks), ZERO)

    def previous_total(self, kind: str) -> Decimal:
        return sum(self.previous[kind].values(), ZERO)

    def ranking(self, kind: str) -> list[tuple[int, Axis, Decimal, float]]:
        """(rank, block, amount, share %) by amount, ties sharing a rank."""
        total = self.total(kind)
        ordered = sorted(self.blocks, key=lambda b: (-self.row_total(kind, b.code), b.id))
        out, rank, last = [], 0, None
        for i, b in enumerate(ordered, start=1):
            amount = self.row_total(kind, b.code)
            if amount != last:
                rank, last = i, amount
            out.append((rank, b, amount, _share(amount, total)))
        return out

    def field_shares(self, kind: str) -> list[tuple[Axis, Decimal, float]]:
        total = self.total(kind)
        return [
            (f, self.column_total(kind, f.code), _share(self.column_total(kind, f.code), total))
            for f in self.fields
        ]

    def change(self, kind: str, block: str) -> tuple[Decimal, Decimal, float | None]:
        """(previous FY, difference, change %) for one block."""
        before = self.previous[kind][block]
        diff = self.row_total(kind, block) - before
        return before, diff, (float(diff) * 100 / float(before) if before else None)

    def as_json(self) -> dict:
        return {
            "fiscal_year": self.fiscal_year,
            "unit": "million_yen",
            **{
                kind: {
                    b.code: {f.code: float(self.matrix[kind][b.code][f.code]) for f in self.fields}
                    for b in self.blocks
                }
                for kind in KINDS
            },
        }


def latest_year(default: int) -> int:
    """The newest fiscal year that has funding records or budgeted themes (the survey's
    landing year)."""
    years = [
        db.session.scalar(sa.select(sa.func.max(FundingRecord.fiscal_year))),
        themes.get_source().latest_year(),
    ]
    return max((y for y in years if y is not None), default=default)


def _share(amount: Decimal, total: Decimal) -> float:
    return float(amount) * 100 / float(total) if total else 0.0


def axes(block_ids: list[int] | None = None) -> tuple[list[Axis], list[Axis]]:
    query = sa.select(Block).order_by(Block.sort_order)
    if block_ids is not None:
        query = query.where(Block.id.in_(block_ids))
    blocks = [Axis(b.code, b.name, b.id) for b in db.session.scalars(query)]
    fields = [
        Axis(f.code, f.name, f.id)
        for f in db.session.scalars(sa.select(ResearchField).order_by(ResearchField.sort_order))
    ]
    return blocks, fields


def year_figures(year: int, block_ids: list[int] | None = None) -> FundingFigures:
    """The survey of `year`, limited to `block_ids` (a secretariat's own block) when given."""
    blocks, fields = axes(block_ids)
    code_of_block = {b.id: b.code for b in blocks}
    code_of_field = {f.id: f.code for f in fields}
    matrix = {k: {b.code: {f.code: ZERO for f in fields} for b in blocks} for k in KINDS}
    previous = {k: {b.code: ZERO for b in blocks} for k in KINDS}
    rows_count = 0
    for fy, kind, block_id, field_id, amount, n in _record_sums(year, block_ids):
        _add(
            matrix,
            previous,
            year,
            fy,
            kind,
            code_of_block.get(block_id),
            code_of_field.get(field_id),
            Decimal(int(amount)) / 10,
        )
        if fy == year:
            rows_count += n
    source = themes.get_source()
    derived = list(source.funding([year, year - 1]))
    for t in derived:
        _add(
            matrix,
            previous,
            year,
            t.fiscal_year,
            t.kind,
            code_of_block.get(t.block_id),
            code_of_field.get(t.field_id),
            Decimal(t.amount_million),
        )
    figures = FundingFigures(year, blocks, fields, matrix, previous, record_count=rows_count)
    figures.derived_count = sum(
        t.themes for t in derived if t.fiscal_year == year and t.block_id in code_of_block
    )
    if block_ids is None:
        figures.measures = measure_lines(year, source.measure_funding(year))
        figures.uncounted = list(source.uncounted(year))
    return figures


def _record_sums(year: int, block_ids: list[int] | None):
    """(fiscal year, kind, block id, field id, tenths, count) of `year` and the year before."""
    query = (
        sa.select(
            FundingRecord.fiscal_year,
            FundingRecord.kind,
            FundingRecord.block_id,
            FundingRecord.field_id,
            sa.func.sum(FundingRecord.amount_tenths),
            sa.func.count(),
        )
        .where(FundingRecord.fiscal_year.in_([year, year - 1]))
        .group_by(
            FundingRecord.fiscal_year,
            FundingRecord.kind,
            FundingRecord.block_id,
            FundingRecord.field_id,
        )
    )
    if block_ids is not None:
        query = query.where(FundingRecord.block_id.in_(block_ids))
    return db.session.execute(query).all()


def _add(matrix, previous, year, fy, kind, block, field_code, amount) -> None:
    if block is None or field_code is None or kind not in KINDS:
        return
    if fy == year:
        matrix[kind][block][field_code] += amount
    else:
        previous[kind][block] += amount


def measure_lines(year: int, derived: dict[int, Decimal] | None = None) -> list[MeasureLine]:
    """Per measure: its budget line of `year` beside the sum of its funding records and of
    the budgets of its adopted themes that no record replaces (`derived`: measure → ¥M)."""
    funded = defaultdict(lambda: ZERO)
    for measure_id, amount in db.session.execute(
        sa.select(FundingRecord.measure_id, sa.func.sum(FundingRecord.amount_tenths))
        .where(FundingRecord.fiscal_year == year, FundingRecord.measure_id.is_not(None))
        .group_by(FundingRecord.measure_id)
    ):
        funded[measure_id] = Decimal(int(amount)) / 10
    for measure_id, amount in (derived or {}).items():
        funded[measure_id] += amount
    rows = db.session.execute(
        sa.select(Measure.id, Measure.name, Ministry.name, MeasureBudget.amount_million)
        .join(Ministry, Ministry.id == Measure.ministry_id)
        .outerjoin(
            MeasureBudget,
            sa.and_(MeasureBudget.measure_id == Measure.id, MeasureBudget.fiscal_year == year),
        )
        .order_by(Ministry.sort_order, Measure.sort_order, Measure.id)
    ).all()
    return [
        MeasureLine(ministry, measure_id, name, budget, funded[measure_id])
        for measure_id, name, ministry, budget in rows
        if budget is not None or measure_id in funded
    ]


def _aggregates():
    """One scalar subquery per aggregate (SQLite answers a lone MAX() from an index).
    The first two are the newest changes, which decide whether the data has settled."""
    measure_sum = sa.func.sum(
        Measure.id
        * (
            sa.func.length(Measure.name)
            + 7 * sa.func.length(Measure.flags)
            + 13 * Measure.ministry_id
            + 17 * sa.func.coalesce(Measure.parent_id, 0)
        )
    )
    return [
        sa.select(sa.func.max(FundingRecord.updated_at)).scalar_subquery(),
        sa.select(sa.func.max(Theme.updated_at)).scalar_subquery(),
        sa.select(sa.func.max(FundingRecord.id)).scalar_subquery(),
        sa.select(sa.func.count(FundingRecord.id)).scalar_subquery(),
        sa.select(sa.func.count(Theme.id)).scalar_subquery(),
        sa.select(sa.func.count(Measure.id)).scalar_subquery(),
        sa.select(measure_sum).scalar_subquery(),
        sa.select(
            sa.func.sum(MeasureBudget.id * (MeasureBudget.amount_million + 1))
            + sa.func.count(MeasureBudget.id)
        ).scalar_subquery(),
        sa.select(sa.func.sum(Agency.version) + sa.func.count(Agency.id)).scalar_subquery(),
    ]


@functools.cache
def _version_statement():
    """Built once: the page reads it on every request, and a statement built anew would be
    compiled anew."""
    return sa.select(*_aggregates())


def data_version() -> tuple | None:
    """What the survey page shows depends on: the funding records, the adopted themes (their
    budgets, status and placement), the measures and their budget lines, the agencies (a
    theme's lead places it). One statement of aggregates; None while a change settles, and
    None when a source other than the portal's register supplies the themes (a test's)."""
    if not isinstance(themes.get_source(), themes.PortalThemes):
        return None
    row = single_read(_version_statement())
    settle = timedelta(seconds=current_app.config.get("FEED_SETTLE_SECONDS", 60))
    now = datetime.now(UTC)
    if any(stamp is not None and now - stamp < settle for stamp in row[:2]):
        return None
    return tuple(row)
