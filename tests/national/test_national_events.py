"""National events (全国): entered through the CSV and the form, counted once in their own line,
never for a block; headquarters edits them, secretariats read them."""

import csv
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from council.activities.models import Activity
from council.demo.national import load_national_events
from council.extensions import db
from council.national.events import events_csv
from tests.reports.html import matrix, national

NATIONAL_BY_YEAR = {2005: 3, 2006: 4, 2007: 5}


def _national_events():
    return db.session.scalars(
        sa.select(Activity).where(Activity.is_national.is_(True)).order_by(Activity.starts_at)
    ).all()


def test_the_reports_events_imported_from_the_csv_fill_the_national_line_once(
    seeded, login_as, client, make_activity, hq
):
    make_activity(block="kanto", category="training", status="held", start="2007-10-12 13:30")
    make_activity(block="kyushu", category="exhibition", status="held", start="2006-01-20 10:00")
    login_as(hq)
    before = {
        y: matrix(client.get(f"/reports/fy/{y}").get_data(as_text=True)) for y in (2005, 2006, 2007)
    }

    summary = load_national_events(events_csv(), actor=hq)
    db.session.commit()
    assert summary.created == 12
    # Importing the same file again changes nothing.
    again = load_national_events(events_csv(), actor=hq)
    db.session.commit()
    assert again.created == 0 and again.updated == 0 and len(_national_events()) == 12

    for year, expected in NATIONAL_BY_YEAR.items():
        html = client.get(f"/reports/fy/{year}").get_data(as_text=True)
        assert national(html)[""] == expected, year
        # The block lines are unchanged: the events are counted for no block.
        assert matrix(html) == before[year], year
        report = client.get(f"/api/v1/reports/fy/{year}").get_json()
        assert sum(report["national"].values()) == expected
        assert sum(report["national_planned"].values()) == expected
        assert set(report["counts"]) == set(before[year])  # still the ten blocks
        blocks_total = sum(sum(cells.values()) for cells in report["counts"].values())
        rows = list(
            csv.reader(
                io.StringIO(
                    client.get(f"/reports/fy/{year}.csv").get_data(as_text=True).lstrip("\ufeff")
                )
            )
        )
        total_row = rows[-1]
        assert total_row[0] == "合計"
        # 合計 (ten blocks), 全国, 総計: each event once.
        assert [int(v) for v in total_row[-3:]] == [blocks_total, expected, blocks_total + expected]
    fy2007 = client.get("/api/v1/reports/fy/2007").get_json()["national"]
    assert fy2007["exhibition"] == 2 and fy2007["training"] == 3

    # The multi-year view has its 全国 column.
    years = client.get("/reports/fy/2005-2007").get_data(as_text=True)
    for year, expected in NATIONAL_BY_YEAR.items():
        row = years[years.index(f'<tr data-year="{year}"', years.index('id="years-blocks"')) :]
        cell = row[row.index('data-block="national"') :]
        assert cell.split(">", 1)[1].lstrip().startswith(("<a", str(expected)))
        assert f"全国 {expected}件" in row.split("</tr>", 1)[0]


def test_national_events_carry_co_hosts_place_region_and_backing(seeded, login_as, client, hq):
    load_national_events(events_csv(), actor=hq)
    db.session.commit()
    cluster_japan = next(a for a in _national_events() if a.title == "クラスタージャパン2007")
    assert [o.name for o in cluster_japan.organizers] == ["文部科学省", "経済産業省"]
    assert cluster_japan.block_id is None and cluster_japan.host_city == "東京"
    assert cluster_japan.host_prefecture.name == "東京都"
    assert cluster_japan.region_block.code == "kanto"
    seminars = [a for a in _national_events() if "セミナー" in a.title]
    assert len(seminars) == 9
    # Headquarters backs the seminars from FY2007 only.
    assert {a.fiscal_year for a in seminars if a.backers} == {2007}
    login_as(hq)
    page = client.get(f"/activities/{cluster_japan.id}").get_data(as_text=True)
    assert "全国" in page and "文部科学省" in page and "関東ブロック内" in page
    backed = client.get("/activities/?block=national&backed=1").get_data(as_text=True)
    assert "平成19年度 地域クラスターセミナー(熊本)" in backed
    assert "平成18年度 地域クラスターセミナー(札幌)" not in backed
    listed = client.get("/api/v1/activities?block=national&fy=2007").get_json()
    assert listed["total"] == 5
    assert {a["block"] for a in listed["activities"]} == {"national"}


def test_the_api_calls_a_national_event_national_and_a_wg_meeting_null(
    seeded, login_as, client, make_activity, hq
):
    make_activity(block=None, category="council", kind="wg", title="WG", status="held")
    make_activity(
        block=None, is_national=True, category="exhibition", title="フォーラム", status="held"
    )
    login_as(hq)
    rows = client.get("/api/v1/activities?fy=2007").get_json()["activities"]
    assert {a["title"]: a["block"] for a in rows} == {"WG": None, "フォーラム": "national"}
    hq_only = client.get("/api/v1/activities?fy=2007&block=hq").get_json()
    assert [a["title"] for a in hq_only["activities"]] == ["WG"]
    report = client.get("/api/v1/reports/fy/2007").get_json()
    assert report["hq_meetings"]["wg"] == 1 and report["national"]["exhibition"] == 1
    assert report["national"]["council"] == 0


