"""Input cleaning shared by forms, imports and query parameters: control characters and
surrounding blanks. PostgreSQL refuses NUL and SQLite would keep it, so neither reaches the
database."""

import re

# Any control character: for one-line values (names, codes, search words).
CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f]")
# Control characters other than tab and line breaks: for multi-line text.
CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    """A WTForms filter: surrounding blanks off a string, anything else unchanged."""
    return value.strip() if isinstance(value, str) else value


def has_control(text: str | None, *, multiline: bool = True) -> bool:
    pattern = CONTROL_TEXT if multiline else CONTROL_LINE
    return bool(text) and pattern.search(text) is not None


def without_control(text: str | None, limit: int | None = None) -> str:
    """A query parameter made safe to use: control characters dropped, blanks stripped, cut to
    `limit` characters."""
    cleaned = CONTROL_LINE.sub("", text or "").strip()
    return cleaned[:limit] if limit is not None else cleaned
