"""The fiscal-year tables: what counts where, the drill-downs behind the counts, who sees what."""

from datetime import UTC, datetime

import pytest

from council import fiscal
from council.activities import services as activity_services
from council.extensions import db, utc_now
from council.figures import counts as figure_counts
from tests.reports.html import counts, matrix


def test_matrix_counts_held_activities_by_category_and_block_with_totals(make_activity, hq_client):
    make_activity(block="kanto", category="council", status="held", start="2007-05-10 14:00")
    make_activity(block="kanto", category="council", status="held", start="2007-11-28 14:00")
    make_activity(block="kanto", category="briefing", status="held", start="2007-06-01 10:00")
    make_activity(block="kinki", category="council", status="held", start="2007-07-01 10:00")
    # None of these is a held activity of a block in FY2007.
    make_activity(block="kanto", category="council", status="planned", start="2008-02-01 10:00")
    make_activity(block="kanto", category="council", status="cancelled", start="2007-09-01")
    gone = make_activity(block="kanto", category="council", status="held", start="2007-10-01")
    gone.deleted_at = utc_now()
    db.session.commit()
    make_activity(block=None, category="council", kind="wg", status="held", title="WG")
    make_activity(block="kanto", category="council", status="held", start="2008-05-01 10:00")

    html = hq_client.get("/reports/fy/2007").get_data(as_text=True)
    cells = counts(html, "matrix")
    assert cells[("kanto", "council")] == 2
    assert cells[("kanto", "briefing")] == 1
    assert cells[("kinki", "council")] == 1
    assert cells[("hokkaido", "council")] == 0
    assert cells[("", "council")] == 3  # row total
    assert cells[("kanto", "")] == 3  # column total
    assert cells[("", "")] == 4  # grand total
    assert len(matrix(html)) == 10 and all(len(row) == 9 for row in matrix(html).values())
    held = figure_counts.held_counts(2007)
    assert held["kanto"]["council"] == 2 and held["kinki"]["council"] == 1
    assert sum(sum(row.values()) for row in held.values()) == 4
    assert figure_counts.held_counts(2007, block_id=gone.block_id) == {"kanto": held["kanto"]}


def test_matrix_rows_and_columns_follow_the_official_order(hq_client):
    html = hq_client.get("/reports/fy/2007").get_data(as_text=True)
    blocks = ["北海道", "東北", "関東", "中部", "北陸", "近畿", "中国", "四国", "九州", "沖縄"]
    positions = [html.index(f">{name}</a></th>") for name in blocks]
    assert positions == sorted(positions)
    assert html.index("地域ブロック協議会・幹事会の開催") < html.index("各種連携会議の開催")
    assert "平成19年度" in html


def test_fiscal_year_boundary_is_judged_in_japan_time(make_activity, hq_client):
    # 23:30 JST on 31 March is 14:30 UTC the same day: still 平成19年度.
    make_activity(block="tohoku", category="info", status="held", start="2008-03-31 23:30")
    make_activity(block="tohoku", category="info", status="held", start="2008-04-01 00:00")

    fy2007 = hq_client.get("/reports/fy/2007").get_data(as_text=True)
    fy2008 = hq_client.get("/reports/fy/2008").get_data(as_text=True)
    assert "平成19年度" in fy2007 and "平成20年度" in fy2008
    assert counts(fy2007, "matrix")[("tohoku", "info")] == 1
    assert counts(fy2008, "matrix")[("tohoku", "info")] == 1
    assert figure_counts.held_counts(2007)["tohoku"]["info"] == 1
    assert figure_counts.held_counts(2008)["tohoku"]["info"] == 1
    listed = hq_client.get("/reports/fy/2007/activities?measure=held&block=tohoku&category=info")
    assert "2008年3月31日(月) 23:30" in listed.get_data(as_text=True)


