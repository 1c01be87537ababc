"""CSV and XLSX exports of the fiscal-year tables: same numbers as the page, Excel-friendly,
and inert when an activity's text looks like a formula."""

import csv
import io
from datetime import datetime
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from council.figures.exports import escape_text
from council.reports import exports
from tests.reports.html import matrix

BLOCKS = ["北海道", "東北", "関東", "中部", "北陸", "近畿", "中国", "四国", "九州", "沖縄"]


@pytest.fixture
def year_2007(make_activity):
    make_activity(block="kanto", category="council", status="held", start="2007-05-10 14:00")
    make_activity(block="kanto", category="briefing", status="held", start="2007-06-01 10:00")
    make_activity(block="kinki", category="exhibition", status="held", start="2007-10-01")
    make_activity(block="okinawa", category="website", status="held", start="2008-03-31")
    make_activity(block="kanto", category="council", status="cancelled", start="2007-09-01")
    make_activity(
        block="chubu",
        category="briefing",
        status="held",
        title='=HYPERLINK("http://evil.example/","詳細")',
        venue="+81-52-000-0000",
        start="2007-07-07 13:00",
        organizers=["中部経済産業局"],
    )
    make_activity(block="chubu", category="info", status="held", title="@SUM(1,2)", venue="-")


def _html_matrix(client):
    return matrix(client.get("/reports/fy/2007").get_data(as_text=True))


def _codes(client):
    """Block codes in column order, category codes in row order, read from the page."""
    grid = _html_matrix(client)
    return list(grid), list(next(iter(grid.values())))


def test_csv_starts_with_a_bom_and_holds_the_html_matrix(year_2007, hq_client):
    response = hq_client.get("/reports/fy/2007.csv")
    body = response.get_data()
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["活動区分", *BLOCKS, "合計", "全国", "総計(全国を含む)"]
    assert rows[1][0] == "地域ブロック協議会・幹事会の開催"
    # The council category is followed by its split by kind.
    assert [rows[2][0], rows[3][0]] == ["うち協議会", "うち幹事会"]
    assert rows[-1][0] == "合計"
    rows = [r for r in rows if not r[0].startswith("うち")]
    blocks, categories = _codes(hq_client)
    grid = _html_matrix(hq_client)
    from_csv = {
        b: {c: int(rows[1 + i][1 + j]) for i, c in enumerate(categories)}
        for j, b in enumerate(blocks)
    }
    assert from_csv == grid
    assert int(rows[-1][-1]) == sum(sum(r.values()) for r in grid.values()) == 6
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="fy2007_matrix.csv"' in disposition
    assert "filename*=UTF-8''" + quote("平成19年度_活動実績.csv") in disposition


def test_csv_detail_lists_the_held_activities_and_escapes_formulas(year_2007, hq_client):
    body = hq_client.get("/reports/fy/2007.csv?part=detail").get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == list(exports.DETAIL_HEADERS)
    assert len(rows) == 1 + 6  # the cancelled council meeting is not a held activity
    evil = next(r for r in rows if "HYPERLINK" in r[4])
    assert evil[4] == '\'=HYPERLINK("http://evil.example/","詳細")'
    assert evil[5] == "'+81-52-000-0000"
    assert evil[0] == "中部" and evil[2] == "2007年7月7日(土)" and evil[3] == "13:00"
    assert evil[6] == "中部経済産業局"
    at = next(r for r in rows if "SUM" in r[4])
    assert at[4] == "'@SUM(1,2)" and at[5] == "'-"
    website = next(r for r in rows if r[0] == "沖縄")
    assert website[2] == "2008年3月31日(月)" and website[3] == ""


@pytest.mark.parametrize("part,first", [("plan", "ブロック"), ("hq", "会議")])
def test_csv_plan_and_hq_parts(part, first, year_2007, hq_client):
    body = hq_client.get(f"/reports/fy/2007.csv?part={part}").get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == first
    if part == "plan":
        kanto_council = next(
            r for r in rows if r[:2] == ["関東", "地域ブロック協議会・幹事会の開催"]
        )
        # original, added, held, cancelled, postponed, still planned, planned (not cancelled)
        assert kanto_council[2:] == ["0", "2", "1", "1", "0", "0", "1"]


