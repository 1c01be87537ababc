"""Done-when 3: plan vs actual for FY2008 from the submitted FY2008 plan counts each case:
held as planned, cancelled, postponed to FY2009, not held yet, added beyond the plan."""

import re
from datetime import UTC, date, datetime

from council import fiscal
from council.activities import services as activities
from council.extensions import db
from council.figures import counts as reports
from council.figures.plans import plan_vs_actual
from council.submissions import services

BEFORE_THE_YEAR = datetime(2008, 3, 1, tzinfo=UTC)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=fiscal.JST)


def test_plan_vs_actual_for_fy2008_counts_every_case(
    block, secretariat, make_activity, sec_client, hq_client, app, make_user, login_as
):
    kanto = block("kanto")
    as_planned = make_activity(title="第1回協議会", start="2008-06-20 14:00")
    second = make_activity(title="第2回協議会", start="2008-11-20 14:00")
    to_cancel = make_activity(
        category="briefing",
        title="公募説明会",
        start="2008-09-10 14:00",
        organizers=["関東経済産業局"],
    )
    to_postpone = make_activity(
        category="results",
        title="合同成果発表会",
        start="2009-02-10 13:00",
        organizers=["関東経済産業局"],
    )
    still_planned = make_activity(
        category="training", title="研修会", start="2009-03-05 13:00", organizers=["関東経済産業局"]
    )
    make_activity(block="kinki", title="近畿の協議会", start="2008-07-01 14:00")  # another block
    snap = services.submit(
        kanto, 2008, "plan", actor=secretariat, comment="平成20年度計画", now=BEFORE_THE_YEAR
    )
    db.session.commit()
    assert snap.counts["council"] == 2 and sum(snap.counts.values()) == 5

    # What happened during the year.
    activities.mark_held(as_planned, actor=secretariat, participants=40, today=date(2008, 6, 21))
    activities.mark_held(second, actor=secretariat, participants=35, today=date(2008, 11, 21))
    activities.cancel_activity(to_cancel, actor=secretariat, reason="公募の延期に伴い中止")
    activities.postpone_activity(
        to_postpone, actor=secretariat, starts_at=_at("2009-05-15 13:00"), reason="会場の都合"
    )
    make_activity(
        category="info",
        title="フォーラムでの施策紹介",
        start="2008-12-01 10:00",
        status="held",
        participants=90,
    )
    make_activity(
        category="info",
        title="追加後に中止",
        start="2008-12-05 10:00",
        status="cancelled",
        status_reason="中止",
    )
    db.session.commit()
    assert to_postpone.fiscal_year == 2009

    pva = plan_vs_actual(2008)["kanto"]
    assert set(plan_vs_actual(2008)) == {"kanto"}  # only blocks that submitted a plan
    assert pva.planned() == 5
    assert pva.count("held") == 2 and pva.count("held", "council") == 2
    assert pva.count("cancelled") == 1 and pva.count("cancelled", "briefing") == 1
    assert pva.count("moved") == 1 and pva.count("moved", "results") == 1
    assert pva.count("pending") == 1 and pva.count("pending", "training") == 1
    assert pva.count("deleted") == 0
    assert pva.count("added") == 1 and pva.count("added", "info") == 1
    assert [line.title for line in pva.lines_of("added")] == ["フォーラムでの施策紹介"]
    moved = pva.lines_of("moved")[0]
    assert (moved.activity_id, moved.fiscal_year, moved.status) == (
        to_postpone.id,
        2009,
        "postponed",
    )
    # Held now = held as planned + held additions = the fiscal-year table's held count.
    assert pva.held() == 3 == reports.year_figures(2008, block_id=kanto.id).total("held")
    assert still_planned.fiscal_year == 2008

    # The block page, the overview and the report page show the same table.
    block_page = sec_client.get("/submissions/2008/kanto").get_data(as_text=True)
    table = re.search(
        r'<table class="table report-matrix" id="pva-snapshot">.*?</table>', block_page, re.S
    ).group(0)
    total = re.search(r'<tr data-category="total">.*?</tr>', table, re.S).group(0)
    cells = dict(re.findall(r'data-col="(\w+)">(\d+)<', total))
    assert cells == {
        "planned": "5", "held": "2", "cancelled": "1", "moved": "1", "pending": "1",
        "deleted": "0", "added": "1", "held_now": "3",
    }  # fmt: skip
    assert "フォーラムでの施策紹介" in block_page and "平成21年度" in block_page
    # The plan as submitted stays readable, with the activity at its planned date.
    snapshot_page = hq_client.get("/submissions/2008/kanto/plan/1").get_data(as_text=True)
    assert "合同成果発表会" in snapshot_page and "2009年2月10日(火) 13:00" in snapshot_page
    for html in (
        hq_client.get("/submissions/2008").get_data(as_text=True),
        hq_client.get("/reports/fy/2008").get_data(as_text=True),
    ):
        row = re.search(
            r'<tr data-block="kanto">.*?</tr>', html.split('id="pva-snapshots"')[1], re.S
        ).group(0)
        assert dict(re.findall(r'data-col="(\w+)">(\d+)<', row)) == cells
    # A member reads the report's counts but gets no link to the block's submission page.
    member = login_as(make_user(role="member"), c=app.test_client())
    html = member.get("/reports/fy/2008").get_data(as_text=True)
    assert 'id="pva-snapshots"' in html and "/submissions/2008/kanto" not in html


def test_a_deleted_planned_activity_and_a_late_arrival_from_another_year(
    block, secretariat, make_activity
):
    kanto = block("kanto")
    gone = make_activity(title="取りやめ", start="2008-07-01 14:00")
    arrives = make_activity(title="前年度から延期", start="2008-03-20 14:00")  # FY2007
    services.submit(kanto, 2008, "plan", actor=secretariat, now=BEFORE_THE_YEAR)
    gone.deleted_at = BEFORE_THE_YEAR
    activities.postpone_activity(arrives, actor=secretariat, starts_at=_at("2008-04-25 14:00"))
    db.session.commit()
    pva = plan_vs_actual(2008)["kanto"]
    assert pva.count("deleted") == 1 and pva.count("added") == 1
    assert pva.lines_of("added")[0].title == "前年度から延期"
