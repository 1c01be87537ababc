"""Minutes: writing the draft with its action items, and no lost updates."""

from datetime import date

import pytest
import sqlalchemy as sa

from council.extensions import db
from council.minutes import services
from council.minutes.models import ActionItem, Minutes
from tests.minutes.helpers import agency_id_of, minutes_form, minutes_url, reload_minutes

# --- writing the draft ---------------------------------------------------------------------


def test_new_minutes_form_prefills_attendees_from_the_participating_agencies(
    client, login_as, meeting, secretariat
):
    login_as(secretariat)
    page = client.get(minutes_url(meeting, "/new")).get_data(as_text=True)
    assert "関東経済産業局\n関東総合通信局\n関東農政局</textarea>" in page


def test_new_minutes_form_prefills_attendees_from_recorded_attendance(
    client, login_as, meeting, secretariat
):
    from council.activities.models import Attendance

    db.session.add(
        Attendance(
            activity_id=meeting.id,
            agency_id=agency_id_of("関東農政局"),
            attended=True,
            persons="田中 一郎、鈴木 花子",
        )
    )
    db.session.add(
        Attendance(activity_id=meeting.id, agency_id=agency_id_of("関東総合通信局"), attended=False)
    )
    db.session.commit()
    login_as(secretariat)
    page = client.get(minutes_url(meeting, "/new")).get_data(as_text=True)
    assert "関東農政局 田中 一郎、鈴木 花子</textarea>" in page
    assert "関東総合通信局</textarea>" not in page


def test_secretariat_creates_minutes_with_action_items(client, login_as, meeting, secretariat):
    login_as(secretariat)
    owner = agency_id_of("関東総合通信局")
    response = client.post(
        minutes_url(meeting, "/new"),
        data=minutes_form(
            **{
                "action_items-0-description": "事例集の原稿を提出する",
                "action_items-0-owner_agency_id": str(owner),
                "action_items-0-due_on": "2008-01-31",
                "action_items-1-description": "",
                "action_items-1-owner_agency_id": "",
                "action_items-1-due_on": "",
            }
        ),
    )
    assert response.status_code == 302
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.activity_id == meeting.id))
    assert minutes.status == "draft"
    assert minutes.discussion.startswith("## 施策説明")
    assert [(i.description, i.owner_agency_id, i.due_on) for i in minutes.action_items] == [
        ("事例集の原稿を提出する", owner, date(2008, 1, 31))
    ]
    page = client.get(minutes_url(meeting)).get_data(as_text=True)
    assert "<h2>施策説明</h2>" in page
    assert "事例集の原稿を提出する" in page and "2008年1月31日(木)" in page


