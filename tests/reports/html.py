"""Read the count tables of the report pages back into numbers, as a user reads them."""

import re

CELL = re.compile(
    r'<td class="num" data-block="([^"]*)" data-category="([^"]*)" data-measure="([^"]*)">'
    r"(.*?)</td>",
    re.S,
)
TAG = re.compile(r"<[^>]+>")


def table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def counts(html: str, table_id: str) -> dict[tuple[str, str], int]:
    """{(block code or "", category code or ""): n}; "" marks a total."""
    out = {}
    for block, category, _measure, content in CELL.findall(table(html, table_id)):
        out[(block, category)] = int(TAG.sub("", content).replace(",", "").strip())
    return out


def matrix(html: str, table_id: str = "matrix") -> dict[str, dict[str, int]]:
    """{block: {category: n}} without the totals and without the 全国 line."""
    out: dict[str, dict[str, int]] = {}
    for (block, category), n in counts(html, table_id).items():
        if block and category and block != "national":
            out.setdefault(block, {})[category] = n
    return out


def national(html: str, table_id: str = "matrix") -> dict[str, int]:
    """{category: n} of the 全国 column, and "" for its total."""
    return {c: n for (b, c), n in counts(html, table_id).items() if b == "national"}


KIND_CELL = re.compile(
    r'<td class="num" data-block="([^"]*)" data-category="council" data-measure="[^"]*"'
    r' data-kind="([^"]*)">(.*?)</td>',
    re.S,
)


def kinds(html: str, table_id: str = "matrix") -> dict[tuple[str, str], int]:
    """{(block code, "" for the total, or "national"; kind): n} of the うち協議会/幹事会 rows."""
    return {
        (block, kind): int(TAG.sub("", content).replace(",", "").strip())
        for block, kind, content in KIND_CELL.findall(table(html, table_id))
    }
