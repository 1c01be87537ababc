"""The one optimistic lock: a record carries an integer `version` that every save increases
(SQLAlchemy's version_id_col), the edit form carries the version the user loaded, and a save
with a stale one is refused with a Conflict instead of overwriting the other user's change."""

from council.errors import Conflict

STALE = "他のユーザーが先に更新しました。最新の内容を確認してから、もう一度保存してください。"


class EditConflict(Conflict):
    """The record was saved by someone else after the user loaded it."""

    def __init__(self, record, expected_version: int, message: str = STALE):
        super().__init__(message)
        self.record = record
        self.expected_version = expected_version


def parse_version(text) -> int | None:
    """The version a form carried back ("" or garbage: none, i.e. no check)."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def check_version(record, expected_version: int | None, message: str = STALE) -> None:
    """Refuse a save based on a stale copy; None means the caller has nothing to compare."""
    if expected_version is not None and record.version != expected_version:
        raise EditConflict(record, expected_version, message)
