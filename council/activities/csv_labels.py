"""The Activity CSV as people read it: Japanese headers and the labels shown on screen.

Codes stay the default export (other tools rely on them); `?labels=1` writes these headers and
labels instead, and the import accepts either, so a file exported with labels, edited in Excel
and saved as Shift_JIS imports back with only the edited rows changed.
"""

import unicodedata

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
_HEADER_NAMES = {
    **{code: code for code in HEADERS},
    **{label: code for code, label in HEADERS.items()},
    **ALIASES,
}

# Windows (cp932) and Unicode disagree on a few look-alike characters: a title typed with 〜
# (U+301C) comes back from a Shift_JIS file as ～ (U+FF5E). Matching folds them together.
_CP932_LOOKALIKES = str.maketrans(
    {
        "\u301c": "\uff5e",
        "\u2016": "\u2225",
        "\u2212": "\uff0d",
        "\u00a2": "\uffe0",
        "\u00a3": "\uffe1",
        "\u00ac": "\uffe2",
        "\u2014": "\u2015",
    }
)


def column_of(header: str) -> str | None:
    """The column code of a header cell (code or Japanese), or None when unknown."""
    name = unicodedata.normalize("NFKC", header).strip()
    return _HEADER_NAMES.get(name.lower()) or _HEADER_NAMES.get(name)


def fold_lookalikes(text: str) -> str:
    return text.translate(_CP932_LOOKALIKES)