def test_an_unknown_csv_part_is_refused(hq_client):
    response = hq_client.get("/reports/fy/2007.csv?part=everything")
    assert response.status_code == 400
    assert "matrix、detail、plan、hq" in response.get_data(as_text=True)


def _workbook(client):
    response = client.get("/reports/fy/2007.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert (
        "filename*=UTF-8''" + quote("平成19年度_活動実績.xlsx")
        in (response.headers["Content-Disposition"])
    )
    return load_workbook(io.BytesIO(response.get_data()))


def test_xlsx_matrix_sheet_equals_the_html_matrix(year_2007, hq_client):
    wb = _workbook(hq_client)
    assert wb.sheetnames == ["集計表", *BLOCKS, "全国", "計画", "本府省会議"]
    ws = wb["集計表"]
    assert ws["A1"].value == "平成19年度 地域ブロック協議会 活動実績(実施件数)"
    header = [c.value for c in ws[3]]
    assert header == ["活動区分", *BLOCKS, "合計", "全国", "総計(全国を含む)"]
    assert [ws.cell(row=r, column=1).value for r in (5, 6)] == ["うち協議会", "うち幹事会"]
    blocks, categories = _codes(hq_client)
    category_rows = [4] + list(range(7, 7 + len(categories) - 1))
    from_xlsx = {
        b: {c: ws.cell(row=category_rows[i], column=2 + j).value for i, c in enumerate(categories)}
        for j, b in enumerate(blocks)
    }
    assert from_xlsx == _html_matrix(hq_client)
    assert ws.cell(row=15, column=1).value == "合計"
    assert ws.cell(row=15, column=12).value == 6
    assert ws.cell(row=15, column=14).value == 6
    assert ws.cell(row=5, column=4).number_format == "#,##0"
    # Set up for the desk: frozen header, A4 landscape, titles on every page, readable widths.
    assert ws.freeze_panes == "B4"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$1:$3"
    assert ws.column_dimensions["A"].width >= 30
    assert ws["B3"].font.bold


def test_xlsx_block_sheets_plan_and_hq_meetings(year_2007, hq_client):
    wb = _workbook(hq_client)
    kanto = wb["関東"]
    assert kanto["A1"].value == "平成19年度 関東地域ブロック協議会 活動実績(詳細)"
    # The sheet is the block, so its detail has no block column.
    assert [c.value for c in kanto[3]] == list(exports.DETAIL_HEADERS[1:])
    rows = list(kanto.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 2
    assert rows[0][:4] == (
        "地域ブロック協議会・幹事会の開催",
        datetime(2007, 5, 10),  # a real Excel date, shown the Japanese way
        "14:00",
        "関東地域ブロック協議会",
    )
    assert kanto["B4"].is_date
    assert kanto["B4"].number_format == 'yyyy"年"m"月"d"日"(aaa)'
    assert kanto["D4"].alignment.wrap_text
    assert kanto.freeze_panes == "A4"
    assert kanto.page_setup.orientation == "landscape"
    assert kanto.print_options.gridLines  # the lines of a long list, on paper
    plan = wb["計画"]
    assert plan["A1"].value.startswith("平成19年度 地域ブロック協議会 活動計画")
    assert plan.cell(row=3, column=3).value == "当初計画"
    hq = wb["本府省会議"]
    assert [hq.cell(row=r, column=1).value for r in range(4, 8)] == [
        "ワーキンググループ(WG)",
        "プロジェクトチーム(PT)",
        "タスクフォース(TF)",
        "合計",
    ]


def test_xlsx_never_holds_a_formula(year_2007, hq_client):
    wb = _workbook(hq_client)
    chubu = wb["中部"]
    cells = [cell for row in chubu.iter_rows() for cell in row]
    evil = next(c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value)
    # Kept as the text the secretariat typed, stored as a string and marked as text for Excel.
    assert evil.value == '=HYPERLINK("http://evil.example/","詳細")'
    assert evil.data_type == "s"
    assert evil.quotePrefix
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_escape_text_covers_every_formula_trigger():
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert escape_text(text) == "'" + text
    assert escape_text("協議会") == "協議会"
    assert escape_text("") == ""


def test_exports_are_for_secretariats_hq_and_admin(seeded, login_as, client, kinki_secretariat):
    login_as(kinki_secretariat)
    assert client.get("/reports/fy/2007.csv").status_code == 200
    assert client.get("/reports/fy/2007.xlsx").status_code == 200
