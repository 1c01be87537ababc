"""Minutes: approval, immutability of the record, corrections by new revisions."""

import pytest
import sqlalchemy as sa

from council.audit.models import AuditEntry
from council.extensions import db
from council.minutes import services
from council.minutes.models import MinutesRevision
from tests.minutes.helpers import minutes_form, minutes_url, reload_minutes

# --- approval, immutability and corrections ------------------------------------------------


def test_approval_freezes_revision_one(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes(status="circulated")
    login_as(secretariat)
    assert (
        client.post(minutes_url(meeting, "/approve"), data={"version": minutes.version}).status_code
        == 302
    )
    minutes = reload_minutes(minutes.id)
    assert minutes.status == "approved"
    assert minutes.approved_by_id == secretariat.id
    [revision] = minutes.revisions
    assert revision.number == 1
    assert revision.discussion == minutes.discussion
    status_entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "Minutes", AuditEntry.action == "status")
        .order_by(AuditEntry.id.desc())
    )
    assert status_entry.changes["status"] == ["circulated", "approved"]


def test_no_route_changes_approved_minutes(
    client, login_as, meeting, secretariat, member, make_minutes
):
    minutes = make_minutes(status="approved")
    before = {name: getattr(minutes, name) for name in ("status", "discussion", "version")}
    login_as(secretariat)
    attempts = [
        ("/edit", minutes_form(minutes, discussion="改ざん")),
        ("/new", minutes_form(discussion="改ざん")),
        ("/circulate", {"comment_deadline_on": "2099-01-01", "version": minutes.version}),
        ("/return", {"version": minutes.version}),
        ("/approve", {"version": minutes.version}),
    ]
    for suffix, data in attempts:
        response = client.post(minutes_url(meeting, suffix), data=data)
        assert response.status_code in (403, 409), (suffix, response.status_code)
    member_client = login_as(member, c=client.application.test_client())
    assert member_client.post(
        minutes_url(meeting, "/respond"), data={"answer": "comment", "comment": "改ざん"}
    ).status_code in (403, 409)
    minutes = reload_minutes(minutes.id)
    assert {name: getattr(minutes, name) for name in before} == before
    assert len(minutes.revisions) == 1


def test_the_database_refuses_to_change_a_revision(make_minutes):
    minutes = make_minutes(status="approved")
    revision_id = minutes.revisions[0].id
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(
            sa.update(MinutesRevision)
            .where(MinutesRevision.id == revision_id)
            .values(discussion="x")
        )
        db.session.flush()
    db.session.rollback()


def test_a_correction_needs_a_reason_and_creates_revision_two(
    client, login_as, meeting, secretariat, make_minutes
):
    minutes = make_minutes(status="approved", attendees="関東農政局 田中 一朗")
    original = minutes.attendees
    login_as(secretariat)
    form = client.get(minutes_url(meeting, "/correct")).get_data(as_text=True)
    assert "第2版として記録され" in form
    no_reason = client.post(
        minutes_url(meeting, "/correct"),
        data=minutes_form(minutes, attendees="関東農政局 田中 一郎", reason=""),
    )
    assert no_reason.status_code == 400
    assert "訂正の理由を入力してください。" in no_reason.get_data(as_text=True)
    assert "関東農政局 田中 一郎</textarea>" in no_reason.get_data(as_text=True)

    response = client.post(
        minutes_url(meeting, "/correct"),
        data=minutes_form(
            minutes, attendees="関東農政局 田中 一郎", reason="出席者の氏名の誤記を訂正"
        ),
    )
    assert response.status_code == 302
    minutes = reload_minutes(minutes.id)
    assert minutes.status == "approved"
    assert minutes.attendees == "関東農政局 田中 一郎"
    first, second = minutes.revisions
    assert (first.number, first.attendees, first.reason) == (1, original, "")
    assert (second.number, second.attendees, second.reason) == (
        2,
        "関東農政局 田中 一郎",
        "出席者の氏名の誤記を訂正",
    )
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "Minutes", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
    )
    assert entry.reason == "出席者の氏名の誤記を訂正"

    rev1 = client.get(minutes_url(meeting, "/revisions/1")).get_data(as_text=True)
    assert "関東農政局 田中 一朗" in rev1
    rev2 = client.get(minutes_url(meeting, "/revisions/2")).get_data(as_text=True)
    assert "出席者の氏名の誤記を訂正" in rev2
    assert "<del>関東農政局 田中 一朗</del>" in rev2
    assert "<ins>関東農政局 田中 一郎</ins>" in rev2


def test_a_correction_that_changes_nothing_is_refused(
    client, login_as, meeting, secretariat, make_minutes
):
    minutes = make_minutes(status="approved")
    login_as(secretariat)
    response = client.post(
        minutes_url(meeting, "/correct"),
        data={
            "attendees": minutes.attendees,
            "agenda": minutes.agenda,
            "discussion": minutes.discussion,
            "decisions": minutes.decisions,
            "reason": "念のため",
            "version": minutes.version,
        },
    )
    assert response.status_code == 400
    assert "訂正する内容がありません" in response.get_data(as_text=True)
    assert len(reload_minutes(minutes.id).revisions) == 1


def test_a_stale_correction_is_a_conflict(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes(status="approved")
    stale = minutes.version
    services.correct_minutes(
        minutes, actor=secretariat, expected_version=stale, reason="先の訂正", decisions="訂正A"
    )
    db.session.commit()
    login_as(secretariat)
    response = client.post(
        minutes_url(meeting, "/correct"),
        data=minutes_form(minutes, version=str(stale), decisions="訂正B", reason="後の訂正"),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "訂正B</textarea>" in page and "後の訂正</textarea>" in page
    assert [r.number for r in reload_minutes(minutes.id).revisions] == [1, 2]
