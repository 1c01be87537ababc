"""The activity list (filters, paging, visibility) and the detail page."""

import re

from council.extensions import db


def _titles(response) -> list[str]:
    page = response.get_data(as_text=True)
    return re.findall(r'<a href="/activities/\d+">([^<]+)</a>', page)


def test_anonymous_sees_only_public_activities(client, make_activity):
    make_activity(title="公開セミナー", visibility="public", category="results")
    make_activity(title="構成機関向け協議会", visibility="members")
    make_activity(title="事務局打合せ", visibility="secretariat")
    assert _titles(client.get("/activities/")) == ["公開セミナー"]


def test_member_sees_its_blocks_and_public(client, login_as, make_activity, member):
    make_activity(title="関東協議会", visibility="members")
    make_activity(title="近畿協議会", block="kinki", visibility="members")
    make_activity(title="近畿セミナー", block="kinki", visibility="public", category="results")
    make_activity(title="関東事務局会議", visibility="secretariat")
    login_as(member)
    assert sorted(_titles(client.get("/activities/"))) == sorted(["関東協議会", "近畿セミナー"])


def test_filters_combine(sec_client, make_activity):
    make_activity(title="協議会A", start="2007-06-01 14:00")
    make_activity(title="協議会B", start="2008-06-01 14:00")
    make_activity(title="展示会C", start="2007-10-01", category="exhibition", venue="幕張メッセ")
    make_activity(
        title="近畿セミナー",
        block="kinki",
        visibility="public",
        category="results",
        start="2006-11-01 13:00",
    )
    held = make_activity(title="協議会D", start="2007-07-01 14:00")
    held.status = "held"
    db.session.commit()
    assert sorted(_titles(sec_client.get("/activities/?fy=2007"))) == [
        "協議会A",
        "協議会D",
        "展示会C",
    ]
    assert _titles(sec_client.get("/activities/?fy=2007&category=exhibition")) == ["展示会C"]
    assert _titles(sec_client.get("/activities/?status=held")) == ["協議会D"]
    assert _titles(sec_client.get("/activities/?block=kinki")) == ["近畿セミナー"]
    # Free text on title and venue, Japanese substrings included.
    assert _titles(sec_client.get("/activities/?q=幕張")) == ["展示会C"]
    assert sorted(_titles(sec_client.get("/activities/?q=協議"))) == [
        "協議会A",
        "協議会B",
        "協議会D",
    ]
    # LIKE wildcards are searched for literally.
    assert _titles(sec_client.get("/activities/?q=%25")) == []
    # Rubbish in the query string is ignored, not a 500.
    for junk in ("fy=abc", "page=-4", "block=%00", "q=%00%00", "status=zzz", "fy=99999"):
        assert sec_client.get(f"/activities/?{junk}").status_code == 200


def test_headquarters_filter(sec_client, make_activity):
    make_activity(title="第1回WG", block=None, kind="wg", visibility="members")
    make_activity(title="関東協議会")
    assert _titles(sec_client.get("/activities/?block=hq")) == ["第1回WG"]


def test_paging_keeps_filters_and_queries_do_not_grow(
    app, sec_client, make_activity, count_queries
):
    app.config["PAGE_SIZE"] = 5
    for day in range(1, 13):
        make_activity(
            title=f"会議{day:02d}", start=f"2007-05-{day:02d} 10:00", organizers=["関東経済産業局"]
        )
    first = sec_client.get("/activities/?fy=2007")
    assert _titles(first) == ["会議12", "会議11", "会議10", "会議09", "会議08"]
    assert "page=2" in first.get_data(as_text=True) and "fy=2007" in first.get_data(as_text=True)
    assert "12件" in first.get_data(as_text=True)
    assert _titles(sec_client.get("/activities/?fy=2007&page=3")) == ["会議02", "会議01"]
    assert _titles(sec_client.get("/activities/?fy=2007&page=99")) == ["会議02", "会議01"]
    with count_queries() as small:
        sec_client.get("/activities/?fy=2007&page=3")
    app.config["PAGE_SIZE"] = 50
    with count_queries() as large:
        sec_client.get("/activities/?fy=2007")
    assert large["n"] == small["n"]


