"""The budgets of the portal's adopted research themes, as the funding survey counts them.

A published theme with a budget above zero is money of its measure's ministry: a large
project (大型プロジェクト) when its measure carries the register's `large_project` flag,
otherwise a research grant (研究開発助成事業); in the theme's block (or, when the theme has
none, the block of its lead organisation's prefecture) and research field. Its budget, in
thousand yen, counts as ¥ million rounded half up to one decimal per theme, before any sum
(¥50,000 → 0.1, ¥49,000 → 0.0, ¥1,250,000 → 1.3). A funding record that names the theme
replaces it, so no money is counted twice. A budgeted theme without a measure, a field or a
block cannot be placed: it is listed with the reason, never silently dropped.

Every read is one aggregating statement, however many themes there are.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from council.analysis.funding.models import FundingRecord
from council.directory.models import Agency
from council.extensions import db
from council.measures.models import Measure
from council.portal.models.registers import Theme
from council.reference.models import Prefecture

LARGE_PROJECT_FLAG = "large_project"
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ThemeSums:
    """The budgets of the counted themes of one fiscal year, kind, block and field."""

    fiscal_year: int
    kind: str  # "large" or "grant"
    block_id: int
    field_id: int
    amount_million: Decimal
    themes: int


@dataclass(frozen=True)
class UncountedTheme:
    """An adopted theme with a budget that the survey cannot place, and why."""

    theme_id: int
    fiscal_year: int
    title: str
    amount_million: Decimal
    reason: str


def budget_million(budget_thousand_yen: int) -> Decimal:
    """A theme's budget (thousand yen) in ¥ million with one decimal, rounded half up."""
    return (Decimal(budget_thousand_yen) / 1000).quantize(TENTH, rounding=ROUND_HALF_UP)


def _tenths():
    # The same rounding in integers (budget ≥ 1): ¥100,000 units, half up.
    return (Theme.budget + 50) // 100


def _block():
    """The theme's block, else its lead's (a scalar subquery, read only when needed)."""
    lead_block = (
        sa.select(Prefecture.block_id)
        .join(Agency, Agency.prefecture_id == Prefecture.id)
        .where(Agency.id == Theme.lead_agency_id)
        .scalar_subquery()
    )
    return sa.func.coalesce(Theme.block_id, lead_block)


def _budgeted(years: list[int]) -> list:
    """Published, budgeted themes of those years that no funding record names."""
    named = sa.exists().where(FundingRecord.theme_id == Theme.id)
    return [
        Theme.status == "published",
        Theme.budget > 0,
        Theme.fiscal_year.in_(sorted(set(years))),
        ~named,
    ]


def sums(years) -> list[ThemeSums]:
    """The counted themes' budgets by fiscal year, kind, block and field."""
    flags = sa.literal(",") + Measure.flags + sa.literal(",")
    large = sa.select(Measure.id).where(flags.like(f"%,{LARGE_PROJECT_FLAG},%"))
    kind = sa.case((Theme.measure_id.in_(large), "large"), else_="grant")
    block = _block()
    query = (
        sa.select(
            Theme.fiscal_year,
            kind,
            block,
            Theme.field_id,
            sa.func.sum(_tenths()),
            sa.func.count(),
        )
        .where(
            *_budgeted(years),
            Theme.measure_id.is_not(None),
            Theme.field_id.is_not(None),
            block.is_not(None),
        )
        .group_by(Theme.fiscal_year, kind, block, Theme.field_id)
    )
    return [
        ThemeSums(fy, k, b, f, Decimal(int(tenths)) / 10, n)
        for fy, k, b, f, tenths, n in db.session.execute(query)
    ]


def by_measure(year: int) -> dict[int, Decimal]:
    """The counted themes' budgets of `year` by measure."""
    block = _block()
    query = (
        sa.select(Theme.measure_id, sa.func.sum(_tenths()))
        .where(
            *_budgeted([year]),
            Theme.measure_id.is_not(None),
            Theme.field_id.is_not(None),
            block.is_not(None),
        )
        .group_by(Theme.measure_id)
    )
    return {m: Decimal(int(tenths)) / 10 for m, tenths in db.session.execute(query)}


def uncounted(year: int) -> list[UncountedTheme]:
    """The budgeted themes of `year` that cannot be placed, with the reasons."""
    block = _block()
    rows = db.session.execute(
        sa.select(Theme.id, Theme.title, Theme.budget, Theme.measure_id, Theme.field_id, block)
        .where(
            *_budgeted([year]),
            sa.or_(Theme.measure_id.is_(None), Theme.field_id.is_(None), block.is_(None)),
        )
        .order_by(Theme.id)
    )
    return [
        UncountedTheme(theme_id, year, title, budget_million(budget), "、".join(_missing(m, f, b)))
        for theme_id, title, budget, m, f, b in rows
    ]


def _missing(measure_id, field_id, block_id) -> list[str]:
    reasons = []
    if measure_id is None:
        reasons.append("施策(府省)が未設定")
    if field_id is None:
        reasons.append("研究分野が未設定")
    if block_id is None:
        reasons.append("ブロックが決まらない(実施機関の所在地が未登録)")
    return reasons


def latest_year() -> int | None:
    """The newest fiscal year of a published theme with a budget."""
    return db.session.scalar(
        sa.select(sa.func.max(Theme.fiscal_year)).where(
            Theme.status == "published", Theme.budget > 0
        )
    )
