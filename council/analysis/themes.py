"""The adopted research themes, as the analysis reads them: one small interface.

The portal (council/portal/, another branch) owns the themes register with its lead and
participating organisations and an optional budget. The analysis needs only three reads of
it, given here as a protocol; `NoThemes` answers nothing (an app without the register), and
tests install their own source with `set_source()`.

`PortalThemes` implements the three reads over the portal's models; create_app installs it
(`set_source(app, PortalThemes())`):
- members(first_fy, last_fy): one ThemeMembers per theme adopted in that range, with the
  ids (agencies.id) of its lead and participating organisations;
- funding(fiscal_years): one ThemeFunding per theme that carries a budget in those years
  and can be counted; uncounted(fiscal_year): one UncountedTheme per budgeted theme of that
  year that cannot (no measure, no field, no block), with the reason; latest_year(): the
  newest fiscal year with a budgeted theme (None when there is none);
- version(): a string that changes whenever a theme or its organisations change (for
  example f"{count}:{max(updated_at)}" over the themes and their organisation links).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

import sqlalchemy as sa
from flask import Flask, current_app

from council.directory.models import Agency
from council.extensions import db
from council.measures.models import Measure
from council.portal.models.registers import Theme, theme_participants
from council.reference.models import Prefecture

EXTENSION_KEY = "analysis.theme_source"
# The measures register's flag that makes a measure's themes large projects (大型プロジェクト);
# a theme of any other measure counts as a research grant (研究開発助成事業).
LARGE_PROJECT_FLAG = "large_project"
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ThemeMembers:
    theme_id: int
    fiscal_year: int
    block_id: int | None
    agency_ids: tuple[int, ...]


@dataclass(frozen=True)
class ThemeFunding:
    theme_id: int
    fiscal_year: int
    kind: str  # "large" or "grant"
    ministry_id: int
    measure_id: int | None
    block_id: int
    field_id: int
    amount_million: Decimal


@dataclass(frozen=True)
class UncountedTheme:
    """An adopted theme with a budget that the survey cannot place, and why."""

    theme_id: int
    fiscal_year: int
    title: str
    amount_million: Decimal
    reason: str


def budget_million(budget_thousand_yen: int) -> Decimal:
    """A theme's budget (thousand yen) in ¥ million with one decimal, rounded half up per
    theme before any sum (¥50,000 → 0.1, ¥49,000 → 0.0, ¥1,250,000 → 1.3)."""
    return (Decimal(budget_thousand_yen) / 1000).quantize(TENTH, rounding=ROUND_HALF_UP)


class ThemeSource(Protocol):
    def members(self, first_fy: int, last_fy: int) -> Iterable[ThemeMembers]: ...

    def funding(self, fiscal_years: Iterable[int]) -> Iterable[ThemeFunding]: ...

    def uncounted(self, fiscal_year: int) -> Iterable[UncountedTheme]: ...

    def latest_year(self) -> int | None: ...

    def version(self) -> str: ...


class NoThemes:
    """No themes register yet: nothing to add."""

    def members(self, first_fy, last_fy):
        return ()

    def funding(self, fiscal_years):
        return ()

    def uncounted(self, fiscal_year):
        return ()

    def latest_year(self):
        return None

    def version(self) -> str:
        return "none"


def set_source(app: Flask, source: ThemeSource) -> None:
    app.extensions[EXTENSION_KEY] = source


def get_source() -> ThemeSource:
    return current_app.extensions.get(EXTENSION_KEY) or NoThemes()


class PortalThemes:
    """The portal's register of adopted research themes (published ones only: a draft or a
    withdrawn theme is not an adoption)."""

    def members(self, first_fy: int, last_fy: int) -> Iterable[ThemeMembers]:
        rows = db.session.execute(
            sa.select(
                Theme.id,
                Theme.fiscal_year,
                Theme.block_id,
                Theme.lead_agency_id,
                theme_participants.c.agency_id,
            )
            .outerjoin(theme_participants, theme_participants.c.theme_id == Theme.id)
            .where(
                Theme.status == "published",
                Theme.fiscal_year >= first_fy,
                Theme.fiscal_year <= last_fy,
            )
            .order_by(Theme.id)
        ).all()
        themes: dict[int, tuple[int, int | None, list[int]]] = {}
        for theme_id, fy, block_id, lead_id, agency_id in rows:
            entry = themes.setdefault(theme_id, (fy, block_id, [lead_id]))
            if agency_id is not None and agency_id not in entry[2]:
                entry[2].append(agency_id)
        return [
            ThemeMembers(theme_id, fy, block_id, tuple(ids))
            for theme_id, (fy, block_id, ids) in themes.items()
        ]

    def funding(self, fiscal_years: Iterable[int]) -> Iterable[ThemeFunding]:
        """The budgeted themes of those years that the survey can place: ministry and kind
        from the theme's measure, block from the theme (or its lead's prefecture), field."""
        out = []
        for row in self._budgeted(fiscal_years):
            if _missing(row):
                continue
            is_large = LARGE_PROJECT_FLAG in (row.flags or "").split(",")
            out.append(
                ThemeFunding(
                    row.id, row.fiscal_year, "large" if is_large else "grant", row.ministry_id,
                    row.measure_id, row.block_id, row.field_id, budget_million(row.budget),
                )
            )  # fmt: skip
        return out

    def uncounted(self, fiscal_year: int) -> Iterable[UncountedTheme]:
        return [
            UncountedTheme(
                row.id, row.fiscal_year, row.title, budget_million(row.budget), "、".join(reasons)
            )
            for row in self._budgeted([fiscal_year])
            if (reasons := _missing(row))
        ]

    def latest_year(self) -> int | None:
        """The newest fiscal year of a published theme with a budget."""
        return db.session.scalar(
            sa.select(sa.func.max(Theme.fiscal_year)).where(
                Theme.status == "published", Theme.budget > 0
            )
        )

    def _budgeted(self, fiscal_years: Iterable[int]):
        """Published themes of those years with a budget above zero, one statement."""
        return db.session.execute(
            sa.select(
                Theme.id,
                Theme.fiscal_year,
                Theme.title,
                Theme.budget,
                Theme.measure_id,
                Theme.field_id,
                Measure.ministry_id,
                Measure.flags,
                sa.func.coalesce(Theme.block_id, Prefecture.block_id).label("block_id"),
            )
            .join(Agency, Agency.id == Theme.lead_agency_id)
            .outerjoin(Prefecture, Prefecture.id == Agency.prefecture_id)
            .outerjoin(Measure, Measure.id == Theme.measure_id)
            .where(
                Theme.status == "published",
                Theme.budget > 0,
                Theme.fiscal_year.in_(sorted(set(fiscal_years))),
            )
            .order_by(Theme.id)
        ).all()

    def version(self) -> str:
        themes = db.session.execute(
            sa.select(sa.func.count(Theme.id), sa.func.max(Theme.updated_at))
        ).one()
        links = db.session.scalar(sa.select(sa.func.count()).select_from(theme_participants))
        return f"{themes[0]}:{themes[1]}:{links}"


def _missing(row) -> list[str]:
    """Why the survey cannot count this theme (empty when it can)."""
    reasons = []
    if row.measure_id is None:
        reasons.append("施策(府省)が未設定")
    if row.field_id is None:
        reasons.append("研究分野が未設定")
    if row.block_id is None:
        reasons.append("ブロックが決まらない(実施機関の所在地が未登録)")
    return reasons
