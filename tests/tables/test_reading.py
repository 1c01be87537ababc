"""The shared table machinery (council.tables): encodings, line numbers, XLSX, natural keys, the
formula guard and the problems that refuse a file. No database needed."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from council.tables.cells import escape_cell, unescape_cell
from council.tables.keys import FirstLines
from council.tables.reading import BrokenRecord, csv_records, decode, is_blank, read_records
from council.tables.results import ImportRejected, Problem
from council.tables.text import column_names, fold, fold_lookalikes

TEXT = "件名,会場\r\n説明会,東京\r\n"


@pytest.mark.parametrize(
    "data", [TEXT.encode("utf-8"), TEXT.encode("utf-8-sig"), TEXT.encode("cp932")]
)
def test_utf8_with_or_without_bom_and_shift_jis_read_the_same(data):
    assert decode(data) == TEXT


def test_utf16_and_undecodable_files_are_refused_with_the_line():
    with pytest.raises(ImportRejected) as utf16:
        decode(TEXT.encode("utf-16"))
    assert "UTF-16" in utf16.value.problems[0].message
    with pytest.raises(ImportRejected) as garbage:
        decode(b"a,b\r\nc,d\r\n\x81\xff\r\n")
    assert garbage.value.problems[0].line == 3
    assert "文字コード" in garbage.value.problems[0].message


def test_lines_are_counted_as_an_editor_counts_them():
    text = 'a,b\r\n"two\r\nlines",x\r\n\r\nlast,y\r\n'
    records = list(csv_records(text))
    assert [line for line, _ in records] == [1, 2, 4, 5]
    assert records[1][1] == [("two\r\nlines", 2), ("x", 3)]
    assert is_blank(records[2][1]) and not is_blank(records[3][1])


def test_an_unclosed_quote_is_a_broken_record_on_its_line():
    records = csv_records('a,b\r\nok,1\r\n"open,2\r\n')
    assert next(records)[0] == 1 and next(records)[0] == 2
    with pytest.raises(BrokenRecord) as broken:
        next(records)
    assert broken.value.line == 3 and "引用符" in broken.value.problem().message
    with pytest.raises(ImportRejected) as rejected:
        read_records(b'a,b\r\n"open,2\r\n')
    assert rejected.value.problems[0].line == 2


def test_xlsx_rows_read_as_csv_cells_would():
    book = Workbook()
    book.active.append(["年度", "金額", "日付", "件名"])
    book.active.append([2007, 12.0, datetime(2007, 6, 20), None])
    book.active.append([2008, 1.5, date(2008, 1, 1), "説明会"])
    out = io.BytesIO()
    book.save(out)
    records = read_records(out.getvalue())
    assert records[1] == (2, [("2007", 2), ("12", 2), ("2007-06-20", 2), ("", 2)])
    assert [c for c, _ in records[2][1]] == ["2008", "1.5", "2008-01-01", "説明会"]
    with pytest.raises(ImportRejected):
        read_records(b"not a workbook", "register.xlsx")


def test_a_natural_key_seen_before_names_its_first_line():
    lines = FirstLines()
    assert lines.earlier(("kanto", "説明会"), 2) is None
    assert lines.earlier(("kanto", "説明会"), 5) == 2
    assert lines.earlier(("tohoku", "説明会"), 6) is None


def test_the_formula_guard_round_trips():
    for text in ("=SUM(A1)", "+81", "-1", "@x", "\tx"):
        assert escape_cell(text) == "'" + text
        assert unescape_cell(escape_cell(text)) == text
    assert escape_cell("説明会") == "説明会" and escape_cell(3) == 3
    assert unescape_cell("'quoted") == "'quoted"
    assert unescape_cell("'\tx", ("=",)) == "'\tx"


def test_headers_by_code_label_or_alias_folded():
    names = column_names({"title": "件名"}, {"名称": "title"})
    assert {names[fold(h)] for h in ("TITLE", " 件名", "名称", "ｔｉｔｌｅ")} == {"title"}
    assert fold_lookalikes("\u301c") == fold_lookalikes("\uff5e")


def test_problems_come_in_line_then_column_order():
    rejected = ImportRejected(
        [Problem(3, "b", "x"), Problem(2, "b", "y"), Problem(2, "a", "z", is_forbidden=True)],
        columns=("a", "b"),
    )
    assert [(p.line, p.column) for p in rejected.problems] == [(2, "a"), (2, "b"), (3, "b")]
    assert rejected.is_forbidden
    assert str(Problem(None, None, "空です。")) == "ファイル: 空です。"
    assert str(Problem(4, "件名", "長すぎます。")) == "4行目 件名列: 長すぎます。"
