"""協議会 and 幹事会 counted apart under the council category, the category total kept."""

import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from council.extensions import db
from tests.reports.html import kinds, matrix


def _tohoku_year(make_activity, *, councils=3, secretariats=10, status="held"):
    day = date(2007, 5, 1)
    for i in range(councils):
        make_activity(
            block="tohoku",
            kind="council",
            title=f"東北地域ブロック協議会 第{i + 1}回",
            start=f"{day + timedelta(days=30 * i)} 14:00",
            status=status,
        )
    for i in range(secretariats):
        make_activity(
            block="tohoku",
            kind="secretariat",
            title=f"東北地域ブロック幹事会 第{i + 1}回",
            start=f"{day + timedelta(days=30 * i + 7)} 10:00",
            status=status,
        )


def test_three_councils_and_ten_secretariat_meetings_show_as_3_and_10(
    seeded, login_as, client, make_activity, hq
):
    _tohoku_year(make_activity)
    login_as(hq)
    html = client.get("/reports/fy/2007").get_data(as_text=True)
    assert matrix(html)["tohoku"]["council"] == 13
    split = kinds(html)
    assert split[("tohoku", "council")] == 3 and split[("tohoku", "secretariat")] == 10
    assert split[("", "council")] == 3 and split[("", "secretariat")] == 10
    assert split[("kanto", "council")] == 0

    report = client.get("/api/v1/reports/fy/2007").get_json()
    assert report["counts"]["tohoku"]["council"] == 13
    assert report["by_kind"]["tohoku"] == {"council": 3, "secretariat": 10}
    assert report["planned_by_kind"]["tohoku"] == {"council": 3, "secretariat": 10}
    assert set(report["by_kind"]) == set(report["counts"])  # the ten blocks

    rows = list(
        csv.reader(
            io.StringIO(client.get("/reports/fy/2007.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    tohoku = rows[0].index("東北")
    by_label = {r[0]: r for r in rows}
    assert by_label["地域ブロック協議会・幹事会の開催"][tohoku] == "13"
    assert by_label["うち協議会"][tohoku] == "3"
    assert by_label["うち幹事会"][tohoku] == "10"

    wb = load_workbook(io.BytesIO(client.get("/reports/fy/2007.xlsx").get_data()))
    ws = wb["集計表"]
    labels = {ws.cell(row=r, column=1).value: r for r in range(4, 20)}
    column = [c.value for c in ws[3]].index("東北") + 1
    assert ws.cell(row=labels["地域ブロック協議会・幹事会の開催"], column=column).value == 13
    assert ws.cell(row=labels["うち協議会"], column=column).value == 3
    assert ws.cell(row=labels["うち幹事会"], column=column).value == 10

    # The block detail says it in the report's words.
    detail = client.get("/reports/fy/2007/blocks/tohoku").get_data(as_text=True)
    assert '協議会 <span data-kind="council">3</span>件' in detail
    assert '幹事会 <span data-kind="secretariat">10</span>件' in detail
    # And the drill-down of a kind lists that kind only.
    listed = client.get(
        "/reports/fy/2007/activities?measure=held&block=tohoku&category=council&kind=council"
    ).get_data(as_text=True)
    assert listed.count("東北地域ブロック協議会 第") == 3 and "幹事会 第" not in listed


def test_plan_vs_actual_compares_each_kind(seeded, login_as, client, make_activity, hq):
    _tohoku_year(make_activity, councils=3, secretariats=10, status="planned")
    from council.activities.models import Activity

    # One 幹事会 was cancelled, one 協議会 held: the comparison tells the kinds apart.
    meetings = db.session.query(Activity).order_by(Activity.starts_at).all()
    next(a for a in meetings if a.kind == "secretariat").status = "cancelled"
    next(a for a in meetings if a.kind == "council").status = "held"
    db.session.commit()
    login_as(hq)
    html = client.get("/reports/fy/2007?pva_block=tohoku").get_data(as_text=True)
    table = html[html.index('id="pva-categories"') :]
    table = table[: table.index("</table>")]
    split = kinds(html, "pva-categories")
    assert split[("tohoku", "council")] == 2  # the last column read: still planned (予定のまま)
    council_row = table[table.index('data-kind="council"') :].split("</tr>", 1)[0]
    secretariat_row = table[table.index('data-kind="secretariat"') :].split("</tr>", 1)[0]
    assert 'data-measure="held" data-kind="council">' in council_row
    assert 'data-measure="cancelled" data-kind="secretariat">' in secretariat_row
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/reports/fy/2007.csv?part=plan").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    # original, added, held, cancelled, postponed, still planned, planned (not cancelled)
    council = next(r for r in rows if r[:2] == ["東北", "うち協議会"])
    secretariat = next(r for r in rows if r[:2] == ["東北", "うち幹事会"])
    assert council[4:] == ["1", "0", "0", "2", "3"]
    assert secretariat[4:] == ["0", "1", "0", "9", "9"]
