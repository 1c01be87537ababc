"""No lost updates: two people edit the same activity; the second save is a conflict."""

import re

import sqlalchemy as sa

from council.activities.models import Activity
from council.extensions import db
from tests.activities.conftest import edit_data


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def test_second_save_gets_a_conflict_page_and_nothing_is_lost(
    app, make_user, make_activity, login_as, form_data, agency_id
):
    activity = make_activity(
        title="平成19年度 第2回関東地域ブロック協議会",
        venue="さいたま新都心合同庁舎1号館",
        organizers=["関東経済産業局"],
        participants_of=["関東総合通信局", "関東農政局"],
        start="2007-11-28 14:00",
        end="2007-11-28 16:00",
    )
    first_user = make_user(role="secretariat", block="kanto", email="tanaka@example.test")
    second_user = make_user(role="secretariat", block="kanto", email="suzuki@example.test")
    first = login_as(first_user, c=app.test_client())
    second = login_as(second_user, c=app.test_client())

    # Both open the edit form of the same version.
    page_1 = first.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    page_2 = second.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    version = _hidden(page_1, "version")
    assert version == _hidden(page_2, "version")

    # The first saves a new venue.
    response = first.post(
        f"/activities/{activity.id}/edit",
        data=form_data(
            version=version,
            loaded_at=_hidden(page_1, "loaded_at"),
            venue="関東経済産業局 第1会議室",
        ),
    )
    assert response.status_code == 302

    # The second, from the old version, changes the description and the start time.
    second_data = form_data(
        version=version,
        loaded_at=_hidden(page_2, "loaded_at"),
        description="議題追加:平成20年度事業計画(案)",
        start_time="13:30",
    )
    response = second.post(f"/activities/{activity.id}/edit", data=second_data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    # The first's change is shown: field, before → after, by whom.
    assert "競合" in page
    assert "会場" in page
    assert "さいたま新都心合同庁舎1号館 → <strong>関東経済産業局 第1会議室</strong>" in page
    assert "tanaka@example.test" in page
    # The second's text is still in the form, which now carries the current version.
    assert "議題追加:平成20年度事業計画(案)" in page
    assert 'value="13:30"' in page
    new_version = _hidden(page, "version")
    assert new_version != version

    # Nothing of the first's save was lost, and nothing of the second's was written.
    db.session.expire_all()
    stored = db.session.get(Activity, activity.id)
    assert stored.venue == "関東経済産業局 第1会議室"
    assert stored.description == ""

    # The second merges (keeps the first's venue) and saves with the new version.
    merged = dict(second_data, version=new_version, venue="関東経済産業局 第1会議室")
    response = second.post(f"/activities/{activity.id}/edit", data=merged)
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Activity, activity.id)
    assert stored.venue == "関東経済産業局 第1会議室"
    assert stored.description == "議題追加:平成20年度事業計画(案)"
    assert f"{stored.starts_at:%H:%M}" == "04:30"  # 13:30 JST


def test_a_change_of_agencies_alone_is_also_a_conflict(
    sec_client, make_activity, form_data, agency_id
):
    activity = make_activity(organizers=["関東経済産業局"])
    loaded = activity.version
    data = edit_data(activity, form_data)
    # Someone else adds an organiser (link table only) after the page was loaded.
    response = sec_client.post(
        f"/activities/{activity.id}/edit",
        data=dict(data, organizers=[agency_id("関東経済産業局"), agency_id("関東地方整備局")]),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).version == loaded + 1
    # A save from the old page is refused instead of silently dropping that organiser.
    response = sec_client.post(f"/activities/{activity.id}/edit", data=dict(data, title="別件名"))
    assert response.status_code == 409
    assert "共催機関" in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Activity, activity.id)
    assert {a.name for a in stored.organizers} == {"関東経済産業局", "関東地方整備局"}
    assert stored.title != "別件名"


def test_a_tampered_version_is_refused(sec_client, make_activity, form_data):
    activity = make_activity()
    response = sec_client.post(
        f"/activities/{activity.id}/edit", data=form_data(version="not-a-number")
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Activity.version).where(Activity.id == activity.id)) == 1
