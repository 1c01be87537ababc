"""One fiscal year of the measures register: the lines beside the published count and total.

The annual report publishes, per fiscal year, how many ministries and measures were
coordinated and their total budget. The register holds one budget line per measure and year;
this module puts the two side by side and says, in Japanese, where they differ, so that a
reader sees how the lines make up the published figures (or that they do not yet).
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council import fiscal
from council.directory.models import Ministry
from council.extensions import db
from council.measures.models import Measure, PublishedTotal


@dataclass
class Line:
    measure: Measure
    amount: int | None  # million yen; None: counted this year, no budget entered
    children: list[Measure] = field(default_factory=list)


@dataclass
class YearRegister:
    fiscal_year: int
    published: PublishedTotal | None
    lines: list[Line]
    ended: list[Measure]  # counted last year, not this year (with their successors)

    @property
    def label(self) -> str:
        return fiscal.fiscal_year_label(self.fiscal_year)

    @property
    def budget_lines(self) -> list[Line]:
        return [line for line in self.lines if line.amount is not None]

    @property
    def line_sum(self) -> int:
        return sum(line.amount for line in self.budget_lines)

    @property
    def ministries_count(self) -> int:
        return len({line.measure.ministry_id for line in self.lines})

    def explanations(self) -> list[str]:
        """How the lines make up the published figures, and every difference, in words."""
        out = []
        p, lines = self.published, self.budget_lines
        if p is None:
            out.append("この年度の公表値(府省数・施策数・合計額)は登録されていません。")
        if not lines:
            if p is not None:
                out.append(
                    f"施策別の予算行は登録されていません。公表値({p.ministries_count}府省"
                    f"{p.measures_count}施策、{p.amount_million:,}百万円)のみを示します。"
                )
            return out
        if p is None:
            return out
        diff = self.line_sum - p.amount_million
        if diff == 0:
            out.append(
                f"予算行{len(lines)}行の合計{self.line_sum:,}百万円は公表合計額と一致します。"
            )
        else:
            out.append(
                f"予算行{len(lines)}行の合計{self.line_sum:,}百万円は公表合計額"
                f"{p.amount_million:,}百万円と{diff:+,}百万円異なります。"
            )
        if len(lines) != p.measures_count:
            out.append(
                f"予算行は{len(lines)}行、公表の施策数は{p.measures_count}施策です"
                f"(差{len(lines) - p.measures_count:+d})。数え方は下の説明を参照してください。"
            )
        else:
            out.append(f"予算行の数は公表の施策数{p.measures_count}と一致します。")
        if self.ministries_count != p.ministries_count:
            out.append(
                f"予算行の府省は{self.ministries_count}、公表の府省数は{p.ministries_count}です。"
            )
        return out


def year_register(year: int) -> YearRegister:
    """The register of fiscal year `year`. Three statements."""
    measures = db.session.scalars(
        sa.select(Measure)
        .join(Ministry)
        .options(
            selectinload(Measure.budgets),
            selectinload(Measure.ministry),
            selectinload(Measure.successor),
            selectinload(Measure.predecessors),
        )
        .order_by(Ministry.sort_order, Measure.sort_order, Measure.id)
    ).all()
    published = db.session.scalar(
        sa.select(PublishedTotal).where(PublishedTotal.fiscal_year == year)
    )
    children: dict[int, list[Measure]] = {}
    for m in measures:
        if m.parent_id is not None:
            children.setdefault(m.parent_id, []).append(m)
    lines = []
    for m in measures:
        if m.parent_id is not None or not _counted(m, year):
            continue
        amount = next((b.amount_million for b in m.budgets if b.fiscal_year == year), None)
        lines.append(Line(m, amount, _descendants(m, children)))
    ended = [m for m in measures if m.last_fy == year - 1 and m.parent_id is None]
    return YearRegister(year, published, lines, ended)


def _counted(measure: Measure, year: int) -> bool:
    """A line of the year: it has a budget that year, or its recorded life covers the year
    (a measure with no recorded start shows where its budget lines are)."""
    if measure.last_fy is not None and year > measure.last_fy:
        return False
    if any(b.fiscal_year == year for b in measure.budgets):
        return True
    return measure.first_fy is not None and measure.first_fy <= year


def _descendants(measure: Measure, children: dict[int, list[Measure]]) -> list[Measure]:
    out, stack = [], list(reversed(children.get(measure.id, [])))
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(reversed(children.get(child.id, [])))
    return out
