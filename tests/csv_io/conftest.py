"""Activity CSV helpers: rows with sensible defaults, files encoded as Excel saves them."""

import io

import pytest

from council.activities.csv.labels import COLUMNS

DEFAULT_ROW = {
    "block": "kanto",
    "category": "briefing",
    "kind": "",
    "title": "合同公募説明会",
    "start": "2007-06-20 14:00",
    "end": "2007-06-20 16:00",
    "venue": "さいたま新都心合同庁舎1号館",
    "status": "held",
    "visibility": "public",
    "participants": "50",
    "organizers": "関東経済産業局;関東総合通信局",
}


def csv_row(**cells) -> dict:
    unknown = set(cells) - set(COLUMNS)
    assert not unknown, unknown
    return {**DEFAULT_ROW, **cells}


def csv_text(rows, header=COLUMNS, newline="\r\n") -> str:
    """A CSV as Excel writes it: every cell that needs it quoted, CRLF line ends."""

    def cell(value: str) -> str:
        if any(ch in value for ch in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(cell(row[c]) for c in header))
    return newline.join(lines) + newline


def csv_bytes(rows, encoding="utf-8", **kwargs) -> bytes:
    return csv_text(rows, **kwargs).encode(encoding)


def numbered_rows(n: int, **cells) -> list[dict]:
    """n distinct kanto briefings on successive days of FY2007."""
    from datetime import date, timedelta

    rows = []
    for i in range(n):
        day = date(2007, 5, 1) + timedelta(days=i)
        rows.append(
            csv_row(
                title=f"合同公募説明会 第{i + 1}回",
                start=f"{day} 14:00",
                end=f"{day} 16:00",
                **cells,
            )
        )
    return rows


@pytest.fixture
def upload(client):
    """upload(data, dry_run=False): POST a file to the import page."""

    def post(data: bytes, filename="activities.csv", dry_run=False, c=None):
        form = {"file": (io.BytesIO(data), filename)}
        if dry_run:
            form["dry_run"] = "y"
        return (c or client).post(
            "/activities/import", data=form, content_type="multipart/form-data"
        )

    return post
