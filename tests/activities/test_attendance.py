"""Attendance: the secretariat's sheet, the member's own RSVP, and no clobbered answers."""

import sqlalchemy as sa

from council.activities.models import Activity, Attendance
from council.extensions import db


def _rows(activity):
    db.session.expire_all()
    return {
        row.agency.name: row
        for row in db.session.scalars(
            sa.select(Attendance).where(Attendance.activity_id == activity.id)
        )
    }


def _sheet(agency_id, version, rows, participants=""):
    """The attendance form as sent when every row was blank when the page was loaded."""
    data = {"version": str(version), "participants": participants}
    for name, values in rows.items():
        i = agency_id(name)
        data.update({f"orig-rsvp-{i}": "", f"orig-attended-{i}": "", f"orig-persons-{i}": ""})
        data[f"rsvp-{i}"] = values.get("rsvp", "")
        data[f"persons-{i}"] = values.get("persons", "")
        if values.get("attended"):
            data[f"attended-{i}"] = "y"
    return data


def test_secretariat_records_who_attended_and_the_head_count(sec_client, make_activity, agency_id):
    activity = make_activity(participants_of=["関東総合通信局"])
    page = sec_client.get(f"/activities/{activity.id}/attendance").get_data(as_text=True)
    # The block's current members are on the sheet.
    assert "関東総合通信局" in page and "関東農政局" in page and "近畿農政局" not in page
    data = _sheet(
        agency_id,
        activity.version,
        {
            "関東総合通信局": {"attended": True, "persons": "情報通信部長 山田太郎"},
            "関東農政局": {"rsvp": "no"},
        },
        participants="23",
    )
    response = sec_client.post(f"/activities/{activity.id}/attendance", data=data)
    assert response.status_code == 302
    rows = _rows(activity)
    assert rows["関東総合通信局"].attended is True
    assert rows["関東総合通信局"].persons == "情報通信部長 山田太郎"
    assert rows["関東農政局"].rsvp == "no"
    assert db.session.get(Activity, activity.id).participants == 23
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "情報通信部長 山田太郎" in page and "23人" in page


def test_bad_rows_are_explained_and_kept(sec_client, make_activity, agency_id):
    activity = make_activity()
    data = _sheet(
        agency_id,
        activity.version,
        {"関東総合通信局": {"persons": "山田\x00太郎"}, "関東農政局": {"persons": "佐藤花子"}},
        participants="-2",
    )
    response = sec_client.post(f"/activities/{activity.id}/attendance", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "使用できない制御文字" in page
    assert "参加者数は0以上の整数で入力してください" in page
    assert 'value="佐藤花子"' in page
    assert _rows(activity) == {}


def test_member_answers_for_its_own_agency(client, login_as, make_activity, member):
    activity = make_activity(participants_of=["関東総合通信局"])
    login_as(member)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "関東総合通信局としての出欠を登録します" in page
    response = client.post(
        f"/activities/{activity.id}/rsvp", data={"rsvp": "yes", "persons": "情報通信部長 山田太郎"}
    )
    assert response.status_code == 302
    row = _rows(activity)["関東総合通信局"]
    assert row.rsvp == "yes" and row.persons == "情報通信部長 山田太郎"
    assert row.updated_by_id == member.id
    response = client.post(f"/activities/{activity.id}/rsvp", data={"rsvp": "maybe-not"})
    assert response.status_code == 400
    assert "出席・欠席・未定のいずれかを選んでください" in response.get_data(as_text=True)


def test_member_cannot_answer_for_a_cancelled_meeting(client, login_as, make_activity, member):
    activity = make_activity(status="cancelled")
    login_as(member)
    assert client.post(f"/activities/{activity.id}/rsvp", data={"rsvp": "yes"}).status_code == 403
    assert _rows(activity) == {}


def test_the_sheet_does_not_overwrite_an_answer_given_meanwhile(
    app, sec_client, make_user, login_as, make_activity, agency_id
):
    activity = make_activity()
    # The secretariat opened the sheet while every row was blank ...
    member = login_as(make_user(role="member", agency="関東総合通信局"), c=app.test_client())
    # ... then the member answered.
    r = member.post(f"/activities/{activity.id}/rsvp", data={"rsvp": "no", "persons": ""})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    # The secretariat saves its sheet, which did not touch that agency's answer.
    data = _sheet(
        agency_id,
        activity.version,
        {"関東総合通信局": {}, "関東農政局": {"attended": True}},
    )
    assert sec_client.post(f"/activities/{activity.id}/attendance", data=data).status_code == 302
    rows = _rows(activity)
    assert rows["関東総合通信局"].rsvp == "no"
    assert rows["関東農政局"].attended is True
    # Both changed the same answer: a conflict, not a silent overwrite.
    data = _sheet(agency_id, activity.version, {"関東総合通信局": {"rsvp": "yes"}})
    response = sec_client.post(f"/activities/{activity.id}/attendance", data=data)
    assert response.status_code == 409
    assert "他のユーザーが先に出欠を更新しました" in response.get_data(as_text=True)
    assert _rows(activity)["関東総合通信局"].rsvp == "no"


def test_attendance_is_audited(sec_client, make_activity, agency_id):
    from council.audit.models import AuditEntry

    activity = make_activity()
    data = _sheet(agency_id, activity.version, {"関東農政局": {"attended": True}})
    sec_client.post(f"/activities/{activity.id}/attendance", data=data)
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Attendance")
    ).one()
    assert entry.action == "create" and entry.changes["attended"] == [None, True]