def test_bad_action_item_keeps_everything_typed(client, login_as, meeting, secretariat):
    login_as(secretariat)
    response = client.post(
        minutes_url(meeting, "/new"),
        data=minutes_form(
            discussion="長い議事概要の下書き",
            **{
                "action_items-0-description": "",
                "action_items-0-owner_agency_id": str(agency_id_of("関東農政局")),
                "action_items-0-due_on": "2008-02-30",
            },
        ),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "内容を入力してください" in page
    assert "実在する日付を入力してください。" in page
    assert 'value="2008-02-30"' in page
    assert "長い議事概要の下書き</textarea>" in page
    assert db.session.scalar(sa.select(sa.func.count(Minutes.id))) == 0


def test_nul_bytes_and_overlong_text_are_refused_with_a_message(
    client, login_as, meeting, secretariat
):
    login_as(secretariat)
    response = client.post(
        minutes_url(meeting, "/new"),
        data=minutes_form(decisions="決定\x00事項", **{"action_items-0-description": "あ" * 501}),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "使用できない文字(NUL)が含まれています。" in page
    assert "内容は500文字以内で入力してください。" in page


def test_add_rows_button_keeps_the_text_and_saves_nothing(client, login_as, meeting, secretariat):
    login_as(secretariat)
    response = client.post(
        minutes_url(meeting, "/new"),
        data=minutes_form(
            discussion="まだ途中",
            add_rows="1",
            **{f"action_items-{i}-description": f"対応{i}" for i in range(3)},
        ),
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "まだ途中</textarea>" in page
    assert 'name="action_items-5-description"' in page
    assert 'value="対応2"' in page
    assert db.session.scalar(sa.select(sa.func.count(Minutes.id))) == 0


def test_minutes_are_only_for_meetings(client, login_as, make_activity, secretariat):
    briefing = make_activity(category="briefing", title="公募説明会")
    login_as(secretariat)
    assert client.get(minutes_url(briefing, "/new")).status_code == 404
    assert client.post(minutes_url(briefing, "/new"), data=minutes_form()).status_code == 404


def test_editing_a_draft_changes_removes_and_adds_action_items(
    client, login_as, meeting, secretariat, make_minutes
):
    owner = agency_id_of("関東農政局")
    minutes = make_minutes(
        action_items=[
            services.ActionItemInput(None, "残す項目", owner, None),
            services.ActionItemInput(None, "消す項目", owner, None),
        ]
    )
    keep, drop = minutes.action_items
    login_as(secretariat)
    form = client.get(minutes_url(meeting, "/edit")).get_data(as_text=True)
    assert (
        'value="残す項目"' in form
        and f'name="version" type="hidden" value="{minutes.version}"' in form
    )
    response = client.post(
        minutes_url(meeting, "/edit"),
        data=minutes_form(
            minutes,
            discussion="改訂した議事概要",
            **{
                "action_items-0-id": str(keep.id),
                "action_items-0-description": "残す項目(修正)",
                "action_items-0-owner_agency_id": str(owner),
                "action_items-1-id": str(drop.id),
                "action_items-1-description": "消す項目",
                "action_items-1-remove": "y",
                "action_items-2-description": "新しい項目",
                "action_items-2-due_on": "2008-03-01",
            },
        ),
    )
    assert response.status_code == 302
    minutes = reload_minutes(minutes.id)
    assert minutes.discussion == "改訂した議事概要"
    assert [i.description for i in minutes.action_items] == ["残す項目(修正)", "新しい項目"]
    assert db.session.get(ActionItem, drop.id) is None


def test_an_item_id_of_other_minutes_cannot_be_edited_through_this_form(
    client, login_as, make_activity, meeting, secretariat, make_minutes
):
    other = make_activity(title="関東 幹事会", start="2007-12-05 10:00", status="held")
    theirs = make_minutes(
        activity=other, action_items=[services.ActionItemInput(None, "他の会議の項目", None, None)]
    )
    mine = make_minutes()
    foreign = theirs.action_items[0]
    login_as(secretariat)
    response = client.post(
        minutes_url(meeting, "/edit"),
        data=minutes_form(
            mine,
            **{
                "action_items-0-id": str(foreign.id),
                "action_items-0-description": "乗っ取り",
                "action_items-0-remove": "",
            },
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ActionItem, foreign.id).description == "他の会議の項目"
    assert db.session.get(ActionItem, foreign.id).minutes_id == theirs.id


# --- no lost updates -----------------------------------------------------------------------


def test_second_save_gets_a_conflict_that_keeps_its_text(
    app, client, login_as, meeting, secretariat, make_user, make_minutes
):
    minutes = make_minutes(discussion="元の議事概要\n共通の行")
    colleague = make_user(role="secretariat", block="kanto", name="同僚 事務局員")
    first = login_as(colleague, c=app.test_client())
    second = login_as(secretariat)
    loaded = minutes.version
    assert (
        first.post(
            minutes_url(meeting, "/edit"),
            data=minutes_form(minutes, discussion="一人目が直した議事概要\n共通の行"),
        ).status_code
        == 302
    )

    response = second.post(
        minutes_url(meeting, "/edit"),
        data=minutes_form(minutes, version=str(loaded), discussion="二人目の議事概要\n共通の行"),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "同僚 事務局員さん" in page
    # The diff shows the first person's line against the second's, and the form keeps the
    # second person's text with the version that is saved now.
    assert "<del>一人目が直した議事概要</del>" in page
    assert "<ins>二人目の議事概要</ins>" in page
    assert "二人目の議事概要\n共通の行</textarea>" in page
    current = reload_minutes(minutes.id)
    assert current.discussion == "一人目が直した議事概要\n共通の行"
    assert f'name="version" type="hidden" value="{current.version}"' in page

    merged = second.post(
        minutes_url(meeting, "/edit"),
        data=minutes_form(
            current,
            discussion="一人目が直した議事概要\n二人目の議事概要\n共通の行",
        ),
    )
    assert merged.status_code == 302
    assert (
        reload_minutes(minutes.id).discussion
        == "一人目が直した議事概要\n二人目の議事概要\n共通の行"
    )


def test_a_changed_action_item_alone_also_raises_the_version(
    client, login_as, meeting, secretariat, make_minutes
):
    minutes = make_minutes()
    before = minutes.version
    login_as(secretariat)
    client.post(
        minutes_url(meeting, "/edit"),
        data=minutes_form(minutes, **{"action_items-0-description": "追加だけ"}),
    )
    assert reload_minutes(minutes.id).version == before + 1
    stale = client.post(
        minutes_url(meeting, "/edit"),
        data=minutes_form(
            minutes, version=str(before), **{"action_items-0-description": "別の追加"}
        ),
    )
    assert stale.status_code == 409


def test_a_form_without_version_is_refused(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes()
    login_as(secretariat)
    data = minutes_form(minutes, discussion="版なし")
    del data["version"]
    response = client.post(minutes_url(meeting, "/edit"), data=data)
    assert response.status_code == 400
    assert reload_minutes(minutes.id).discussion != "版なし"


def test_a_save_racing_another_write_is_a_conflict_not_an_error(make_minutes, secretariat):
    """The form's version matched when checked, but the row changed before our UPDATE."""
    from council.locking import EditConflict

    minutes = make_minutes(discussion="元の文")
    loaded = minutes.version
    # Another writer's UPDATE, unseen by the ORM's copy of the row.
    db.session.execute(
        sa.update(Minutes.__table__)
        .where(Minutes.__table__.c.id == minutes.id)
        .values(version=loaded + 1, discussion="他の人の文")
    )
    with pytest.raises(EditConflict):
        services.update_minutes(
            minutes, actor=secretariat, expected_version=loaded, discussion="私の文"
        )
    db.session.rollback()
    assert reload_minutes(minutes.id).discussion == "元の文"
