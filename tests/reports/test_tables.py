"""The fiscal-year tables: what counts where, and the drill-downs behind the counts."""

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
    make_activity, hq_client, secretariat
):
    cancelled = make_activity(block="kanto", category="training", start="2007-10-01 10:00")
    activity_services.cancel_activity(cancelled, actor=secretariat, reason="講師の都合")
    moved = make_activity(block="kanto", category="training", start="2008-03-10 14:00")
    activity_services.postpone_activity(
        moved, actor=secretariat, starts_at=datetime(2008, 5, 12, 14, 0, tzinfo=fiscal.JST)
    )
    activity_services.mark_held(moved, actor=secretariat, participants=40)
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
