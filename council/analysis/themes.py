"""The adopted research themes, as the analysis reads them: one small interface.

The portal (council/portal/, another branch) owns the themes register with its lead and
participating organisations and an optional budget. The analysis needs only three reads of
it, given here as a protocol; `NoThemes` stands in until the portal is merged, and tests
install their own source with `set_source()`.

At merge, the lead adds a `PortalThemes` class here implementing the three methods over the
portal's models and installs it in create_app (`set_source(app, PortalThemes())`):
- members(first_fy, last_fy): one ThemeMembers per theme adopted in that range, with the
  ids (agencies.id) of its lead and participating organisations;
- funding(fiscal_years): one ThemeFunding per theme that carries a budget in those years;
- version(): a string that changes whenever a theme or its organisations change (for
  example f"{count}:{max(updated_at)}" over the themes and their organisation links).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from flask import Flask, current_app

EXTENSION_KEY = "analysis.theme_source"


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


class ThemeSource(Protocol):
    def members(self, first_fy: int, last_fy: int) -> Iterable[ThemeMembers]: ...

    def funding(self, fiscal_years: Iterable[int]) -> Iterable[ThemeFunding]: ...

    def version(self) -> str: ...


class NoThemes:
    """No themes register yet: nothing to add."""

    def members(self, first_fy, last_fy):
        return ()

    def funding(self, fiscal_years):
        return ()

    def version(self) -> str:
        return "none"


def set_source(app: Flask, source: ThemeSource) -> None:
    app.extensions[EXTENSION_KEY] = source


def get_source() -> ThemeSource:
    return current_app.extensions.get(EXTENSION_KEY) or NoThemes()
