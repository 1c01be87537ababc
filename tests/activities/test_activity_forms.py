"""Creating and editing activities: fields per category, the block rule, validation."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from council.activities.models import Activity
from council.audit.models import AuditEntry
from council.extensions import db


def _only_activity():
    return db.session.scalars(sa.select(Activity)).one()


def _count():
    return db.session.scalar(sa.select(sa.func.count(Activity.id)))


def test_secretariat_creates_a_council_meeting_in_its_own_block(sec_client, form_data, agency_id):
    response = sec_client.post("/activities/new", data=form_data())
    assert response.status_code == 302
    activity = _only_activity()
    assert response.headers["Location"].endswith(f"/activities/{activity.id}")
    assert activity.block.code == "kanto"
    assert activity.kind == "council"
    assert activity.starts_at == datetime(2007, 11, 28, 5, 0, tzinfo=UTC)  # 14:00 JST
    assert activity.ends_at == datetime(2007, 11, 28, 7, 0, tzinfo=UTC)
    assert not activity.is_all_day
    assert activity.fiscal_year == 2007
    assert activity.status == "planned"
    assert [a.name for a in activity.organizers] == ["関東経済産業局"]
    assert {a.name for a in activity.participant_agencies} == {"関東総合通信局", "関東農政局"}
    page = sec_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2007年11月28日(水) 14:00〜16:00" in page
    assert "平成19年度" in page


def test_a_secretariat_asking_for_another_block_is_refused(sec_client, form_data, seeded):
    from council.directory.models import Block

    kinki = db.session.scalar(sa.select(Block).where(Block.code == "kinki"))
    response = sec_client.post("/activities/new", data=form_data(block=str(kinki.id)))
    assert response.status_code == 403
    assert _count() == 0


def test_date_only_categories_take_no_time(sec_client, form_data):
    response = sec_client.post(
        "/activities/new",
        data=form_data(
            category="publication",
            kind="",
            title="関東地域クラスター事例集",
            start_date="2008-03-10",
            start_time="10:00",
            end_time="",
        ),
    )
    assert response.status_code == 400
    assert "この区分は日付のみで登録します" in response.get_data(as_text=True)
    response = sec_client.post(
        "/activities/new",
        data=form_data(
            category="publication",
            kind="council",  # ignored outside the council category
            title="関東地域クラスター事例集",
            start_date="2008-03-10",
            start_time="",
            end_time="",
        ),
    )
    assert response.status_code == 302
    activity = _only_activity()
    assert activity.is_all_day and activity.ends_at is None and activity.kind is None
    assert activity.fiscal_year == 2007


def test_council_category_needs_its_kind(sec_client, form_data):
    response = sec_client.post("/activities/new", data=form_data(kind=""))
    assert response.status_code == 400
    assert "協議会か幹事会かを選んでください" in response.get_data(as_text=True)


def test_briefing_keeps_its_measures_and_other_categories_drop_them(sec_client, form_data):
    from council.measures.models import Measure

    scope = db.session.scalar(sa.select(Measure).where(Measure.name.contains("SCOPE")))
    sec_client.post(
        "/activities/new",
        data=form_data(
            category="briefing",
            kind="",
            title="公募説明会",
            measures=[scope.id],
            visibility="public",
        ),
    )
    briefing = _only_activity()
    assert [m.name for m in briefing.measures] == [scope.name]
    assert "戦略的情報通信研究開発推進制度(SCOPE)" in sec_client.get(
        f"/activities/{briefing.id}"
    ).get_data(as_text=True)
    sec_client.post(
        "/activities/new",
        data=form_data(category="training", kind="", title="研修会", measures=[scope.id]),
    )
    training = db.session.scalar(sa.select(Activity).where(Activity.title == "研修会"))
    assert training.measures == []


def test_hq_records_headquarters_meetings_only(client, login_as, form_data, hq):
    login_as(hq)
    data = form_data(kind="pt", title="第3回PT会合", organizers=[], participant_agencies=[])
    data.pop("category")
    assert client.post("/activities/new", data=data).status_code == 302
    activity = _only_activity()
    assert activity.block_id is None and activity.kind == "pt"
    assert activity.category.code == "council"
    # A council kind is not a headquarters meeting kind.
    response = client.post("/activities/new", data=form_data(kind="council", title="x"))
    assert response.status_code == 400
    assert "本府省会議の種別" in response.get_data(as_text=True)
    # PT meetings exist from FY2007.
    response = client.post("/activities/new", data=form_data(kind="pt", start_date="2006-06-01"))
    assert response.status_code == 400
    assert "平成19年度から" in response.get_data(as_text=True)


def test_admin_chooses_the_block(client, login_as, form_data, seeded, admin):
    from council.directory.models import Block

    login_as(admin)
    kinki = db.session.scalar(sa.select(Block).where(Block.code == "kinki"))
    response = client.post(
        "/activities/new",
        data=form_data(block=str(kinki.id), organizers=[], participant_agencies=[]),
    )
    assert response.status_code == 302
    assert _only_activity().block_id == kinki.id


def test_members_cannot_open_the_form(make_user, client, login_as):
    login_as(make_user(role="member"))
    assert client.get("/activities/new").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"title": ""}, "件名を入力してください。"),
        ({"title": "   "}, "件名を入力してください。"),
        ({"title": "議" * 201}, "件名は200文字以内で入力してください。"),
        ({"venue": "会" * 201}, "会場は200文字以内で入力してください。"),
        ({"end_time": "13:00"}, "終了は開始より後の日時にしてください。"),
        ({"end_date": "2007-11-27", "end_time": "16:00"}, "終了は開始より後の日時にしてください。"),
        ({"start_date": "1999-12-31"}, "2000年から2100年までの日付を入力してください。"),
        ({"start_date": "2107-04-01"}, "2000年から2100年までの日付を入力してください。"),
        ({"start_date": "2007-02-30"}, "実在する日付を入力してください。"),
        ({"start_date": "来週"}, "実在する日付を入力してください。"),
        ({"start_date": ""}, "開始日を入力してください。"),
        ({"start_time": "25:00"}, "時刻は 14:00 の形式で入力してください。"),
        ({"participants": "-3"}, "参加者数は0以上の整数で入力してください。"),
        ({"participants": "たくさん"}, "参加者数は0以上の整数で入力してください。"),
        ({"organizers": ["999999"]}, "登録されていない機関"),
        ({"organizers": ["abc"]}, "登録されていない機関"),
        ({"title": "協議会\x00"}, "使用できない制御文字"),
        ({"venue": "会議室\x1b[31m"}, "使用できない制御文字"),
        ({"description": "議題\x00"}, "使用できない制御文字"),
        ({"category": "unknown"}, "区分を一覧から選んでください。"),
        ({"visibility": "everyone"}, "公開範囲を選択肢から選んでください。"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_kept(
    sec_client, form_data, overrides, field_message
):
    data = form_data(**overrides)
    response = sec_client.post("/activities/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_message in page
    assert 'class="field__error"' in page or "field__error" in page
    # What the user typed is still in the form (the title at least, unless it is the culprit).
    if "title" not in overrides:
        assert "平成19年度 第2回関東地域ブロック協議会" in page
    if "venue" not in overrides:
        assert "さいたま新都心合同庁舎1号館" in page
    assert _count() == 0


def test_an_agency_of_another_block_is_not_offered_nor_accepted(sec_client, form_data, agency_id):
    page = sec_client.get("/activities/new").get_data(as_text=True)
    assert "関東農政局" in page
    assert "近畿農政局" not in page
    response = sec_client.post(
        "/activities/new", data=form_data(participant_agencies=[agency_id("近畿農政局")])
    )
    assert response.status_code == 400
    assert _count() == 0


def test_typed_values_survive_a_failed_save(sec_client, form_data, agency_id):
    response = sec_client.post(
        "/activities/new",
        data=form_data(
            title="", description="議題1 予算について\n議題2 連携事業", participants="23"
        ),
    )
    page = response.get_data(as_text=True)
    assert "議題1 予算について" in page
    assert 'value="23"' in page
    checked = re.findall(
        r'<input checked id="participant_agencies-\d+" name="participant_agencies" '
        r'type="checkbox" value="(\d+)">',
        page,
    )
    assert sorted(map(int, checked)) == sorted(
        [agency_id("関東総合通信局"), agency_id("関東農政局")]
    )


def test_edit_saves_changes_and_reason_goes_to_the_audit_log(
    sec_client, make_activity, form_data, agency_id
):
    activity = make_activity(organizers=["関東経済産業局"])
    data = form_data(
        version=str(activity.version),
        venue="関東経済産業局 第1会議室",
        organizers=[agency_id("関東経済産業局"), agency_id("関東地方整備局")],
        reason="会場変更のため",
    )
    response = sec_client.post(f"/activities/{activity.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    activity = db.session.get(Activity, activity.id)
    assert activity.venue == "関東経済産業局 第1会議室"
    assert {a.name for a in activity.organizers} == {"関東経済産業局", "関東地方整備局"}
    entries = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "Activity",
            AuditEntry.object_id == activity.id,
            AuditEntry.action == "update",
        )
    ).all()
    assert any("venue" in e.changes and e.reason == "会場変更のため" for e in entries)
    assert any(
        e.changes.get("organizers") == [["関東経済産業局"], ["関東経済産業局", "関東地方整備局"]]
        for e in entries
    )


def test_edit_form_is_prefilled_with_the_stored_values(sec_client, make_activity):
    activity = make_activity(
        title="幹事会", kind="secretariat", start="2007-10-02 10:30", end="2007-10-02 12:00"
    )
    page = sec_client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert 'value="2007-10-02"' in page
    assert 'value="10:30"' in page and 'value="12:00"' in page
    assert f'name="version" type="hidden" value="{activity.version}"' in page
    assert '<option selected value="secretariat">' in page


def test_another_blocks_secretariat_cannot_edit(client, login_as, make_activity, kinki_secretariat):
    activity = make_activity(visibility="public")
    login_as(kinki_secretariat)
    assert client.get(f"/activities/{activity.id}/edit").status_code == 403
    hidden = make_activity(title="非公開の幹事会", visibility="secretariat")
    assert client.get(f"/activities/{hidden.id}/edit").status_code == 404


def test_duplicate_prefills_next_years_meeting(sec_client, make_activity):
    source = make_activity(
        title="平成19年度 第1回関東地域ブロック協議会",
        start="2007-06-14 13:30",
        end="2007-06-14 15:30",
        venue="さいたま新都心合同庁舎",
        visibility="members",
        organizers=["関東経済産業局"],
        participants_of=["関東総合通信局"],
        participants=41,
        description="議事: 平成18年度実績",
    )
    source.status = "held"
    db.session.commit()
    response = sec_client.get(f"/activities/{source.id}/duplicate")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "平成20年度 第1回関東地域ブロック協議会" in page
    assert 'value="2008-06-14"' in page
    assert 'value="13:30"' in page and 'value="15:30"' in page
    assert "さいたま新都心合同庁舎" in page
    assert 'value="41"' not in page  # the head count is the new meeting's own
    assert 'action="/activities/new"' in page
    assert "<h1>複製して新規登録</h1>" in page
    assert "議事: 平成18年度実績" not in page


def test_duplicate_then_save_creates_a_planned_activity(sec_client, make_activity, form_data):
    source = make_activity()
    source.status = "held"
    db.session.commit()
    sec_client.get(f"/activities/{source.id}/duplicate")
    response = sec_client.post("/activities/new", data=form_data(start_date="2008-11-28"))
    assert response.status_code == 302
    copy = db.session.scalars(sa.select(Activity).order_by(Activity.id.desc())).first()
    assert copy.id != source.id and copy.status == "planned" and copy.fiscal_year == 2008


def test_duplicate_of_29_february_lands_on_28_february(sec_client, make_activity):
    source = make_activity(start="2008-02-29", category="website", title="ウェブサイト開設")
    page = sec_client.get(f"/activities/{source.id}/duplicate").get_data(as_text=True)
    assert 'value="2009-02-28"' in page


def test_the_reason_becomes_mandatory_when_the_submissions_rule_says_so(
    sec_client, make_activity, form_data, monkeypatch
):
    from council.activities import services

    activity = make_activity()
    monkeypatch.setattr(services, "reason_required", lambda a: a.id == activity.id)
    data = form_data(version=str(activity.version), venue="別会場")
    response = sec_client.post(f"/activities/{activity.id}/edit", data=data)
    assert response.status_code == 400
    assert "変更理由を入力してください" in response.get_data(as_text=True)
    data["reason"] = "会場の都合"
    assert sec_client.post(f"/activities/{activity.id}/edit", data=data).status_code == 302


@pytest.mark.parametrize(
    "typed", ["2007/11/28", "2007-11-28", "平成19年11月28日", "H19.11.28", "２００７/１１/２８"]
)
def test_the_start_date_may_be_typed_in_japanese_forms(sec_client, form_data, typed):
    response = sec_client.post("/activities/new", data=form_data(start_date=typed))
    assert response.status_code == 302
    assert _only_activity().starts_at == datetime(2007, 11, 28, 5, 0, tzinfo=UTC)


def test_a_date_outside_its_era_is_refused_and_kept(sec_client, form_data):
    response = sec_client.post("/activities/new", data=form_data(start_date="平成31年5月1日"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "平成19年11月28日" in page  # the hint names the accepted forms
    assert 'value="平成31年5月1日"' in page
    assert _count() == 0
