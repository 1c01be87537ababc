"""The fiscal-year figures and their rendered tables, kept by each process per (year, data
version), the way the feeds keep their VEVENTs: a thin layer over counts.year_figures()
(council.figures).
The data version (council/cache.py) follows the activities and the memberships; the key adds
the table axes (blocks and categories), read anyway to build the figures. A query behind the
figures that comes to read another table must add that table's version to the key.
"""

from markupsafe import Markup

from council import cache
from council.figures import counts
from council.figures.axes import axes


def year_figures(year: int) -> tuple[counts.YearFigures, tuple | None]:
    """The figures of `year` and the key of their version (None while a change settles: the
    figures are then computed and not kept). Two statements, three on a miss."""
    ax = axes()
    version = cache.data_version()
    key = None if version is None else (year, ax, version)
    return cache.kept(
        "reports.figures", (year, ax), version, lambda: counts.year_figures(year, ax)
    ), key


def fragment(key: tuple | None, *parts, caller) -> Markup:
    """`{% call fragment(key, "name", arg) %}…{% endcall %}`: the block's HTML, rendered once
    per key and parts (cache.fragment). Everything inside the block must follow from them (the
    figures of `key`, and the parts: a name and the request arguments the block uses)."""
    return cache.fragment(
        "reports.fragments", None if key is None else (key, *parts), caller=caller
    )
