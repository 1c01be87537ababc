"""Load or 404, then check access or 403: the first two steps of every view."""

import sqlalchemy as sa
from flask import abort

from council import fiscal
from council.directory.models import Block
from council.extensions import db


def block_or_404(code: str) -> Block:
    """The block with this code; block codes are short ASCII words, anything else (a NUL, say)
    is simply not found."""
    block = None
    if code.isascii() and code.isalnum():
        block = db.session.scalar(sa.select(Block).where(Block.code == code))
    if block is None:
        abort(404)
    return block


def year_or_404(year: int | str | None) -> int:
    """A fiscal year the system keeps (FIRST_YEAR..LAST_YEAR), given as a number or as typed
    (2007, 平成19年度); anything else is a page that does not exist."""
    value = fiscal.parse_fiscal_year(year)
    if value is None or not fiscal.FIRST_YEAR <= value <= fiscal.LAST_YEAR:
        abort(404)
    return value


def require(allowed: bool) -> None:
    """The one way a view refuses access: pass it a predicate of council.permissions."""
    if not allowed:
        abort(403)
