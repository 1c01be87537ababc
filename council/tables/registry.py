"""The table imports by name, for a domain that loads another domain's table (national events
are loaded through the Activity CSV) without importing that domain's import code: the owning
`csv/` package registers its import function, the user asks for it by the table's name."""

from collections.abc import Callable

from council.tables.results import ImportSummary

Importer = Callable[..., ImportSummary]
_IMPORTERS: dict[str, Importer] = {}


def register(table: str, importer: Importer) -> None:
    _IMPORTERS[table] = importer


def import_table(table: str, data: bytes, **options) -> ImportSummary:
    """Import `data` into the named table with its import function (all rows or none;
    flushes, never commits); raises ImportRejected as that function does."""
    return _IMPORTERS[table](data, **options)
