"""The report pages around the tables: who sees what, refused requests, several years side by
side, the print view, and the queries a page costs."""

import pytest

from council import fiscal
from council.extensions import db, utc_now
from tests.reports.html import counts


def test_a_member_sees_every_count_but_only_the_activities_it_may_see(
    make_activity, login_as, client, member
):
    make_activity(block="kanto", category="council", status="held", visibility="members")
    make_activity(
        block="kanto", category="council", status="held", visibility="secretariat", title="内部"
    )
    make_activity(block="kinki", category="council", status="held", visibility="members")
    login_as(member)

    page = client.get("/reports/fy/2007").get_data(as_text=True)
    assert counts(page, "matrix")[("kanto", "council")] == 2
    assert counts(page, "matrix")[("kinki", "council")] == 1
    kanto = client.get(
        "/reports/fy/2007/activities?measure=held&block=kanto&category=council"
    ).get_data(as_text=True)
    assert kanto.count("<tr data-activity=") == 1 and "内部" not in kanto
    assert "このうち1件は閲覧権限がないため" in kanto
    kinki = client.get("/reports/fy/2007/blocks/kinki").get_data(as_text=True)
    assert "閲覧権限のない活動が1件" in kinki
    # Members read the tables but do not export them.
    assert client.get("/reports/fy/2007.csv").status_code == 403
    assert client.get("/reports/fy/2007.xlsx").status_code == 403
    assert "Excel(xlsx)" not in page


