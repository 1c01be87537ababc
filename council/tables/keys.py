"""Idempotence on a natural key: a row is the same record as a stored one (or as an earlier row)
when its natural key matches, so that importing a file twice changes nothing."""

from collections.abc import Hashable


class FirstLines:
    """The line where each natural key first appeared in the file."""

    def __init__(self) -> None:
        self._lines: dict[Hashable, int] = {}

    def earlier(self, key: Hashable, line: int) -> int | None:
        """The line of an earlier row with this key (the same record twice in one file, which
        the caller refuses), or None after remembering this one."""
        if key in self._lines:
            return self._lines[key]
        self._lines[key] = line
        return None
