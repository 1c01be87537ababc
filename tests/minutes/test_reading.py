"""Minutes: who reads them, the print view, meeting numbers, action items, headquarters."""

from datetime import date

from council.extensions import db
from council.minutes import queries, services
from council.minutes.models import ActionItem
from tests.minutes.helpers import agency_id_of, minutes_form, minutes_url, reload_minutes

# --- reading -------------------------------------------------------------------------------


def test_approved_minutes_are_read_in_the_block_but_not_elsewhere(
    client, login_as, meeting, make_user, make_minutes
):
    make_minutes(status="approved", discussion="確定した議事概要")
    in_block = make_user(role="member", agency="関東地方整備局")
    other_block = make_user(role="member", agency="近畿総合通信局")
    other_secretariat = make_user(role="secretariat", block="kinki")
    login_as(in_block)
    assert "確定した議事概要" in client.get(minutes_url(meeting)).get_data(as_text=True)
    for user in (other_block, other_secretariat):
        c = login_as(user, c=client.application.test_client())
        assert c.get(minutes_url(meeting)).status_code == 403
        assert c.get(minutes_url(meeting, "/print")).status_code == 403
        assert c.get(minutes_url(meeting, "/revisions/1")).status_code == 403
    assert client.application.test_client().get(minutes_url(meeting)).status_code == 302


def test_the_activity_page_shows_the_minutes_panel(
    client, login_as, meeting, secretariat, make_minutes
):
    make_minutes()
    login_as(secretariat)
    page = client.get(f"/activities/{meeting.id}").get_data(as_text=True)
    assert 'class="minutes-panel"' in page
    assert f'href="{minutes_url(meeting, "/edit")}"' in page


def test_drafts_are_not_shown_to_members(client, login_as, meeting, member, make_minutes):
    make_minutes()
    login_as(member)
    assert client.get(minutes_url(meeting)).status_code == 403


def test_print_view_is_laid_out_like_a_government_record(
    client, login_as, meeting, secretariat, make_minutes
):
    minutes = make_minutes(
        action_items=[
            services.ActionItemInput(
                None, "事例集の原稿提出", agency_id_of("関東総合通信局"), date(2008, 1, 31)
            )
        ]
    )
    login_as(secretariat)
    draft = client.get(minutes_url(meeting, "/print")).get_data(as_text=True)
    assert "【案】" in draft
    services.circulate_minutes(
        minutes, actor=secretariat, expected_version=minutes.version, deadline=date(2099, 1, 1)
    )
    services.approve_minutes(minutes, actor=secretariat, expected_version=minutes.version)
    db.session.commit()
    page = client.get(minutes_url(meeting, "/print")).get_data(as_text=True)
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
            services.ActionItemInput(None, "報告書の提出", agency_id_of("関東総合通信局"), None)
        ],
    )
    item_id = minutes.action_items[0].id
    version = minutes.version
    other = make_user(role="member", agency="関東農政局")
    c = login_as(other, c=client.application.test_client())
    assert (
        c.post(
            minutes_url(meeting, f"/action-items/{item_id}/done"), data={"done": "1"}
        ).status_code
        == 403
    )
    login_as(member)
    response = client.post(
        minutes_url(meeting, f"/action-items/{item_id}/done"), data={"done": "1"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(ActionItem, item_id)
    assert item.is_done and item.done_at is not None
    # Ticking follow-up does not touch the record itself.
    assert reload_minutes(minutes.id).version == version
    assert len(reload_minutes(minutes.id).revisions) == 1


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
    form = client.get(minutes_url(wg, "/new")).get_data(as_text=True)
    assert "近畿総合通信局</textarea>" in form
    assert client.post(minutes_url(wg, "/new"), data=minutes_form()).status_code == 302
    page = client.get(minutes_url(wg, "/print")).get_data(as_text=True)
    assert "平成19年度 第1回 地域クラスター連携ワーキンググループ 議事録" in page
    assert "本府省 事務局" in page
    kanto = login_as(
        make_user(role="secretariat", block="kanto"), c=client.application.test_client()
    )
    assert kanto.post(minutes_url(wg, "/edit"), data=minutes_form(wg.minutes)).status_code == 403