def test_reports_need_a_sign_in(seeded, client):
    for url in ("/reports/fy/2007", "/reports/fy/2007.csv", "/reports/fy/2005-2007"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "query,message",
    [
        ("measure=bogus", "集計項目"),
        ("block=nowhere", "ブロックの指定"),
        ("category=meeting", "活動区分の指定"),
        ("block=hq&kind=xx", "会議の種類"),
        ("page=0", "ページの指定"),
    ],
)
def test_a_bad_drill_down_is_refused_with_a_message(query, message, hq_client):
    response = hq_client.get(f"/reports/fy/2007/activities?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_an_implausible_year_is_not_found(hq_client):
    assert hq_client.get("/reports/fy/1850").status_code == 404
    assert hq_client.get("/reports/fy/2007/activities?block=kanto").status_code == 200


def test_plan_vs_actual_is_shown_once_the_year_has_begun(hq_client):
    past = hq_client.get("/reports/fy/2007").get_data(as_text=True)
    assert 'id="pva-blocks"' in past and 'id="plan"' in past
    future_year = fiscal.current_fiscal_year() + 1
    future = hq_client.get(f"/reports/fy/{future_year}").get_data(as_text=True)
    assert 'id="plan"' in future and 'id="pva-blocks"' not in future
    filtered = hq_client.get("/reports/fy/2007?pva_block=kanto").get_data(as_text=True)
    assert "活動区分別 計画と実績(関東)" in filtered
    assert hq_client.get("/reports/fy/2007?pva_block=nowhere").status_code == 400


def test_several_years_side_by_side_with_a_server_rendered_chart(make_activity, hq_client):
    make_activity(block="kanto", category="council", status="held", start="2005-06-01")
    make_activity(block="kanto", category="briefing", status="held", start="2006-06-01")
    make_activity(block="kinki", category="briefing", status="held", start="2007-06-01")
    make_activity(block=None, category="council", kind="pt", status="held", start="2007-07-01")

    response = hq_client.get("/reports/fy/2005-2007")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "平成17年度〜平成19年度" in html
    by_category = counts_by_year(html, "years-categories")
    assert by_category[2005]["council"] == 1 and by_category[2006]["briefing"] == 1
    assert by_category[2007]["briefing"] == 1 and by_category[2007]["council"] == 0
    assert '<svg id="chart-categories"' in html and '<svg id="chart-blocks"' in html
    assert "<title>2007 公募説明会: 1件</title>" in html
    assert "<script" not in html.split('<svg id="chart-categories"')[1].split("</svg>")[0]
    assert "/reports/fy/2006/activities?measure=held&amp;category=briefing" in html
    for bad in ("/reports/fy/2008-2007", "/reports/fy/1990-2007", "/reports/fy/2000-2040"):
        assert hq_client.get(bad).status_code == 400


def counts_by_year(html: str, table_id: str) -> dict[int, dict[str, int]]:
    import re

    from tests.reports.html import TAG, table

    out = {}
    for year, row in re.findall(r'<tr data-year="(\d+)">(.*?)</tr>', table(html, table_id), re.S):
        cells = re.findall(r'<td class="num" data-category="([^"]*)">(.*?)</td>', row, re.S)
        out[int(year)] = {c: int(TAG.sub("", v).replace(",", "")) for c, v in cells if c}
    return out


def test_print_view_holds_every_table_and_every_block_detail(make_activity, hq_client):
    make_activity(block="okinawa", category="results", status="held", title="沖縄の成果発表会")
    html = hq_client.get("/reports/fy/2007/print").get_data(as_text=True)
    assert 'class="report-print"' in html
    assert 'id="matrix"' in html and 'id="plan"' in html and 'id="hq"' in html
    assert "沖縄地域ブロック協議会 活動実績(詳細)" in html and "沖縄の成果発表会" in html
    assert counts(html, "matrix")[("okinawa", "results")] == 1
    assert "/reports/fy/2007/activities" not in html  # no drill-down links on paper


def test_the_report_page_runs_a_fixed_number_of_queries(
    make_activity, login_as, client, count_queries, hq
):
    login_as(hq)

    def measure(url):
        client.get(url)
        # The same starting point for every count: nothing cached from earlier requests.
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter["n"]

    blocks = ["kanto", "kinki", "tohoku"]
    categories = ["council", "briefing", "info"]

    def add(n):
        for i in range(n):
            make_activity(
                block=blocks[i % 3],
                category=categories[i % 3],
                status=("held", "planned", "cancelled", "postponed")[i % 4],
                start=f"2007-{4 + i % 9:02d}-{1 + i % 27:02d}",
                title=f"活動{i}",
                organizers=["関東経済産業局"],
            )

    urls = [
        "/reports/fy/2007",
        "/reports/fy/2007/blocks/kanto",
        "/reports/fy/2007/activities?measure=held",
        "/reports/fy/2005-2010",
        "/reports/fy/2007/print",
        "/reports/fy/2007.csv?part=detail",
        "/reports/fy/2007.xlsx",
    ]
    add(4)
    small = {url: measure(url) for url in urls}
    add(40)
    large = {url: measure(url) for url in urls}
    assert small == large
    assert large["/reports/fy/2007"] <= 6


def test_settled_figures_are_kept_per_data_version(make_activity, hq_client, count_queries):
    """Once the data has settled, the year's figures and tables come from this process's
    copy; any change to an activity (a new version of the data) shows on the next request."""
    import sqlalchemy as sa

    from council.activities.models import Activity

    kept = make_activity(block="kanto", category="council", status="held", start="2007-05-10")
    make_activity(block="kinki", category="council", status="held", start="2007-06-10")
    settled = utc_now().replace(year=2020)
    db.session.execute(sa.update(Activity.__table__).values(updated_at=settled))
    db.session.commit()

    first = hq_client.get("/reports/fy/2007").get_data(as_text=True)
    db.session.expire_all()
    with count_queries() as again:
        second = hq_client.get("/reports/fy/2007").get_data(as_text=True)
    assert second == first
    assert counts(first, "matrix")[("kanto", "council")] == 1
    assert again["n"] <= 5  # no GROUP BY: the figures of this data version were kept

    db.session.get(Activity, kept.id).deleted_at = utc_now()  # an edit: a soft delete
    db.session.commit()
    changed = hq_client.get("/reports/fy/2007").get_data(as_text=True)
    assert counts(changed, "matrix")[("kanto", "council")] == 0
    assert counts(changed, "matrix")[("kinki", "council")] == 1
