"""Every kind of bad cell is found, placed at its line and column, and explained in Japanese."""

import pytest

from council.activities.csv.importer import read_rows
from council.tables.results import ImportRejected
from tests.csv_io.conftest import COLUMNS, csv_bytes, csv_row, csv_text


def _problems(data: bytes, actor=None):
    try:
        read_rows(data, actor=actor, check_permissions=actor is not None)
    except ImportRejected as rejected:
        return rejected.problems
    return []


BAD_CELLS = [
    ({"block": "tokyo"}, "block", "地域ブロック「tokyo」は登録されていません"),
    ({"category": "宴会"}, "category", "区分「宴会」は登録されていません"),
    ({"category": "council", "kind": ""}, "kind", "council(協議会)か secretariat(幹事会)"),
    ({"kind": "council"}, "kind", "この区分では種別は空欄"),
    ({"title": ""}, "title", "件名を入力してください"),
    ({"title": "あ" * 201}, "title", "200文字以内"),
    ({"title": "説明会\x00"}, "title", "NUL"),
    ({"venue": "会場\x07"}, "venue", "制御文字"),
    ({"start": ""}, "start", "開始日を入力してください"),
    ({"start": "2007-11-28 25:00"}, "start", "日付として読めません"),
    ({"start": "28/11/2007"}, "start", "日付として読めません"),
    ({"start": "1907-11-28 14:00", "end": ""}, "start", "2000年から2100年まで"),
    ({"end": "2007-06-20 13:00"}, "end", "終了は開始より後"),
    ({"start": "2007-06-20", "end": "2007-06-19"}, "end", "終了日は開始日以降"),
    ({"category": "publication", "end": ""}, "start", "日付のみで登録します"),
    ({"participants": "-5"}, "participants", "0以上"),
    ({"participants": "五十"}, "participants", "整数"),
    ({"participants": "2000000"}, "participants", "1,000,000以下"),
    (
        {"organizers": "関東経済産業局;架空機関"},
        "organizers",
        "機関「架空機関」は構成機関名簿にありません",
    ),
    ({"status": "done"}, "status", "予定 / 実施 / 中止 / 延期"),
    ({"visibility": "everyone"}, "visibility", "public / members / secretariat"),
    ({"start": "2090-06-20 14:00", "end": ""}, "status", "「実施」にできません"),
    ({"block": "", "category": "", "kind": ""}, "kind", "wg / pt / tf"),
    ({"block": "", "category": "briefing", "kind": "wg"}, "category", "空欄か council"),
    (
        {"block": "", "category": "", "kind": "pt", "start": "2006-06-20 10:00", "end": ""},
        "kind",
        "平成19年度以降",
    ),
]


@pytest.mark.parametrize(("cells", "column", "message"), BAD_CELLS, ids=lambda v: str(v)[:40])
def test_a_bad_cell_is_reported_at_its_line_and_column(seeded, cells, column, message):
    rows = [csv_row(title="先頭行"), csv_row(**{"title": "対象行", **cells})]

    problems = _problems(csv_bytes(rows))

    assert [(p.line, p.column) for p in problems] == [(3, column)], problems
    assert message in problems[0].message


def test_good_variants_are_accepted(seeded):
    rows = [
        csv_row(title="全角", block="関東", participants="１，２３４", kind=""),
        csv_row(title="終了は時刻だけ", end="16:00"),
        csv_row(title="複数日", category="exhibition", start="2007-06-20", end="2007-06-22"),
        csv_row(
            block="",
            category="",
            kind="ＷＧ",
            title="ワーキンググループ",
            start="2006-06-20 10:00",
            end="",
            organizers="",
        ),
        csv_row(title="'=安全に書き出された件名", status="中止", participants=""),
    ]
    assert _problems(csv_bytes(rows)) == []
    parsed = read_rows(csv_bytes(rows), actor=None, check_permissions=False)
    assert parsed[0].participants == 1234 and parsed[0].block.code == "kanto"
    assert (parsed[1].ends_at.date(), parsed[1].ends_at.hour) == (parsed[1].starts_at.date(), 16)
    assert parsed[2].is_all_day and parsed[2].ends_at is not None
    assert parsed[3].kind == "wg" and parsed[3].block is None
    assert parsed[4].title == "=安全に書き出された件名" and parsed[4].status == "cancelled"


def test_the_same_activity_twice_in_one_file_is_a_problem(seeded):
    rows = [csv_row(), csv_row(participants="60")]
    problems = _problems(csv_bytes(rows))
    assert [(p.line, p.column) for p in problems] == [(3, "title")]
    assert "2行目と同じ活動" in problems[0].message


def test_a_missing_or_unknown_header_column_is_named(seeded):
    header = tuple(c for c in COLUMNS if c != "visibility") + ("memo",)
    row = {**csv_row(), "memo": "x"}
    problems = _problems(csv_text([row], header=header).encode())
    assert {(p.line, p.column) for p in problems} >= {(1, "memo"), (1, "visibility")}


def test_a_row_with_too_few_or_too_many_cells_is_a_problem(seeded):
    text = csv_text([csv_row(), csv_row(title="2")]).splitlines()
    text[1] = text[1].rsplit(",", 2)[0]
    text[2] += ",余分"
    problems = _problems("\r\n".join(text).encode())
    assert [p.line for p in problems] == [2, 3]
    assert "足りません" in problems[0].message and "多すぎます" in problems[1].message


def test_trailing_empty_cells_from_excel_are_ignored(seeded):
    text = csv_text([csv_row()]).replace("\r\n", ",,\r\n")
    assert _problems(text.encode()) == []


def test_an_unclosed_quote_is_reported(seeded):
    text = csv_text([csv_row(), csv_row(title="2")]) + 'kanto,briefing,,"閉じていない\r\n'
    problems = _problems(text.encode())
    assert [p.line for p in problems] == [4]
    assert "引用符" in problems[0].message


def test_a_file_in_another_encoding_is_refused_with_a_hint(seeded):
    problems = _problems(csv_text([csv_row()]).encode("utf-16"))
    assert "UTF-16" in problems[0].message
    problems = _problems(csv_text([csv_row()]).encode() + b"\x81\x20")
    assert "文字コード" in problems[0].message
