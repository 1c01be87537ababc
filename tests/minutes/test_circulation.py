"""Minutes: circulation to the agencies taking part, their answers, back to draft."""

from datetime import date, timedelta

import sqlalchemy as sa

from council.audit.models import AuditEntry
from council.extensions import db
from council.minutes.models import MinutesResponse
from tests.minutes.helpers import minutes_form, minutes_url, reload_minutes

# --- circulation and answers ---------------------------------------------------------------


def test_circulation_needs_a_held_meeting_and_a_future_deadline(
    client, login_as, make_activity, secretariat, make_minutes
):
    planned = make_activity(title="関東 幹事会", start="2007-12-05 10:00", status="planned")
    minutes = make_minutes(activity=planned)
    login_as(secretariat)
    future = (date.today() + timedelta(days=10)).isoformat()
    refused = client.post(
        minutes_url(planned, "/circulate"),
        data={"comment_deadline_on": future, "version": minutes.version},
    )
    assert refused.status_code == 400
    assert "会議を「実施」にしてから照会してください。" in refused.get_data(as_text=True)

    planned.status = "held"
    db.session.commit()
    past = client.post(
        minutes_url(planned, "/circulate"),
        data={"comment_deadline_on": "2007-12-01", "version": minutes.version},
    )
    assert past.status_code == 400
    assert "照会期限には今日以降の日付を指定してください。" in past.get_data(as_text=True)
    assert 'value="2007-12-01"' in past.get_data(as_text=True)
    ok = client.post(
        minutes_url(planned, "/circulate"),
        data={"comment_deadline_on": future, "version": minutes.version},
    )
    assert ok.status_code == 302
    minutes = reload_minutes(minutes.id)
    assert minutes.status == "circulated"
    assert minutes.comment_deadline_on.isoformat() == future


def test_circulated_minutes_cannot_be_edited(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes(status="circulated")
    login_as(secretariat)
    assert client.get(minutes_url(meeting, "/edit")).status_code == 302
    response = client.post(
        minutes_url(meeting, "/edit"), data=minutes_form(minutes, discussion="書き換え")
    )
    assert response.status_code == 409
    assert "書き換え</textarea>" in response.get_data(as_text=True)
    assert reload_minutes(minutes.id).discussion != "書き換え"


def test_participating_agencies_answer_and_the_secretariat_sees_who_has(
    app, client, login_as, meeting, secretariat, member, make_user, make_minutes
):
    make_minutes(status="circulated")
    farm = make_user(role="member", agency="関東農政局", name="農政 花子")
    login_as(member)
    page = client.get(minutes_url(meeting)).get_data(as_text=True)
    assert "照会への回答(関東総合通信局)" in page
    assert (
        client.post(minutes_url(meeting, "/respond"), data={"answer": "confirm"}).status_code == 302
    )

    farm_client = login_as(farm, c=app.test_client())
    empty = farm_client.post(
        minutes_url(meeting, "/respond"), data={"answer": "comment", "comment": ""}
    )
    assert empty.status_code == 400
    assert "意見の内容を入力してください。" in empty.get_data(as_text=True)
    assert (
        farm_client.post(
            minutes_url(meeting, "/respond"),
            data={"answer": "comment", "comment": "第2段落の表現を修正願います。"},
        ).status_code
        == 302
    )

    sec = login_as(secretariat, c=app.test_client())
    page = sec.get(minutes_url(meeting)).get_data(as_text=True)
    assert "回答済み 2 / 3 機関" in page
    assert "総通 太郎" in page and "農政 花子" in page
    assert "第2段落の表現を修正願います。" in page
    # The organiser 関東経済産業局 has not answered.
    row = page.split('<th scope="row">関東経済産業局</th>')[1].split("</tr>")[0]
    assert "未回答" in row


def test_answering_again_replaces_the_answer_and_the_audit_keeps_the_old_one(
    client, login_as, meeting, member, make_minutes
):
    minutes = make_minutes(status="circulated")
    login_as(member)
    client.post(
        minutes_url(meeting, "/respond"), data={"answer": "comment", "comment": "最初の意見"}
    )
    client.post(minutes_url(meeting, "/respond"), data={"answer": "confirm", "comment": ""})
    responses = db.session.scalars(
        sa.select(MinutesResponse).where(MinutesResponse.minutes_id == minutes.id)
    ).all()
    assert [(r.is_confirmed, r.comment) for r in responses] == [(True, "")]
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "MinutesResponse")
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes["comment"] == ["最初の意見", ""]


def test_only_participating_agencies_may_answer_or_read_circulated_minutes(
    client, login_as, meeting, make_user, make_minutes
):
    make_minutes(status="circulated")
    bystander = make_user(role="member", agency="関東地方整備局")  # kanto, but not invited
    login_as(bystander)
    assert client.get(minutes_url(meeting)).status_code == 403
    assert (
        client.post(minutes_url(meeting, "/respond"), data={"answer": "confirm"}).status_code == 403
    )
    assert db.session.scalar(sa.select(sa.func.count(MinutesResponse.id))) == 0


def test_back_to_draft_and_recirculation_asks_everyone_again(
    app, client, login_as, meeting, secretariat, member, make_minutes
):
    minutes = make_minutes(status="circulated")
    login_as(member, c=app.test_client()).post(
        minutes_url(meeting, "/respond"), data={"answer": "confirm"}
    )
    login_as(secretariat)
    minutes = reload_minutes(minutes.id)
    assert (
        client.post(minutes_url(meeting, "/return"), data={"version": minutes.version}).status_code
        == 302
    )
    minutes = reload_minutes(minutes.id)
    assert minutes.status == "draft"
    assert (
        client.post(
            minutes_url(meeting, "/edit"),
            data=minutes_form(minutes, discussion="意見を反映した議事概要"),
        ).status_code
        == 302
    )
    minutes = reload_minutes(minutes.id)
    deadline = (date.today() + timedelta(days=7)).isoformat()
    client.post(
        minutes_url(meeting, "/circulate"),
        data={"comment_deadline_on": deadline, "version": minutes.version},
    )
    page = client.get(minutes_url(meeting)).get_data(as_text=True)
    assert "回答済み 0 / 3 機関" in page
    assert "(前回の照会には確認済み)" in page


def test_approval_needs_circulation_first(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes()
    login_as(secretariat)
    response = client.post(minutes_url(meeting, "/approve"), data={"version": minutes.version})
    assert response.status_code == 409
    assert reload_minutes(minutes.id).status == "draft"
