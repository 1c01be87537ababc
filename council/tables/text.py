"""Matching what people type in Excel against codes, names and headers."""

import unicodedata
from collections.abc import Mapping

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


def fold(text: str | None) -> str:
    """Width and case folded, surrounding blanks off (ＰＴ, 　関東 …): how codes and names
    typed in Excel are compared."""
    return unicodedata.normalize("NFKC", text or "").strip().lower()


def fold_lookalikes(text: str) -> str:
    return text.translate(_CP932_LOOKALIKES)


def column_names(
    labels: Mapping[str, str], aliases: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A header cell (folded) → its column code, for a table whose header may name a column by
    its code, by its Japanese label (`labels`: code → label) or by an alias (alias → code)."""
    names = {fold(code): code for code in labels}
    names |= {fold(label): code for code, label in labels.items()}
    names |= {fold(alias): code for alias, code in (aliases or {}).items()}
    return names
