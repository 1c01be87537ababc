"""Exporting the Activity CSV: what the user may see, in the import format, safe in Excel."""

import csv
import io

import sqlalchemy as sa

from council.activities.csv import importer
from council.activities.models import Activity
from council.extensions import db


def _rows(response) -> list[dict]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _titles(response) -> list[str]:
    return [r["title"] for r in _rows(response)]


def test_the_export_holds_only_what_the_user_may_see(make_activity, login_as, client, member):
    make_activity(title="関東 公開", category="briefing", visibility="public")
    make_activity(title="関東 構成機関", visibility="members")
    make_activity(title="関東 事務局のみ", visibility="secretariat")
    make_activity(block="kinki", title="近畿 構成機関", visibility="members")
    make_activity(block="kinki", title="近畿 公開", category="info", visibility="public")
    login_as(member)

    response = client.get("/activities/export.csv")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "text/csv"
    assert sorted(_titles(response)) == ["近畿 公開", "関東 公開", "関東 構成機関"]


def test_the_export_is_filtered_by_fiscal_year_and_block(make_activity, login_as, client, hq):
    make_activity(title="FY2007 関東", start="2008-03-31 23:30")
    make_activity(title="FY2008 関東", start="2008-04-01 00:00")
    make_activity(block="kinki", title="FY2007 近畿", start="2007-06-01 10:00")
    make_activity(block=None, title="本府省PT", kind="pt", start="2007-06-01 10:00")
    login_as(hq)

    assert sorted(_titles(client.get("/activities/export.csv?fy=2007"))) == [
        "FY2007 近畿",
        "FY2007 関東",
        "本府省PT",
    ]
    assert _titles(client.get("/activities/export.csv?fy=2007&block=kanto")) == ["FY2007 関東"]
    assert _titles(client.get("/activities/export.csv?block=hq")) == ["本府省PT"]
    response = client.get("/activities/export.csv?fy=2007&block=kanto")
    assert 'filename="activities-FY2007-kanto.csv"' in response.headers["Content-Disposition"]
    assert client.get("/activities/export.csv?fy=abc").status_code == 400
    assert client.get("/activities/export.csv?block=atlantis").status_code == 400


def test_the_export_writes_the_import_format(make_activity, login_as, client, secretariat):
    make_activity(
        category="council",
        kind="secretariat",
        title="第3回関東地域ブロック幹事会",
        start="2007-11-28 14:00",
        end="2007-11-28 16:30",
        venue="さいたま新都心合同庁舎1号館",
        status="held",
        participants=23,
        organizers=["関東経済産業局", "関東総合通信局"],
    )
    make_activity(category="publication", title="事例集", start="2008-03-31", status="planned")
    login_as(secretariat)

    response = client.get("/activities/export.csv")

    assert response.get_data().split(b"\r\n")[0] == (
        b"\xef\xbb\xbfblock,category,kind,title,start,end,venue,status,visibility,"
        b"participants,organizers"
    )
    meeting, booklet = _rows(response)
    assert meeting == {
        "block": "kanto",
        "category": "council",
        "kind": "secretariat",
        "title": "第3回関東地域ブロック幹事会",
        "start": "2007-11-28 14:00",
        "end": "2007-11-28 16:30",
        "venue": "さいたま新都心合同庁舎1号館",
        "status": "held",
        "visibility": "members",
        "participants": "23",
        "organizers": "関東経済産業局;関東総合通信局",
    }
    assert (booklet["start"], booklet["end"], booklet["participants"]) == ("2008-03-31", "", "")


def test_cells_that_excel_would_run_are_escaped_and_still_import_unchanged(
    make_activity, login_as, client, admin
):
    make_activity(title='=HYPERLINK("http://evil.example","開く")', venue="@SUM(A1)")
    make_activity(title="+81 説明会", start="2007-12-01 10:00", venue="-会場-")
    login_as(admin)

    response = client.get("/activities/export.csv")

    rows = _rows(response)
    assert rows[0]["title"].startswith("'=HYPERLINK") and rows[0]["venue"] == "'@SUM(A1)"
    assert rows[1]["title"] == "'+81 説明会" and rows[1]["venue"] == "'-会場-"
    summary = importer.import_activities(response.get_data(), actor=admin)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)


def test_an_exported_file_imports_back_unchanged(make_activity, login_as, client, admin):
    for i in range(5):
        make_activity(
            category="exhibition",
            title=f"産学官連携フェア {i}",
            start=f"2007-10-0{i + 1}",
            end=f"2007-10-0{i + 2}",
            organizers=["関東経済産業局"],
            participants=1000 + i,
            status="held",
        )
    login_as(admin)
    data = client.get("/activities/export.csv").get_data()

    summary = importer.import_activities(data, actor=admin)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 5)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 5


def test_anonymous_users_are_sent_to_the_login_page(seeded, client):
    response = client.get("/activities/export.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