def test_cancelled_never_counts_as_held_and_a_postponed_activity_moves_to_its_new_year(
    make_activity, make_user, hq_client
):
    sec = make_user(role="secretariat", block="kanto")
    cancelled = make_activity(block="kanto", category="training", start="2007-10-01 10:00")
    activity_services.cancel_activity(cancelled, actor=sec, reason="講師の都合")
    moved = make_activity(block="kanto", category="training", start="2008-03-10 14:00")
    activity_services.postpone_activity(
        moved, actor=sec, starts_at=datetime(2008, 5, 12, 14, 0, tzinfo=fiscal.JST)
    )
    activity_services.mark_held(moved, actor=sec, participants=40)
    db.session.commit()

    fy2007 = figure_counts.year_figures(2007)
    fy2008 = figure_counts.year_figures(2008)
    assert fy2007.held["kanto"]["training"] == 0
    assert fy2007.planned["kanto"]["training"] == 0  # the cancelled one is not planned either
    assert fy2007.counts["cancelled"]["kanto"]["training"] == 1
    # Postponed across the year end, it left FY2007's tables for FY2008's.
    assert fy2007.counts["postponed"]["kanto"]["training"] == 0
    assert fy2007.counts["added"]["kanto"]["training"] == 1  # only the cancelled one
    assert fy2008.held["kanto"]["training"] == 1
    assert fy2008.counts["postponed"]["kanto"]["training"] == 0
    html = hq_client.get("/reports/fy/2008").get_data(as_text=True)
    assert counts(html, "matrix")[("kanto", "training")] == 1
    assert (
        counts(hq_client.get("/reports/fy/2007").get_data(as_text=True), "matrix")[
            ("kanto", "training")
        ]
        == 0
    )
    listed = hq_client.get(
        "/reports/fy/2008/activities?measure=held&block=kanto&category=training"
    ).get_data(as_text=True)
    assert "2008年5月12日(月) 14:00" in listed


def _varied_year(make_activity):
    """FY2007 activities in every state, logged before and after the year began."""
    before = datetime(2007, 3, 1, tzinfo=UTC)
    after = datetime(2007, 6, 1, tzinfo=UTC)
    specs = [
        ("kanto", "council", "held", before),
        ("kanto", "council", "held", after),
        ("kanto", "council", "cancelled", before),
        ("kanto", "briefing", "planned", before),
        ("kanto", "briefing", "postponed", after),
        ("kinki", "exhibition", "held", before),
        ("kinki", "exhibition", "planned", after),
        ("kinki", "website", "cancelled", after),
    ]
    for n, (block, category, status, created) in enumerate(specs):
        make_activity(
            block=block,
            category=category,
            status=status,
            created_at=created,
            title=f"活動{n}",
            start=f"2007-{5 + n:02d}-10",
        )
    # First planned in FY2007, postponed into FY2008: it counts in FY2008 only.
    make_activity(
        block="kinki",
        category="exhibition",
        status="postponed",
        start="2008-06-10",
        original_starts_at=datetime(2008, 2, 10, tzinfo=fiscal.JST),
        created_at=before,
        title="延期された展示会",
    )


def test_plan_vs_actual_balances_in_every_cell(make_activity):
    _varied_year(make_activity)
    pva = figure_counts.plan_vs_actual(2007)
    for block, row in pva.items():
        for category, cell in row.items():
            plan = cell["original"] + cell["added"]
            actual = cell["held"] + cell["cancelled"] + cell["postponed"] + cell["scheduled"]
            assert plan == actual, (block, category, cell)
    assert pva["kanto"]["council"] == {
        "original": 2,
        "added": 1,
        "held": 2,
        "cancelled": 1,
        "postponed": 0,
        "scheduled": 0,
    }
    assert pva["kanto"]["briefing"] == {
        "original": 1,
        "added": 1,
        "held": 0,
        "cancelled": 0,
        "postponed": 1,
        "scheduled": 1,
    }
    assert pva["kinki"]["exhibition"]["postponed"] == 0
    assert pva["kinki"]["exhibition"]["original"] == 1
    assert figure_counts.planned_counts(2007)["kinki"]["exhibition"] == 2  # held + planned
    assert figure_counts.planned_counts(2008)["kinki"]["exhibition"] == 1  # the postponed one
    assert figure_counts.plan_vs_actual(2008)["kinki"]["exhibition"]["postponed"] == 1


