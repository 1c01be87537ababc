"""Spreadsheets run a cell that starts like a formula (= + - @, or a tab or CR before one) even
when it comes from a CSV file. Exports quote such cells with a leading apostrophe; imports take
the apostrophe off again, so an exported file imports back unchanged."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """The cell as written to a CSV or XLSX file: a text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_cell(text: str, starts: tuple[str, ...] = FORMULA_START) -> str:
    """Undo escape_cell(). `starts` narrows the characters a table's import recognises."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(starts):
        return text[1:]
    return text
