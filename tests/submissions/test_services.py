"""Submitting and returning: the snapshot freezes the figures, red findings refuse, amber
does not, resubmission makes a new snapshot, snapshots are insert-only."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from council.audit.hooks import set_actor
from council.audit.models import AuditEntry
from council.extensions import db
from council.submissions import services
from council.submissions.models import Snapshot, Submission

NOW = datetime(2008, 5, 15, 3, 0, tzinfo=UTC)


def test_a_record_freezes_the_held_counts_and_the_detailed_list(
    block, secretariat, held_meeting, make_activity
):
    meeting = held_meeting(title="平成19年度 第1回関東地域ブロック協議会", venue="さいたま")
    briefing = make_activity(
        category="briefing",
        title="公募説明会",
        status="held",
        participants=80,
        start="2007-06-01 14:00",
        end="2007-06-01 16:00",
        organizers=["関東経済産業局", "関東総合通信局"],
    )
    make_activity(title="中止した協議会", status="cancelled", status_reason="台風")
    make_activity(block="kinki", title="近畿の協議会", status="held", participants=5)

    set_actor(db.session, secretariat)  # what the app does for every request
    snap = services.submit(
        block("kanto"), 2007, "record", actor=secretariat, comment=" 提出します ", now=NOW
    )
    db.session.commit()

    submission = snap.submission
    assert (submission.state, submission.kind, submission.fiscal_year) == (
        "submitted",
        "record",
        2007,
    )
    assert submission.submitted_at == NOW and snap.submitted_at == NOW
    assert (snap.number, snap.submitted_by_id, snap.comment) == (1, secretariat.id, "提出します")
    assert snap.counts["council"] == 1 and snap.counts["briefing"] == 1
    assert sum(snap.counts.values()) == 2 and len(snap.counts) == 9
    by_id = {d["id"]: d for d in snap.details}
    assert set(by_id) == {meeting.id, briefing.id}
    assert by_id[briefing.id] == {
        "id": briefing.id,
        "uid": briefing.uid,
        "category": "briefing",
        "kind": None,
        "title": "公募説明会",
        "start": "2007-06-01T14:00:00+09:00",
        "end": "2007-06-01T16:00:00+09:00",
        "venue": "",
        "status": "held",
        "participants": 80,
        "organizers": ["関東経済産業局", "関東総合通信局"],
    }
    # Audited, with the comment as the reason.
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "Submission", AuditEntry.object_id == submission.id
        )
    )
    assert entry.actor_id == secretariat.id and entry.action == "create"
    assert entry.changes["state"] == [None, "submitted"]
    assert "提出します" in entry.reason


def test_a_plan_freezes_every_activity_that_is_not_cancelled(block, secretariat, make_activity):
    make_activity(title="予定の協議会", status="planned", start="2008-06-20 14:00")
    make_activity(title="延期の協議会", status="postponed", start="2008-09-20 14:00")
    make_activity(title="中止の協議会", status="cancelled", start="2008-10-20 14:00")
    snap = services.submit(
        block("kanto"), 2008, "plan", actor=secretariat, now=datetime(2008, 3, 1, tzinfo=UTC)
    )
    assert snap.counts["council"] == 2
    assert sorted(d["title"] for d in snap.details) == ["予定の協議会", "延期の協議会"]


def test_red_findings_refuse_and_the_message_names_them(block, secretariat, make_activity):
    make_activity(title="議事録のない協議会", status="held", participants=20)
    with pytest.raises(services.IncompleteError) as refused:
        services.submit(block("kanto"), 2007, "record", actor=secretariat, now=NOW)
    assert "「議事録のない協議会」(2007年11月28日(水))" in str(refused.value)
    assert "議事録がありません" in str(refused.value)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Snapshot)) == 0


def test_a_refusal_names_five_findings_and_counts_the_rest(block, secretariat, make_activity):
    for day in range(1, 8):
        make_activity(
            title=f"会議{day}", status="held", participants=1, start=f"2007-06-0{day} 10:00"
        )
    with pytest.raises(services.IncompleteError) as refused:
        services.submit(block("kanto"), 2007, "record", actor=secretariat, now=NOW)
    message = str(refused.value)
    assert "7件" in message and "「会議5」" in message and "「会議6」" not in message
    assert "ほか2件" in message


def test_amber_findings_do_not_stop_a_submission(block, secretariat, held_meeting):
    held_meeting(participants=None)
    snap = services.submit(block("kanto"), 2007, "record", actor=secretariat, now=NOW)
    assert snap.number == 1


def test_return_then_resubmit_makes_a_new_snapshot_and_keeps_the_first(
    block, secretariat, hq, held_meeting
):
    held_meeting()
    first = services.submit(block("kanto"), 2007, "record", actor=secretariat, now=NOW)
    db.session.commit()
    submission = first.submission
    with pytest.raises(services.SubmissionError, match="理由"):
        services.return_submission(submission, actor=hq, reason="  ")
    services.return_submission(submission, actor=hq, reason="参加者数を確認してください", now=NOW)
    db.session.commit()
    assert submission.state == "returned" and submission.returned_by_id == hq.id
    assert submission.return_reason == "参加者数を確認してください"
    with pytest.raises(services.SubmissionError, match="提出済"):
        services.return_submission(submission, actor=hq, reason="二度目")

    held_meeting(title="追加の協議会", start="2008-01-10 14:00")
    later = datetime(2008, 5, 20, tzinfo=UTC)
    second = services.submit(
        block("kanto"), 2007, "record", actor=secretariat, comment="修正", now=later
    )
    db.session.commit()
    assert second.number == 2 and second.submission_id == submission.id
    assert submission.state == "submitted" and submission.submitted_at == later
    db.session.expire_all()
    snaps = db.session.scalars(sa.select(Snapshot).order_by(Snapshot.number)).all()
    assert [s.counts["council"] for s in snaps] == [1, 2]
    assert [len(s.details) for s in snaps] == [1, 2]
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.object_type == "Submission")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "status", "status"]


def test_years_that_cannot_be_submitted(block, secretariat):
    kanto = block("kanto")
    with pytest.raises(services.SubmissionError, match="まだ始まっていない"):
        services.submit(
            kanto, 2008, "record", actor=secretariat, now=NOW.replace(year=2008, month=3)
        )
    with pytest.raises(services.SubmissionError, match="前年度になってから"):
        services.submit(kanto, 2010, "plan", actor=secretariat, now=NOW)
    with pytest.raises(services.SubmissionError):
        services.submit(kanto, 1990, "record", actor=secretariat, now=NOW)
    with pytest.raises(services.SubmissionError):
        services.submit(kanto, 2007, "budget", actor=secretariat, now=NOW)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE snapshots SET comment = 'changed'",
        "UPDATE snapshots SET counts = '{}'",
        "DELETE FROM snapshots",
    ],
)
def test_the_database_refuses_to_change_a_snapshot(block, secretariat, held_meeting, statement):
    held_meeting()
    services.submit(block("kanto"), 2007, "record", actor=secretariat, now=NOW)
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
        conn.execute(sa.text(statement))
    db.session.expire_all()
    snap = db.session.scalar(sa.select(Snapshot))
    assert snap.comment == "" and snap.counts["council"] == 1


def test_two_submissions_of_the_same_number_cannot_both_land(block, secretariat, held_meeting):
    """The unique (submission, number) pair turns a race into a refused second write."""
    held_meeting()
    snap = services.submit(block("kanto"), 2007, "record", actor=secretariat, now=NOW)
    db.session.commit()
    db.session.add(Snapshot(submission_id=snap.submission_id, number=1, counts={}, details=[]))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 1
