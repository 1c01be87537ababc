"""Minutes: writing a draft, circulation and answers, approval, correction, print."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from council.audit.models import AuditEntry
from council.extensions import db
from council.minutes import queries, services
from council.minutes.models import ActionItem, Minutes, MinutesResponse, MinutesRevision


def _url(activity, suffix=""):
    return f"/activities/{activity.id}/minutes{suffix}"


def _form(minutes=None, **overrides):
    data = {
        "attendees": "関東経済産業局 山田\n関東総合通信局 佐藤",
        "agenda": "開会\n各機関の施策説明\n閉会",
        "discussion": "## 施策説明\n各機関から平成20年度の施策について説明があった。",
        "decisions": "次回は2月に開催する。",
    }
    if minutes is not None:
        data["version"] = str(minutes.version)
    data.update(overrides)
    return data


def _agency_id(name):
    from council.directory.models import Agency

    return db.session.scalar(sa.select(Agency.id).where(Agency.name == name))


def _reload(minutes_id):
    db.session.expire_all()
    return db.session.get(Minutes, minutes_id)


# --- writing the draft ---------------------------------------------------------------------


def test_new_minutes_form_prefills_attendees_from_the_participating_agencies(
    client, login_as, meeting, secretariat
):
    login_as(secretariat)
    page = client.get(_url(meeting, "/new")).get_data(as_text=True)
    assert "関東経済産業局\n関東総合通信局\n関東農政局</textarea>" in page


def test_new_minutes_form_prefills_attendees_from_recorded_attendance(
    client, login_as, meeting, secretariat
):
    from council.activities.models import Attendance

    db.session.add(
        Attendance(
            activity_id=meeting.id,
            agency_id=_agency_id("関東農政局"),
            attended=True,
            persons="田中 一郎、鈴木 花子",
        )
    )
    db.session.add(
        Attendance(activity_id=meeting.id, agency_id=_agency_id("関東総合通信局"), attended=False)
    )
    db.session.commit()
    login_as(secretariat)
    page = client.get(_url(meeting, "/new")).get_data(as_text=True)
    assert "関東農政局 田中 一郎、鈴木 花子</textarea>" in page
    assert "関東総合通信局</textarea>" not in page


def test_secretariat_creates_minutes_with_action_items(client, login_as, meeting, secretariat):
    login_as(secretariat)
    owner = _agency_id("関東総合通信局")
    response = client.post(
        _url(meeting, "/new"),
        data=_form(
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
    page = client.get(_url(meeting)).get_data(as_text=True)
    assert "<h2>施策説明</h2>" in page
    assert "事例集の原稿を提出する" in page and "2008年1月31日(木)" in page


def test_bad_action_item_keeps_everything_typed(client, login_as, meeting, secretariat):
    login_as(secretariat)
    response = client.post(
        _url(meeting, "/new"),
        data=_form(
            discussion="長い議事概要の下書き",
            **{
                "action_items-0-description": "",
                "action_items-0-owner_agency_id": str(_agency_id("関東農政局")),
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
        _url(meeting, "/new"),
        data=_form(decisions="決定\x00事項", **{"action_items-0-description": "あ" * 501}),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "使用できない文字(NUL)が含まれています。" in page
    assert "内容は500文字以内で入力してください。" in page


def test_add_rows_button_keeps_the_text_and_saves_nothing(client, login_as, meeting, secretariat):
    login_as(secretariat)
    response = client.post(
        _url(meeting, "/new"),
        data=_form(
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
    assert client.get(_url(briefing, "/new")).status_code == 404
    assert client.post(_url(briefing, "/new"), data=_form()).status_code == 404


def test_editing_a_draft_changes_removes_and_adds_action_items(
    client, login_as, meeting, secretariat, make_minutes
):
    owner = _agency_id("関東農政局")
    minutes = make_minutes(
        action_items=[
            services.ActionItemInput(None, "残す項目", owner, None),
            services.ActionItemInput(None, "消す項目", owner, None),
        ]
    )
    keep, drop = minutes.action_items
    login_as(secretariat)
    form = client.get(_url(meeting, "/edit")).get_data(as_text=True)
    assert (
        'value="残す項目"' in form
        and f'name="version" type="hidden" value="{minutes.version}"' in form
    )
    response = client.post(
        _url(meeting, "/edit"),
        data=_form(
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
    minutes = _reload(minutes.id)
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
        _url(meeting, "/edit"),
        data=_form(
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
            _url(meeting, "/edit"),
            data=_form(minutes, discussion="一人目が直した議事概要\n共通の行"),
        ).status_code
        == 302
    )

    response = second.post(
        _url(meeting, "/edit"),
        data=_form(minutes, version=str(loaded), discussion="二人目の議事概要\n共通の行"),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "同僚 事務局員さん" in page
    # The diff shows the first person's line against the second's, and the form keeps the
    # second person's text with the version that is saved now.
    assert "<del>一人目が直した議事概要</del>" in page
    assert "<ins>二人目の議事概要</ins>" in page
    assert "二人目の議事概要\n共通の行</textarea>" in page
    current = _reload(minutes.id)
    assert current.discussion == "一人目が直した議事概要\n共通の行"
    assert f'name="version" type="hidden" value="{current.version}"' in page

    merged = second.post(
        _url(meeting, "/edit"),
        data=_form(
            current,
            discussion="一人目が直した議事概要\n二人目の議事概要\n共通の行",
        ),
    )
    assert merged.status_code == 302
    assert _reload(minutes.id).discussion == "一人目が直した議事概要\n二人目の議事概要\n共通の行"


def test_a_changed_action_item_alone_also_raises_the_version(
    client, login_as, meeting, secretariat, make_minutes
):
    minutes = make_minutes()
    before = minutes.version
    login_as(secretariat)
    client.post(
        _url(meeting, "/edit"),
        data=_form(minutes, **{"action_items-0-description": "追加だけ"}),
    )
    assert _reload(minutes.id).version == before + 1
    stale = client.post(
        _url(meeting, "/edit"),
        data=_form(minutes, version=str(before), **{"action_items-0-description": "別の追加"}),
    )
    assert stale.status_code == 409


def test_a_form_without_version_is_refused(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes()
    login_as(secretariat)
    data = _form(minutes, discussion="版なし")
    del data["version"]
    response = client.post(_url(meeting, "/edit"), data=data)
    assert response.status_code == 400
    assert _reload(minutes.id).discussion != "版なし"


# --- circulation and answers ---------------------------------------------------------------


def test_circulation_needs_a_held_meeting_and_a_future_deadline(
    client, login_as, make_activity, secretariat, make_minutes
):
    planned = make_activity(title="関東 幹事会", start="2007-12-05 10:00", status="planned")
    minutes = make_minutes(activity=planned)
    login_as(secretariat)
    future = (date.today() + timedelta(days=10)).isoformat()
    refused = client.post(
        _url(planned, "/circulate"),
        data={"comment_deadline_on": future, "version": minutes.version},
    )
    assert refused.status_code == 400
    assert "会議を「実施」にしてから照会してください。" in refused.get_data(as_text=True)

    planned.status = "held"
    db.session.commit()
    past = client.post(
        _url(planned, "/circulate"),
        data={"comment_deadline_on": "2007-12-01", "version": minutes.version},
    )
    assert past.status_code == 400
    assert "照会期限には今日以降の日付を指定してください。" in past.get_data(as_text=True)
    assert 'value="2007-12-01"' in past.get_data(as_text=True)
    ok = client.post(
        _url(planned, "/circulate"),
        data={"comment_deadline_on": future, "version": minutes.version},
    )
    assert ok.status_code == 302
    minutes = _reload(minutes.id)
    assert minutes.status == "circulated"
    assert minutes.comment_deadline_on.isoformat() == future


def test_circulated_minutes_cannot_be_edited(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes(status="circulated")
    login_as(secretariat)
    assert client.get(_url(meeting, "/edit")).status_code == 302
    response = client.post(_url(meeting, "/edit"), data=_form(minutes, discussion="書き換え"))
    assert response.status_code == 409
    assert "書き換え</textarea>" in response.get_data(as_text=True)
    assert _reload(minutes.id).discussion != "書き換え"


def test_participating_agencies_answer_and_the_secretariat_sees_who_has(
    app, client, login_as, meeting, secretariat, member, make_user, make_minutes
):
    make_minutes(status="circulated")
    farm = make_user(role="member", agency="関東農政局", name="農政 花子")
    login_as(member)
    page = client.get(_url(meeting)).get_data(as_text=True)
    assert "照会への回答(関東総合通信局)" in page
    assert client.post(_url(meeting, "/respond"), data={"answer": "confirm"}).status_code == 302

    farm_client = login_as(farm, c=app.test_client())
    empty = farm_client.post(_url(meeting, "/respond"), data={"answer": "comment", "comment": ""})
    assert empty.status_code == 400
    assert "意見の内容を入力してください。" in empty.get_data(as_text=True)
    assert (
        farm_client.post(
            _url(meeting, "/respond"),
            data={"answer": "comment", "comment": "第2段落の表現を修正願います。"},
        ).status_code
        == 302
    )

    sec = login_as(secretariat, c=app.test_client())
    page = sec.get(_url(meeting)).get_data(as_text=True)
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
    client.post(_url(meeting, "/respond"), data={"answer": "comment", "comment": "最初の意見"})
    client.post(_url(meeting, "/respond"), data={"answer": "confirm", "comment": ""})
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
    assert client.get(_url(meeting)).status_code == 403
    assert client.post(_url(meeting, "/respond"), data={"answer": "confirm"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(MinutesResponse.id))) == 0


def test_back_to_draft_and_recirculation_asks_everyone_again(
    app, client, login_as, meeting, secretariat, member, make_minutes
):
    minutes = make_minutes(status="circulated")
    login_as(member, c=app.test_client()).post(
        _url(meeting, "/respond"), data={"answer": "confirm"}
    )
    login_as(secretariat)
    minutes = _reload(minutes.id)
    assert (
        client.post(_url(meeting, "/return"), data={"version": minutes.version}).status_code == 302
    )
    minutes = _reload(minutes.id)
    assert minutes.status == "draft"
    assert (
        client.post(
            _url(meeting, "/edit"), data=_form(minutes, discussion="意見を反映した議事概要")
        ).status_code
        == 302
    )
    minutes = _reload(minutes.id)
    deadline = (date.today() + timedelta(days=7)).isoformat()
    client.post(
        _url(meeting, "/circulate"),
        data={"comment_deadline_on": deadline, "version": minutes.version},
    )
    page = client.get(_url(meeting)).get_data(as_text=True)
    assert "回答済み 0 / 3 機関" in page
    assert "(前回の照会には確認済み)" in page


def test_approval_needs_circulation_first(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes()
    login_as(secretariat)
    response = client.post(_url(meeting, "/approve"), data={"version": minutes.version})
    assert response.status_code == 409
    assert _reload(minutes.id).status == "draft"


# --- approval, immutability and corrections ------------------------------------------------


def test_approval_freezes_revision_one(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes(status="circulated")
    login_as(secretariat)
    assert (
        client.post(_url(meeting, "/approve"), data={"version": minutes.version}).status_code == 302
    )
    minutes = _reload(minutes.id)
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
        ("/edit", _form(minutes, discussion="改ざん")),
        ("/new", _form(discussion="改ざん")),
        ("/circulate", {"comment_deadline_on": "2099-01-01", "version": minutes.version}),
        ("/return", {"version": minutes.version}),
        ("/approve", {"version": minutes.version}),
    ]
    for suffix, data in attempts:
        response = client.post(_url(meeting, suffix), data=data)
        assert response.status_code in (403, 409), (suffix, response.status_code)
    member_client = login_as(member, c=client.application.test_client())
    assert member_client.post(
        _url(meeting, "/respond"), data={"answer": "comment", "comment": "改ざん"}
    ).status_code in (403, 409)
    minutes = _reload(minutes.id)
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
    form = client.get(_url(meeting, "/correct")).get_data(as_text=True)
    assert "第2版として記録され" in form
    no_reason = client.post(
        _url(meeting, "/correct"),
        data=_form(minutes, attendees="関東農政局 田中 一郎", reason=""),
    )
    assert no_reason.status_code == 400
    assert "訂正の理由を入力してください。" in no_reason.get_data(as_text=True)
    assert "関東農政局 田中 一郎</textarea>" in no_reason.get_data(as_text=True)

    response = client.post(
        _url(meeting, "/correct"),
        data=_form(minutes, attendees="関東農政局 田中 一郎", reason="出席者の氏名の誤記を訂正"),
    )
    assert response.status_code == 302
    minutes = _reload(minutes.id)
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

    rev1 = client.get(_url(meeting, "/revisions/1")).get_data(as_text=True)
    assert "関東農政局 田中 一朗" in rev1
    rev2 = client.get(_url(meeting, "/revisions/2")).get_data(as_text=True)
    assert "出席者の氏名の誤記を訂正" in rev2
    assert "<del>関東農政局 田中 一朗</del>" in rev2
    assert "<ins>関東農政局 田中 一郎</ins>" in rev2


def test_a_correction_that_changes_nothing_is_refused(
    client, login_as, meeting, secretariat, make_minutes
):
    minutes = make_minutes(status="approved")
    login_as(secretariat)
    response = client.post(
        _url(meeting, "/correct"),
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
    assert len(_reload(minutes.id).revisions) == 1


def test_a_stale_correction_is_a_conflict(client, login_as, meeting, secretariat, make_minutes):
    minutes = make_minutes(status="approved")
    stale = minutes.version
    services.correct_minutes(
        minutes, actor=secretariat, expected_version=stale, reason="先の訂正", decisions="訂正A"
    )
    db.session.commit()
    login_as(secretariat)
    response = client.post(
        _url(meeting, "/correct"),
        data=_form(minutes, version=str(stale), decisions="訂正B", reason="後の訂正"),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "訂正B</textarea>" in page and "後の訂正</textarea>" in page
    assert [r.number for r in _reload(minutes.id).revisions] == [1, 2]


# --- reading -------------------------------------------------------------------------------


def test_approved_minutes_are_read_in_the_block_but_not_elsewhere(
    client, login_as, meeting, make_user, make_minutes
):
    make_minutes(status="approved", discussion="確定した議事概要")
    in_block = make_user(role="member", agency="関東地方整備局")
    other_block = make_user(role="member", agency="近畿総合通信局")
    other_secretariat = make_user(role="secretariat", block="kinki")
    login_as(in_block)
    assert "確定した議事概要" in client.get(_url(meeting)).get_data(as_text=True)
    for user in (other_block, other_secretariat):
        c = login_as(user, c=client.application.test_client())
        assert c.get(_url(meeting)).status_code == 403
        assert c.get(_url(meeting, "/print")).status_code == 403
        assert c.get(_url(meeting, "/revisions/1")).status_code == 403
    assert client.application.test_client().get(_url(meeting)).status_code == 302


def test_drafts_are_not_shown_to_members(client, login_as, meeting, member, make_minutes):
    make_minutes()
    login_as(member)
    assert client.get(_url(meeting)).status_code == 403


def test_print_view_is_laid_out_like_a_government_record(
    client, login_as, meeting, secretariat, make_minutes
):
    minutes = make_minutes(
        action_items=[
            services.ActionItemInput(
                None, "事例集の原稿提出", _agency_id("関東総合通信局"), date(2008, 1, 31)
            )
        ]
    )
    login_as(secretariat)
    draft = client.get(_url(meeting, "/print")).get_data(as_text=True)
    assert "【案】" in draft
    services.circulate_minutes(
        minutes, actor=secretariat, expected_version=minutes.version, deadline=date(2099, 1, 1)
    )
    services.approve_minutes(minutes, actor=secretariat, expected_version=minutes.version)
    db.session.commit()
    page = client.get(_url(meeting, "/print")).get_data(as_text=True)
    assert "平成19年度 第1回 関東地域ブロック協議会 議事録" in page
    assert "【" not in page.split('class="gov-minutes"')[1].split("</h1>")[0]
    headings = ["日時", "場所", "出席者", "議題", "議事概要", "決定事項", "今後の対応"]
    positions = [page.index(f"<h2>{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    assert "2007年11月28日(水) 14:00〜16:00" in page
    assert "さいたま新都心合同庁舎1号館" in page
    assert "(出席者数 23名)" in page
    assert "事例集の原稿提出" in page and "2008年1月31日(木)" in page
    assert "確定(第1版)" in page
    assert "関東経済産業局" in page.split("gov-minutes__footer")[1]


def test_meetings_are_numbered_within_their_fiscal_year(make_activity, meeting):
    make_activity(title="関東地域ブロック協議会", start="2007-06-01 14:00", status="held")
    make_activity(title="関東地域ブロック協議会", start="2007-03-01 14:00", status="held")  # FY2006
    make_activity(title="関東地域ブロック協議会", start="2007-07-01 14:00", status="cancelled")
    assert queries.minutes_heading(meeting) == "平成19年度 第2回 関東地域ブロック協議会 議事録"
    meeting.title = "第5回関東地域ブロック協議会"
    assert queries.minutes_heading(meeting) == "第5回関東地域ブロック協議会 議事録"


# --- action items --------------------------------------------------------------------------


def test_owner_agency_ticks_an_action_item_done_after_approval(
    client, login_as, meeting, member, make_user, make_minutes
):
    minutes = make_minutes(
        status="approved",
        action_items=[
            services.ActionItemInput(None, "報告書の提出", _agency_id("関東総合通信局"), None)
        ],
    )
    item_id = minutes.action_items[0].id
    version = minutes.version
    other = make_user(role="member", agency="関東農政局")
    c = login_as(other, c=client.application.test_client())
    assert (
        c.post(_url(meeting, f"/action-items/{item_id}/done"), data={"done": "1"}).status_code
        == 403
    )
    login_as(member)
    response = client.post(_url(meeting, f"/action-items/{item_id}/done"), data={"done": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(ActionItem, item_id)
    assert item.is_done and item.done_at is not None
    # Ticking follow-up does not touch the record itself.
    assert _reload(minutes.id).version == version
    assert len(_reload(minutes.id).revisions) == 1


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
    assert _reload(minutes.id).discussion == "元の文"


def test_headquarters_keeps_the_minutes_of_its_own_meetings(
    client, login_as, make_activity, make_user
):
    wg = make_activity(
        block=None,
        kind="wg",
        title="地域クラスター連携ワーキンググループ",
        start="2007-10-03 10:00",
        status="held",
        participants_of=["近畿総合通信局"],
    )
    hq = make_user(role="hq")
    login_as(hq)
    form = client.get(_url(wg, "/new")).get_data(as_text=True)
    assert "近畿総合通信局</textarea>" in form
    assert client.post(_url(wg, "/new"), data=_form()).status_code == 302
    page = client.get(_url(wg, "/print")).get_data(as_text=True)
    assert "平成19年度 第1回 地域クラスター連携ワーキンググループ 議事録" in page
    assert "本府省 事務局" in page
    kanto = login_as(
        make_user(role="secretariat", block="kanto"), c=client.application.test_client()
    )
    assert kanto.post(_url(wg, "/edit"), data=_form(wg.minutes)).status_code == 403
