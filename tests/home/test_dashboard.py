"""The dashboard on the home page: upcoming meetings, open action items, recent changes."""

from datetime import date

import pytest

from council.extensions import db


def _section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_anonymous_visitors_get_the_portal_top_page_and_no_dashboard(client, seeded):
    page = client.get("/").get_data(as_text=True)
    assert "<h1>地域科学技術ポータル</h1>" in page
    assert page.split('class="portal-blocks"')[1].split("</ul>")[0].count("<li>") == 10
    assert "dash-upcoming" not in page


def test_upcoming_meetings_are_those_the_user_may_see(
    client, login_as, make_activity, soon, member
):
    make_activity(title="関東 協議会(来週)", start=soon(7))
    make_activity(title="関東 連携会議", category="liaison", start=soon(3))
    make_activity(title="関東 事務局内の会議", start=soon(4), visibility="secretariat")
    make_activity(title="近畿 協議会", block="kinki", start=soon(5))
    make_activity(title="関東 公募説明会", category="briefing", start=soon(6))
    make_activity(title="関東 先月の協議会", start=soon(-30), status="held")
    make_activity(title="関東 中止の協議会", start=soon(8), status="cancelled")
    login_as(member)
    upcoming = _section(client.get("/").get_data(as_text=True), "dash-upcoming")
    assert upcoming.index("関東 連携会議") < upcoming.index("関東 協議会(来週)")
    for hidden in ("事務局内", "近畿", "公募説明会", "先月", "中止"):
        assert hidden not in upcoming


def test_a_member_sees_the_open_action_items_of_its_agency(
    client, login_as, make_activity, minutes_with_items, member
):
    meeting = make_activity(title="関東協議会A", status="held", participants_of=["関東総合通信局"])
    minutes_with_items(
        meeting,
        "approved",
        [
            ("総通の宿題(期限あり)", "関東総合通信局", date(2008, 1, 31), False),
            ("総通の済んだ宿題", "関東総合通信局", None, True),
            ("農政局の宿題", "関東農政局", None, False),
        ],
    )
    draft_meeting = make_activity(title="関東協議会B", start="2007-12-10 10:00", status="held")
    minutes_with_items(draft_meeting, "draft", [("案の段階の宿題", "関東総合通信局", None, False)])
    login_as(member)
    items = _section(client.get("/").get_data(as_text=True), "dash-actions")
    assert "総通の宿題(期限あり)" in items and "(期限超過)" in items
    for hidden in ("済んだ宿題", "農政局の宿題", "案の段階の宿題"):
        assert hidden not in items


def test_a_secretariat_sees_its_blocks_items_and_hq_sees_all(
    client, login_as, make_user, make_activity, minutes_with_items, secretariat
):
    kanto = make_activity(title="関東協議会", status="held")
    kinki = make_activity(title="近畿協議会", block="kinki", status="held")
    minutes_with_items(kanto, "draft", [("関東の宿題", "関東農政局", None, False)])
    minutes_with_items(kinki, "approved", [("近畿の宿題", "近畿総合通信局", None, False)])
    login_as(secretariat)
    items = _section(client.get("/").get_data(as_text=True), "dash-actions")
    assert "関東の宿題" in items and "近畿の宿題" not in items
    hq = login_as(make_user(role="hq"), c=client.application.test_client())
    # A second client in the same test: start from a fresh request-global state.
    items = _section(hq.get("/").get_data(as_text=True), "dash-actions")
    assert "関東の宿題" in items and "近畿の宿題" in items


def test_the_owner_ticks_an_item_done_from_the_dashboard(
    client, login_as, make_activity, minutes_with_items, member
):
    meeting = make_activity(title="関東協議会", status="held")
    minutes = minutes_with_items(
        meeting, "approved", [("報告書の提出", "関東総合通信局", None, False)]
    )
    item_id = minutes.action_items[0].id
    login_as(member)
    page = client.get("/").get_data(as_text=True)
    action = f"/activities/{meeting.id}/minutes/action-items/{item_id}/done"
    assert f'action="{action}"' in page
    response = client.post(action, data={"done": "1", "return_to": "home"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "報告書の提出" not in _section(client.get("/").get_data(as_text=True), "dash-actions")


def test_recent_changes_are_those_of_the_secretariats_block(
    client, login_as, make_activity, secretariat
):
    make_activity(title="関東の新しい活動")
    make_activity(title="近畿の新しい活動", block="kinki")
    login_as(secretariat)
    changes = _section(client.get("/").get_data(as_text=True), "dash-changes")
    assert "活動を作成" in changes and "関東の新しい活動" in changes
    assert "近畿の新しい活動" not in changes


def test_members_see_recently_updated_activities_of_their_blocks(
    client, login_as, make_activity, member
):
    make_activity(title="関東の会議")
    make_activity(title="関東の事務局限りの会議", visibility="secretariat")
    make_activity(title="近畿の会議", block="kinki")
    login_as(member)
    changes = _section(client.get("/").get_data(as_text=True), "dash-changes")
    assert "関東の会議" in changes
    assert "事務局限り" not in changes and "近畿の会議" not in changes


@pytest.mark.parametrize("role", ["member", "secretariat", "hq"])
def test_dashboard_queries_do_not_grow_with_the_data(
    role, client, login_as, make_user, make_activity, minutes_with_items, count_queries, soon
):
    user = (
        make_user(role="member", agency="関東総合通信局")
        if role == "member"
        else make_user(role=role, block="kanto" if role == "secretariat" else None)
    )
    login_as(user)

    def add(n, offset):
        for i in range(n):
            meeting = make_activity(
                title=f"会議{offset + i}",
                start=soon(offset + i + 1),
                status="held",
                participants_of=["関東総合通信局", "関東農政局"],
            )
            minutes_with_items(
                meeting,
                "approved" if i % 2 else "circulated",
                [(f"宿題{offset + i}-{k}", "関東総合通信局", None, False) for k in range(2)],
            )
            make_activity(title=f"予定{offset + i}", start=soon(offset + i + 1))

    def measure():
        # A fresh session, as every production request has: nothing cached from the last one.
        db.session.remove()
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        return counter["n"]

    add(2, 0)
    small = measure()
    add(10, 10)
    large = measure()
    assert large == small, (small, large)


def test_minutes_steps_show_in_the_secretariats_recent_changes(
    client, login_as, make_activity, minutes_with_items, secretariat
):
    meeting = make_activity(title="関東協議会(確定)", status="held")
    minutes_with_items(meeting, "approved", [("宿題", "関東総合通信局", None, False)])
    kinki = make_activity(title="近畿協議会(確定)", block="kinki", status="held")
    minutes_with_items(kinki, "approved", [])
    login_as(secretariat)
    changes = _section(client.get("/").get_data(as_text=True), "dash-changes")
    assert "議事録を状態変更(確定)" in changes
    assert f'href="/activities/{meeting.id}/minutes">関東協議会(確定)</a>' in changes
    assert "近畿協議会" not in changes