def _link(response, rel: str) -> str:
    import html

    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', response.get_data(as_text=True))
    return html.unescape(match.group(1)) if match else ""


def test_the_pager_walks_by_position_there_and_back(app, sec_client, make_activity):
    app.config["PAGE_SIZE"] = 5
    for day in range(1, 13):
        make_activity(title=f"会議{day:02d}", start=f"2007-05-{day:02d} 10:00")
    # Two at the same moment: the id decides their order, and neither is lost between pages.
    make_activity(title="会議08b", start="2007-05-08 10:00")

    first = sec_client.get("/activities/?fy=2007")
    second = sec_client.get(_link(first, "next"))
    third = sec_client.get(_link(second, "next"))
    assert "after=" in _link(first, "next") and "page=2" in _link(first, "next")
    seen = _titles(first) + _titles(second) + _titles(third)
    assert seen == ["会議12", "会議11", "会議10", "会議09", "会議08b", "会議08"] + [
        f"会議{d:02d}" for d in range(7, 0, -1)
    ]
    assert _link(third, "next") == "" and "3 / 3 ページ" in third.get_data(as_text=True)
    back = sec_client.get(_link(third, "prev"))
    assert _titles(back) == _titles(second) and "2 / 3 ページ" in back.get_data(as_text=True)
    assert _titles(sec_client.get(_link(back, "prev"))) == _titles(first)
    # A mangled position is ignored: the page number alone decides.
    assert _titles(sec_client.get("/activities/?fy=2007&page=3&after=x_y")) == _titles(third)


def test_detail_shows_everything(sec_client, make_activity):
    activity = make_activity(
        title="平成19年度 第2回関東地域ブロック協議会",
        start="2007-11-28 14:00",
        end="2007-11-28 16:00",
        venue="さいたま新都心合同庁舎",
        organizers=["関東経済産業局"],
        participants_of=["関東総合通信局", "関東農政局"],
        participants=23,
        description="議題1 <b>連携</b>\n議題2",
    )
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    for text in (
        "平成19年度",
        "関東",
        "地域ブロック協議会・幹事会の開催",
        "協議会",
        "2007年11月28日(水) 14:00〜16:00",
        "さいたま新都心合同庁舎",
        "関東経済産業局",
        "関東総合通信局",
        "関東農政局",
        "23人",
        "予定",
        "構成機関のみ",
        "添付ファイル",
        "出欠",
    ):
        assert text in page, text
    # User text is escaped, newlines kept.
    assert "議題1 &lt;b&gt;連携&lt;/b&gt;<br>" in page


def test_detail_is_404_when_hidden_or_missing(make_user, client, login_as, make_activity):
    hidden = make_activity(title="関東事務局会議", visibility="secretariat")
    members = make_activity(title="関東協議会", visibility="members")
    # A signed-out visitor is asked to log in (and comes back here afterwards), whether the
    # activity exists or not; only a signed-in user who may not see it is told 404.
    for path in (f"/activities/{members.id}", "/activities/999999"):
        anonymous = client.get(path)
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"].startswith("/login?next=")
        assert "activities" in anonymous.headers["Location"]
    login_as(make_user(role="member", agency="近畿総合通信局"))
    missing = client.get("/activities/999999")
    other = client.get(f"/activities/{members.id}")
    assert missing.status_code == other.status_code == 404
    assert client.get(f"/activities/{hidden.id}").status_code == 404
    assert missing.get_data(as_text=True).count("ページが見つかりません") == other.get_data(
        as_text=True
    ).count("ページが見つかりません")


def test_soft_deleted_activity_is_gone(sec_client, make_activity):
    from council.extensions import utc_now

    activity = make_activity()
    activity.deleted_at = utc_now()
    db.session.commit()
    assert sec_client.get(f"/activities/{activity.id}").status_code == 404
    assert _titles(sec_client.get("/activities/")) == []


def test_hq_meeting_detail(sec_client, make_activity):
    activity = make_activity(block=None, kind="tf", title="第1回TF", visibility="members")
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "本府省会議" in page and "タスクフォース" in page
