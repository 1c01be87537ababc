"""What every table is laid on: the fiscal years the system keeps, the blocks (columns) and the
categories (rows), read in one statement."""

from dataclasses import dataclass

import sqlalchemy as sa

from council.activities.models import Category
from council.directory.models import Block
from council.errors import DomainError
from council.extensions import db
from council.fiscal import FIRST_YEAR, LAST_YEAR


class ReportError(DomainError):
    """A request for figures that cannot be answered (bad year, unknown code); the message
    is shown to the user."""


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ReportError(f"年度は{FIRST_YEAR}年度から{LAST_YEAR}年度の範囲で指定してください。")
    return year


@dataclass(frozen=True)
class Axis:
    id: int
    code: str
    name: str
    short_name: str


@dataclass(frozen=True)
class Axes:
    """The columns (blocks) and rows (categories) of every table, in SPEC order."""

    blocks: tuple[Axis, ...]
    categories: tuple[Axis, ...]

    def block(self, code: str) -> Axis | None:
        return next((b for b in self.blocks if b.code == code), None)

    def category(self, code: str) -> Axis | None:
        return next((c for c in self.categories if c.code == code), None)

    def block_code(self, block_id: int | None) -> str | None:
        return next((b.code for b in self.blocks if b.id == block_id), None)

    def category_code(self, category_id: int) -> str | None:
        return next((c.code for c in self.categories if c.id == category_id), None)


def axes() -> Axes:
    """Blocks and categories by sort order, in one statement (both are small)."""
    rows = db.session.execute(
        sa.union_all(
            sa.select(
                sa.literal("b").label("axis"),
                Block.id,
                Block.code,
                Block.name,
                Block.name.label("short_name"),
                Block.sort_order,
            ),
            sa.select(
                sa.literal("c"),
                Category.id,
                Category.code,
                Category.name,
                Category.short_name,
                Category.sort_order,
            ),
        ).order_by(sa.text("axis"), sa.text("sort_order"), sa.text("id"))
    ).all()
    blocks = tuple(Axis(r.id, r.code, r.name, r.short_name) for r in rows if r.axis == "b")
    categories = tuple(
        Axis(r.id, r.code, r.name, r.short_name or r.name) for r in rows if r.axis == "c"
    )
    return Axes(blocks, categories)
