"""Line diffs of the record between two versions of the minutes (a conflict, a correction):
pure functions over texts, for display."""

import difflib
from dataclasses import dataclass

from council.minutes.models import RECORD_FIELDS


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def line_diff(old: str, new: str) -> list[DiffLine]:
    """A line diff for display; the template escapes every line."""
    old_lines = (old or "").splitlines()
    new_lines = (new or "").splitlines()
    out = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(DiffLine("same", line) for line in old_lines[i1:i2])
            continue
        out.extend(DiffLine("removed", line) for line in old_lines[i1:i2])
        out.extend(DiffLine("added", line) for line in new_lines[j1:j2])
    return out


def field_diffs(old: dict, new: dict) -> dict[str, list[DiffLine]]:
    """Per record field, the diff from `old` to `new`, for the fields that differ."""
    return {
        name: line_diff(old.get(name, ""), new.get(name, ""))
        for name in RECORD_FIELDS
        if (old.get(name) or "") != (new.get(name) or "")
    }
