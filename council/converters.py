"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

# PostgreSQL's INTEGER (the primary keys and years) stops here; SQLite's at 2^63 - 1. A larger
# id cannot name a row, so the URL does not match (404) instead of overflowing the driver.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` with an upper bound, so that no route hands the database an id it cannot
    store."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002  (werkzeug's signature)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register(app) -> None:
    """Before any blueprint: rules pick their converter class when they are added."""
    app.url_map.converters["int"] = BoundedIntConverter


def page_arg(args, name: str = "page") -> int:
    """A page number from the query string: 1 when missing or not a number, and never past
    what an OFFSET can hold."""
    return min(max(args.get(name, 1, type=int), 1), MAX_ID)


def id_arg(args, name: str) -> int | None:
    """An id from the query string, or None. An id no row can have (beyond MAX_ID) becomes 0,
    which matches nothing, instead of overflowing the driver."""
    value = args.get(name, type=int)
    if value is not None and not -MAX_ID <= value <= MAX_ID:
        return 0
    return value
