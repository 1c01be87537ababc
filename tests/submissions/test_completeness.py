"""The completeness check: each finding, its severity, and what it ignores."""

from datetime import UTC, datetime

from council.extensions import db
from council.figures.completeness import AMBER, GREEN, RED, check_block, check_blocks
from tests.submissions.conftest import approve_minutes

NOW = datetime(2008, 5, 15, 3, 0, tzinfo=UTC)


def _codes(result):
    return {(f.code, f.title) for f in result.findings}


def test_each_check_finds_its_activity_with_its_severity(block, make_activity):
    kanto = block("kanto")
    make_activity(title="議事録なしの協議会", status="held", participants=30)
    draft = make_activity(
        title="議事録照会中の連携会議",
        category="liaison",
        status="held",
        participants=12,
        start="2007-07-02 10:00",
    )
    approve_minutes(draft, status="circulated")
    make_activity(
        title="人数なしの公募説明会",
        category="briefing",
        status="held",
        organizers=["関東経済産業局"],
        start="2007-06-01 14:00",
    )
    make_activity(
        title="共催なしの成果発表会",
        category="results",
        status="held",
        participants=120,
        start="2007-09-10 13:00",
    )
    make_activity(
        title="予定のままの研修会",
        category="training",
        status="planned",
        organizers=["関東経済産業局"],
        start="2008-02-20 13:00",
    )
    make_activity(
        title="延期中の展示会",
        category="exhibition",
        status="postponed",
        is_new_date_pending=True,
        start="2008-01-15",
    )
    db.session.commit()

    result = check_block(kanto.id, 2007, now=NOW)

    assert _codes(result) == {
        ("no_minutes", "議事録なしの協議会"),
        ("minutes_unapproved", "議事録照会中の連携会議"),
        ("no_participants", "人数なしの公募説明会"),
        ("no_organizers", "共催なしの成果発表会"),
        ("past_planned", "予定のままの研修会"),
        ("date_pending", "延期中の展示会"),
    }
    assert {f.code for f in result.red} == {"no_minutes", "past_planned"}
    assert {f.code for f in result.amber} == {
        "minutes_unapproved",
        "no_participants",
        "no_organizers",
        "date_pending",
    }
    assert result.status == RED
    # Red findings come first.
    assert [f.severity for f in result.findings][:2] == [RED, RED]


def test_a_complete_year_is_green_and_unrelated_activities_are_ignored(
    block, make_activity, held_meeting
):
    kanto = block("kanto")
    held_meeting(title="議事録確定済みの協議会")
    make_activity(title="中止した協議会", status="cancelled", status_reason="台風")
    make_activity(
        title="パンフレット",
        category="publication",
        status="held",
        start="2007-10-01",
        organizers=["関東経済産業局"],
    )  # no audience: no count asked
    make_activity(title="来月の協議会", status="planned", start="2008-06-20 14:00")
    make_activity(title="近畿の協議会", block="kinki", status="held")  # another block
    make_activity(title="前年度の協議会", status="held", start="2006-11-28 14:00")  # another year
    gone = make_activity(title="削除した協議会", status="held")
    gone.deleted_at = NOW
    db.session.commit()

    result = check_block(kanto.id, 2007, now=NOW)
    assert result.findings == [] and result.status == GREEN
    # A planned activity whose day has not passed is not late.
    assert check_block(kanto.id, 2008, now=NOW).status == GREEN


def test_amber_only_is_amber(block, make_activity, held_meeting):
    held_meeting(participants=None, title="人数未入力の協議会")
    assert check_block(block("kanto").id, 2007, now=NOW).status == AMBER


def test_planned_counts_as_late_only_once_its_last_day_is_over(block, make_activity):
    make_activity(
        title="開催中の展示会",
        category="exhibition",
        status="planned",
        start="2008-05-14",
        end="2008-05-16",
        organizers=["関東経済産業局"],
    )
    kanto = block("kanto")
    assert check_block(kanto.id, 2008, now=NOW).findings == []
    later = datetime(2008, 5, 17, 0, 0, tzinfo=UTC)
    assert [f.code for f in check_block(kanto.id, 2008, now=later).findings] == ["past_planned"]


def test_every_block_in_one_statement(block, make_activity, count_queries):
    for code in ("kanto", "kinki", "tohoku", "kyushu"):
        make_activity(block=code, title=f"{code}の協議会", status="held", participants=10)
    ids = [block(c).id for c in ("kanto", "kinki", "tohoku", "kyushu", "okinawa")]
    with count_queries() as counter:
        results = check_blocks(2007, ids, now=NOW)
    assert counter["n"] == 1
    assert [results[i].status for i in ids] == [RED, RED, RED, RED, GREEN]
