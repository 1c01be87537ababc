"""The Activity CSV's columns, and the names people give them: codes, or the Japanese headers
and the labels shown on screen.

Codes stay the default export (other tools rely on them); `?labels=1` writes these headers and
labels instead, and the import accepts either, so a file exported with labels, edited in Excel
and saved as Shift_JIS imports back with only the edited rows changed.
"""

from council.activities.models import COUNCIL_KINDS, HQ_KINDS, STATUSES, VISIBILITIES
from council.tables.reading import Cells
from council.tables.results import ImportRejected, Problem
from council.tables.text import column_names, fold

COLUMNS = (
    "block",
    "category",
    "kind",
    "title",
    "start",
    "end",
    "venue",
    "status",
    "visibility",
    "participants",
    "organizers",
)
# Column code → the Japanese header written by the labelled export.
HEADERS = {
    "block": "ブロック",
    "category": "区分",
    "kind": "種別",
    "title": "件名",
    "start": "開始",
    "end": "終了",
    "venue": "会場",
    "status": "状態",
    "visibility": "公開範囲",
    "participants": "参加者数",
    "organizers": "共催機関",
}
# Other Japanese headers people write for the same columns.
ALIASES = {
    "地域ブロック": "block",
    "活動区分": "category",
    "名称": "title",
    "開始日時": "start",
    "開始日": "start",
    "終了日時": "end",
    "終了日": "end",
    "場所": "venue",
    "参加人数": "participants",
    "共催": "organizers",
}
_HEADER_NAMES = column_names(HEADERS, ALIASES)


def _names(labels: dict[str, str]) -> dict[str, str]:
    """A choice's code or its label → the code."""
    return {**{code: code for code in labels}, **{v: k for k, v in labels.items()}}


STATUS_NAMES = _names(STATUSES)
VISIBILITY_NAMES = _names(VISIBILITIES)
COUNCIL_KIND_NAMES = _names(COUNCIL_KINDS)
HQ_KIND_NAMES = _names(HQ_KINDS)


def column_of(header: str) -> str | None:
    """The column code of a header cell (code or Japanese), or None when unknown."""
    return _HEADER_NAMES.get(fold(header))


def rejected(problems: list[Problem]) -> ImportRejected:
    """The file refused, its problems in line and column order."""
    return ImportRejected(problems, COLUMNS)


def read_header(cells: Cells, line: int) -> list[str]:
    """The column codes of the header row; Japanese headers (件名, 開始 …) are accepted."""
    names = [column_of(c) or fold(c) for c, _ in cells]
    while names and names[-1] == "":
        names.pop()
    problems = []
    for name in names:
        if name == "":
            problems.append(Problem(line, None, "見出しが空欄の列があります。"))
        elif name not in COLUMNS:
            problems.append(Problem(line, name or None, f"不明な列「{name}」があります。"))
        elif names.count(name) > 1:
            problems.append(Problem(line, name, f"列「{name}」が重複しています。"))
    for name in COLUMNS:
        if name not in names:
            problems.append(Problem(line, name, f"列「{name}」がありません。"))
    if problems:
        expected = ",".join(COLUMNS)
        japanese = ",".join(HEADERS.values())
        problems.append(
            Problem(
                line,
                None,
                f"1行目(見出し)は次の列にしてください: {expected}(または {japanese})",
            )
        )
        raise rejected(list(dict.fromkeys(problems)))
    return names
