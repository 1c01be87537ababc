"""Done-when 7: the hq demo user opens 平成19年度, clicks a count, sees the activities behind
it, and downloads the xlsx."""

import re

from openpyxl import load_workbook


def test_hq_drills_into_a_fy2007_count_and_downloads_the_xlsx(
    demo_data, page, live_server, tmp_path
):
    logins = demo_data
    email, password = next((e, p) for role, e, p in logins if role == "hq")
    page.goto(live_server + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))

    page.click(".site-nav--wide a[data-nav='reports']")
    page.fill("#report-year", "2007")
    page.click(".report-nav__form button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/fy/2007$"))
    assert "平成19年度" in page.locator("h1").inner_text()

    cell = page.locator(
        "#matrix tbody td[data-block='kanto'][data-category='council']:not([data-kind]) a"
    )
    count = int(cell.inner_text())
    assert count > 0
    cell.click()
    page.wait_for_url(re.compile(r"/reports/fy/2007/activities\?"))
    assert page.locator("#behind-total").inner_text() == str(count)
    rows = page.locator("#behind tbody tr")
    assert rows.count() == count
    assert "関東" in rows.first.inner_text()

    page.go_back()
    with page.expect_download() as info:
        page.click("a:has-text('Excel(xlsx)')")
    download = info.value
    assert download.suggested_filename == "平成19年度_活動実績.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    wb = load_workbook(saved)
    assert wb.sheetnames[0] == "集計表"
    assert wb["集計表"]["A1"].value.startswith("平成19年度")
    assert wb["集計表"].cell(row=4, column=4).value == count  # 関東 × 協議会・幹事会