@pytest.mark.parametrize("measure", list(figure_counts.MEASURES))
def test_every_count_lists_exactly_the_activities_behind_it(measure, make_activity, hq_client):
    _varied_year(make_activity)
    figures = figure_counts.year_figures(2007)
    drill = "/reports/fy/2007/activities"
    for block in ("kanto", "kinki"):
        for category in ("council", "briefing", "exhibition", "website"):
            n = figures.counts[measure][block][category]
            html = hq_client.get(
                f"{drill}?measure={measure}&block={block}&category={category}"
            ).get_data(as_text=True)
            assert f'<span id="behind-total">{n}</span>' in html, (measure, block, category)
            assert html.count("<tr data-activity=") == n


def test_block_detail_lists_held_activities_by_category_with_agencies(make_activity, hq_client):
    make_activity(
        block="kanto",
        category="briefing",
        status="held",
        title="地域新生コンソーシアム公募説明会",
        start="2007-04-20 13:30",
        end="2007-04-20 16:00",
        venue="さいたま新都心合同庁舎",
        organizers=["関東経済産業局", "関東総合通信局"],
        participants_of=["関東農政局"],
        participants=85,
    )
    make_activity(block="kanto", category="briefing", status="cancelled", title="中止した説明会")
    make_activity(block="kinki", category="briefing", status="held", title="近畿の説明会")

    response = hq_client.get("/reports/fy/2007/blocks/kanto")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    section = html[html.index('data-category="briefing"') :]
    section = section[: section.index("</section>")]
    assert "補助金等公募説明会の開催" in section
    assert "地域新生コンソーシアム公募説明会" in section
    assert "2007年4月20日(金) 13:30〜16:00" in section
    assert "さいたま新都心合同庁舎" in section
    assert "関東経済産業局、関東総合通信局" in section
    assert "関東農政局" in section and ">85<" in section
    assert "中止した説明会" not in html and "近畿の説明会" not in html
    assert hq_client.get("/reports/fy/2007/blocks/nowhere").status_code == 404


def test_hq_meetings_are_counted_by_kind_and_not_in_the_block_matrix(make_activity, hq_client):
    for kind, n in (("wg", 3), ("pt", 2), ("tf", 1)):
        for i in range(n):
            make_activity(
                block=None, category="council", kind=kind, status="held", title=f"{kind}{i}"
            )
    make_activity(block=None, category="council", kind="wg", status="cancelled", title="中止")
    html = hq_client.get("/reports/fy/2007").get_data(as_text=True)
    assert figure_counts.hq_meeting_counts(2007) == {"wg": 3, "pt": 2, "tf": 1}
    # "planned" leaves out the cancelled WG meeting.
    assert 'aria-label="ワーキンググループ(WG) 計画 3件"' in html
    assert 'aria-label="プロジェクトチーム(PT) 実施 2件"' in html
    assert 'aria-label="タスクフォース(TF) 実施 1件"' in html

    assert counts(html, "matrix")[("", "")] == 0
    assert 'kind=wg" aria-label="ワーキンググループ(WG) 実施 3件"' in html
    listed = hq_client.get("/reports/fy/2007/activities?measure=held&block=hq&kind=pt")
    assert listed.get_data(as_text=True).count("<tr data-activity=") == 2


def test_a_member_sees_every_count_but_only_the_activities_it_may_see(
    make_activity, make_user, login_as, client
):
    make_activity(block="kanto", category="council", status="held", visibility="members")
    make_activity(
        block="kanto", category="council", status="held", visibility="secretariat", title="内部"
    )
    make_activity(block="kinki", category="council", status="held", visibility="members")
    login_as(make_user(role="member", agency="関東総合通信局"))

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
    make_activity, make_user, login_as, client, count_queries
):
    login_as(make_user(role="hq"))

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