def test_hq_enters_a_national_event_through_the_form(seeded, login_as, client, hq):
    login_as(hq)
    form = client.get("/activities/new").get_data(as_text=True)
    assert 'value="national"' in form and "開催都道府県" in form
    from council.directory.models import Agency, Block
    from council.reference.models import Prefecture

    mext = db.session.scalar(sa.select(Agency).where(Agency.name == "近畿経済産業局"))
    kyoto = db.session.scalar(sa.select(Prefecture).where(Prefecture.code == "26"))
    kinki = db.session.scalar(sa.select(Block).where(Block.code == "kinki"))
    response = client.post(
        "/activities/new",
        data={
            "block": "national",
            "category": "training",
            "kind": "",
            "title": "平成17年度 地域クラスターセミナー(京都)",
            "start_date": "2005-10-14",
            "start_time": "13:30",
            "venue": "京都リサーチパーク",
            "host_prefecture": str(kyoto.id),
            "host_city": "京都",
            "region_block": str(kinki.id),
            "visibility": "public",
            "backers": [str(mext.id)],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    (event,) = _national_events()
    assert event.block_id is None and event.category.code == "training"
    assert event.region_block_id == kinki.id and event.host_prefecture_id == kyoto.id
    assert [a.name for a in event.backers] == ["近畿経済産業局"]
    # The region block links the event; it does not count it.
    report = client.get("/api/v1/reports/fy/2005").get_json()
    assert report["national_planned"]["training"] == 1 and report["national"]["training"] == 0
    assert sum(report["planned"]["kinki"].values()) == 0
    # hq edits it; the form comes back with 全国 chosen.
    edit = client.get(f"/activities/{event.id}/edit").get_data(as_text=True)
    assert '<option selected value="national">' in edit or 'value="national" selected' in edit


def test_a_secretariat_reads_national_events_but_never_edits_them(
    seeded, login_as, client, make_activity, secretariat
):
    event = make_activity(
        block=None,
        is_national=True,
        category="exhibition",
        title="地域クラスターフォーラム",
        visibility="members",
    )
    login_as(secretariat)
    assert client.get(f"/activities/{event.id}").status_code == 200
    assert client.get(f"/activities/{event.id}/edit").status_code == 403
    response = client.post(
        "/activities/new",
        data={
            "block": "national",
            "category": "exhibition",
            "title": "勝手な全国行事",
            "start_date": "2007-06-01",
            "visibility": "public",
        },
    )
    assert response.status_code == 403
    assert "権限" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 1


def test_a_secretariat_importing_a_national_row_is_refused_in_japanese(
    seeded, login_as, client, secretariat
):
    login_as(secretariat)
    data = events_csv()
    response = client.post(
        "/activities/import",
        data={"file": (io.BytesIO(data), "national.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (400, 403)
    assert (
        "全国の行事(national)を取り込めるのは本府省・システム管理者だけです"
        in response.get_data(as_text=True)
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0


def test_public_national_events_are_in_the_public_calendar_feed(seeded, client, make_activity):
    from datetime import date, timedelta

    soon = (date.today() + timedelta(days=10)).isoformat()
    make_activity(
        block=None,
        is_national=True,
        category="exhibition",
        title="クラスタージャパン2007",
        visibility="public",
        start=soon,
    )
    make_activity(
        block="kanto", category="briefing", title="関東の説明会", visibility="public", start=soon
    )
    feed = client.get("/calendar.ics?block=national").get_data(as_text=True)
    assert "クラスタージャパン2007" in feed and "関東の説明会" not in feed
    assert "全国" in feed
    assert "クラスタージャパン2007" in client.get("/calendar.ics").get_data(as_text=True)


def test_the_xlsx_has_a_national_sheet(seeded, login_as, client, hq):
    load_national_events(events_csv(), actor=hq)
    db.session.commit()
    login_as(hq)
    wb = load_workbook(io.BytesIO(client.get("/reports/fy/2007.xlsx").get_data()))
    sheet = wb["全国"]
    titles = [row[3] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert "クラスタージャパン2007" in titles and len(titles) == 5
    summary = wb["集計表"]
    header = [c.value for c in summary[3]]
    national_col = header.index("全国") + 1
    total_row = next(r for r in range(4, 30) if summary.cell(row=r, column=1).value == "合計")
    assert summary.cell(row=total_row, column=national_col).value == 5
    # The 全国 line has a detail page like a block's.
    detail = client.get("/reports/fy/2007/blocks/national").get_data(as_text=True)
    assert "全国(本府省主催の行事)" in detail and "クラスタージャパン2007" in detail
    assert "合同展示会等イベントの開催(" in detail


def test_the_activity_csv_exports_national_events_and_reimports_them_unchanged(
    seeded, login_as, client, hq
):
    load_national_events(events_csv(), actor=hq)
    db.session.commit()
    login_as(hq)
    exported = client.get("/activities/export.csv?block=national&fy=2007").get_data()
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert len(rows) == 5 and {r["block"] for r in rows} == {"national"}
    cluster_japan = next(r for r in rows if r["title"] == "クラスタージャパン2007")
    assert cluster_japan["organizers"] == "文部科学省;経済産業省"
    # 全国 is accepted as the block, as its code is.
    relabelled = exported.decode("utf-8-sig").replace("\r\nnational,", "\r\n全国,").encode()
    response = client.post(
        "/activities/import",
        data={"file": (io.BytesIO(relabelled), "national.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:1500]
    assert len(_national_events()) == 12
