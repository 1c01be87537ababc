"""The adopted research themes, as the analysis reads them: one small interface.

The portal (council/portal/, another branch) owns the themes register with its lead and
participating organisations and an optional budget. The analysis needs only these reads of
it, given here as a protocol; `NoThemes` answers nothing (an app without the register), and
tests install their own source with `set_source()`.

`PortalThemes` implements the reads over the portal's models; create_app installs it
(`set_source(app, PortalThemes())`):
- members(first_fy, last_fy): one ThemeMembers per theme adopted in that range, with the
  ids (agencies.id) of its lead and participating organisations;
- funding(fiscal_years): the budgets of the themes the survey counts in those years, summed
  by year, kind, block and field (ThemeSums; a theme that a funding record names is left
  out: the record replaces it); measure_funding(fiscal_year): the same budgets by measure;
  uncounted(fiscal_year): one UncountedTheme per budgeted theme of that year that cannot be
  placed (no measure, no field, no block), with the reason; latest_year(): the newest fiscal
  year with a budgeted theme (None when there is none); the rules are in theme_budgets.py;
- version(): a string that changes whenever a theme or its organisations change (for
  example f"{count}:{max(updated_at)}" over the themes and their organisation links).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import sqlalchemy as sa
from flask import Flask, current_app

from council.analysis import theme_budgets
from council.analysis.theme_budgets import ThemeSums, UncountedTheme, budget_million
from council.extensions import db
from council.portal.models.registers import Theme, theme_participants

EXTENSION_KEY = "analysis.theme_source"
__all__ = ["ThemeSums", "UncountedTheme", "budget_million"]


@dataclass(frozen=True)
class ThemeMembers:
    theme_id: int
    fiscal_year: int
    block_id: int | None
    agency_ids: tuple[int, ...]


class ThemeSource(Protocol):
    def members(self, first_fy: int, last_fy: int) -> Iterable[ThemeMembers]: ...

    def funding(self, fiscal_years: Iterable[int]) -> Iterable[ThemeSums]: ...

    def measure_funding(self, fiscal_year: int) -> dict[int, Decimal]: ...

    def uncounted(self, fiscal_year: int) -> Iterable[UncountedTheme]: ...

    def latest_year(self) -> int | None: ...

    def version(self) -> str: ...


class NoThemes:
    """No themes register yet: nothing to add."""

    def members(self, first_fy, last_fy):
        return ()

    def funding(self, fiscal_years):
        return ()

    def measure_funding(self, fiscal_year):
        return {}

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

    def funding(self, fiscal_years: Iterable[int]) -> Iterable[ThemeSums]:
        return theme_budgets.sums(fiscal_years)

    def measure_funding(self, fiscal_year: int) -> dict[int, Decimal]:
        return theme_budgets.by_measure(fiscal_year)

    def uncounted(self, fiscal_year: int) -> Iterable[UncountedTheme]:
        return theme_budgets.uncounted(fiscal_year)

    def latest_year(self) -> int | None:
        return theme_budgets.latest_year()

    @staticmethod
    def probes() -> list:
        """Scalar subqueries whose values change with any theme or organisation link, for
        a caller to read in its own statement (one scalar subquery per aggregate). Themes
        are withdrawn, never deleted (a funding record may name one): the newest id and the
        newest change are index probes where a count would scan; a change of a theme's
        organisations stamps the theme too (portal.services.save_record)."""
        return [
            sa.select(sa.func.max(Theme.id)).scalar_subquery(),
            sa.select(sa.func.max(Theme.updated_at)).scalar_subquery(),
        ]

    def version(self) -> str:
        return ":".join(str(v) for v in db.session.execute(sa.select(*self.probes())).one())
