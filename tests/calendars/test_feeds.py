"""The iCalendar feeds: what they hold, RFC 5545 details, conditional requests, tokens."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import vobject

from council import ical
from council.activities.models import Activity
from council.activities.services import update_activity
from council.calendars import feeds
from council.extensions import db, utc_now
from council.fiscal import JST
from tests.calendars.conftest import events_by_uid, fresh_request_state, parse


def _reload(activity):
    db.session.expire_all()
    return db.session.get(Activity, activity.id)


# --- done-when 1: the public feed ----------------------------------------------------------


def test_public_feed_holds_exactly_the_public_activities_in_the_window(client, make_activity, day):
    expected = [
        make_activity(
            title="公募説明会(SCOPE)",
            category="briefing",
            start=day(10, "10:00"),
            end=day(10, "12:00"),
            visibility="public",
        ),
        make_activity(
            title="事例集の発行", category="publication", start=day(-300), visibility="public"
        ),
        make_activity(
            title="中止になった展示会",
            category="exhibition",
            start=day(700, "13:00"),
            visibility="public",
            status="cancelled",
        ),
        make_activity(
            block=None,
            category="council",
            kind="wg",
            title="ワーキンググループ",
            start=day(1, "15:00"),
            visibility="public",
        ),
    ]
    make_activity(title="構成機関のみ", start=day(5, "10:00"), visibility="members")
    make_activity(title="事務局のみ", start=day(5, "10:00"), visibility="secretariat")
    make_activity(title="古すぎる", start=day(-400, "10:00"), visibility="public")
    make_activity(title="先すぎる", start=day(740, "10:00"), visibility="public")
    make_activity(
        title="削除済み", start=day(3, "10:00"), visibility="public", deleted_at=utc_now()
    )

    response = client.get("/calendar.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    expected_uids = {a.uid for a in expected}
    assert set(events_by_uid(response.data)) == expected_uids
    # An independent parser reads the same feed the same way.
    parsed = vobject.readOne(response.get_data(as_text=True))
    assert {e.uid.value for e in parsed.vevent_list} == expected_uids


def test_feed_times_are_in_asia_tokyo_with_a_vtimezone(client, make_activity, day):
    timed = make_activity(
        title="関東地域ブロック協議会",
        start=day(7, "10:00"),
        end=day(7, "12:30"),
        visibility="public",
        venue="さいたま新都心合同庁舎1号館",
    )
    dated = make_activity(
        title="合同展示会", category="exhibition", start=day(20), end=day(22), visibility="public"
    )

    data = client.get("/calendar.ics").data
    text = data.decode()
    calendar = parse(data)
    events = events_by_uid(data)

    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    assert f"DTSTART;TZID=Asia/Tokyo:{day(7).replace('-', '')}T100000" in text
    start = events[timed.uid].decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 0, "Asia/Tokyo")
    assert events[timed.uid].decoded("DTEND").astimezone(JST).strftime("%H:%M") == "12:30"
    assert str(events[timed.uid]["LOCATION"]) == "さいたま新都心合同庁舎1号館"
    # A date-only item: VALUE=DATE, and DTEND is the day after its last day (exclusive).
    first = date.fromisoformat(day(20))
    assert events[dated.uid].decoded("DTSTART") == first
    assert events[dated.uid].decoded("DTEND") == first + timedelta(days=3)
    assert f"DTSTART;VALUE=DATE:{first:%Y%m%d}" in text
    vevent = vobject.readOne(text).vevent_list
    by_uid = {e.uid.value: e for e in vevent}
    assert by_uid[timed.uid].dtstart.value.utcoffset() == timedelta(hours=9)


def test_each_event_carries_the_rfc5545_properties(client, make_activity, day):
    activity = make_activity(
        title="四国地域ブロック協議会",
        block="shikoku",
        start=day(3, "14:00"),
        visibility="public",
        description="議題は当日配布します。",
    )
    data = client.get("/calendar.ics").data
    calendar = parse(data)
    event = events_by_uid(data)[activity.uid]

    assert str(calendar["X-WR-CALNAME"]).startswith("地域ブロック協議会")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in data.decode()
    assert str(calendar["X-PUBLISHED-TTL"].to_ical().decode()) == "PT1H"
    assert str(event["UID"]) == activity.uid
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert event.decoded("LAST-MODIFIED").utcoffset() == timedelta(0)
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    url = f"http://localhost/activities/{activity.id}"
    assert url in str(event["DESCRIPTION"])
    assert "議題は当日配布します。" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == url
    assert [str(c) for c in event["CATEGORIES"].cats] == [
        "地域ブロック協議会・幹事会の開催",
        "四国",
    ]
    assert str(event["SUMMARY"]) == "四国地域ブロック協議会"


def test_public_feed_filters_by_block_and_category(client, make_activity, day):
    kanto = make_activity(block="kanto", start=day(2, "10:00"), visibility="public")
    briefing = make_activity(
        block="kanto", category="briefing", start=day(3, "10:00"), visibility="public"
    )
    kinki = make_activity(block="kinki", start=day(2, "10:00"), visibility="public")

    by_block = events_by_uid(client.get("/calendar.ics?block=kanto").data)
    by_both = client.get("/calendar.ics?block=kanto&category=briefing")

    assert set(by_block) == {kanto.uid, briefing.uid}
    assert set(events_by_uid(by_both.data)) == {briefing.uid}
    assert "関東" in str(parse(by_both.data)["X-WR-CALNAME"])
    assert kinki.uid in events_by_uid(client.get("/calendar.ics?block=kinki").data)
    hq = make_activity(
        block=None, category="council", kind="pt", start=day(4, "10:00"), visibility="public"
    )
    assert set(events_by_uid(client.get("/calendar.ics?block=hq").data)) == {hq.uid}
    assert client.get("/calendar.ics?block=atlantis").status_code == 404
    assert client.get("/calendar.ics?category=nope").status_code == 404
    assert client.get("/calendar.ics?block=kan%00to").status_code == 404


def test_feed_responses_keep_the_url_out_of_indexes_and_referers(client, feed_url_of, make_user):
    for url in ("/calendar.ics", feed_url_of(make_user(role="member"))):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "private, no-cache"


# --- done-when 2: SEQUENCE, UID, cancellation, postponement --------------------------------


def test_editing_the_time_raises_sequence_and_keeps_the_uid(client, make_activity, day):
    activity = make_activity(start=day(5, "10:00"), visibility="public")
    before = events_by_uid(client.get("/calendar.ics").data)[activity.uid]

    update_activity(
        _reload(activity),
        actor=None,
        starts_at=datetime.fromisoformat(day(6, "15:00")).replace(tzinfo=JST),
    )
    db.session.commit()
    after = events_by_uid(client.get("/calendar.ics").data)[activity.uid]

    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART").hour == 15
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_a_cancelled_activity_stays_in_the_feed_as_cancelled(client, make_activity, day):
    activity = make_activity(title="成果発表会", start=day(9, "13:00"), visibility="public")
    sequence = int(events_by_uid(client.get("/calendar.ics").data)[activity.uid]["SEQUENCE"])

    current = _reload(activity)
    current.status = "cancelled"
    current.status_reason = "台風の接近のため"
    db.session.commit()
    event = events_by_uid(client.get("/calendar.ics").data)[activity.uid]

    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "【中止】成果発表会"
    assert int(event["SEQUENCE"]) > sequence
    assert "中止の理由: 台風の接近のため" in str(event["DESCRIPTION"])


def test_a_postponed_activity_moves_with_a_raised_sequence(client, make_activity, day):
    activity = make_activity(title="研修会", category="training", start=day(4, "10:00"))
    activity = _reload(activity)
    activity.visibility = "public"
    db.session.commit()
    sequence = int(events_by_uid(client.get("/calendar.ics").data)[activity.uid]["SEQUENCE"])

    current = _reload(activity)
    current.original_starts_at = current.starts_at
    current.starts_at = datetime.fromisoformat(day(30, "10:00")).replace(tzinfo=JST)
    current.status = "postponed"
    db.session.commit()
    event = events_by_uid(client.get("/calendar.ics").data)[activity.uid]

    assert str(event["SUMMARY"]) == "【延期】研修会"
    assert str(event["STATUS"]) == "TENTATIVE"
    assert event.decoded("DTSTART").date() == date.fromisoformat(day(30))
    assert int(event["SEQUENCE"]) > sequence


# --- done-when 3: escaping -------------------------------------------------------------------


def test_a_hostile_title_yields_exactly_one_event_with_its_text(client, make_activity, day):
    title = "説明会, 第1回; 午後\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil"
    venue = "会議室A, B; C\nEND:VCALENDAR"
    activity = make_activity(title=title, venue=venue, start=day(2, "10:00"), visibility="public")

    data = client.get("/calendar.ics").data
    events = parse(data).walk("VEVENT")

    lines = data.split(b"\r\n")
    assert len(events) == 1
    assert lines.count(b"BEGIN:VEVENT") == lines.count(b"END:VEVENT") == 1
    assert lines.count(b"END:VCALENDAR") == 1
    assert not any(line.startswith(b"UID:evil") for line in lines)
    assert str(events[0]["UID"]) == activity.uid
    assert str(events[0]["SUMMARY"]) == title.replace("\r\n", "\n")
    assert str(events[0]["LOCATION"]) == venue
    (other,) = vobject.readOne(data.decode()).vevent_list
    assert other.summary.value == title.replace("\r\n", "\n")


# --- done-when 4: conditional requests --------------------------------------------------------


def test_if_none_match_with_the_current_etag_answers_304_without_building(
    client, make_activity, day, monkeypatch
):
    make_activity(start=day(3, "10:00"), visibility="public")
    first = client.get("/calendar.ics")
    etag = first.headers["ETag"]

    def must_not_build(*args, **kwargs):
        raise AssertionError("the feed was built for a 304")

    monkeypatch.setattr(feeds, "fragments", must_not_build)
    again = client.get("/calendar.ics", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["X-Robots-Tag"] == "noindex"
    since = client.get(
        "/calendar.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304


def test_after_an_edit_the_etag_changes(client, make_activity, day):
    activity = make_activity(start=day(3, "10:00"), visibility="public", venue="旧会場")
    etag = client.get("/calendar.ics").headers["ETag"]
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304

    update_activity(_reload(activity), actor=None, venue="新会場")
    db.session.commit()
    response = client.get("/calendar.ics", headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert str(events_by_uid(response.data)[activity.uid]["LOCATION"]) == "新会場"


def test_a_new_or_deleted_activity_changes_the_etag(client, make_activity, day):
    make_activity(start=day(3, "10:00"), visibility="public")
    etag = client.get("/calendar.ics").headers["ETag"]
    added = make_activity(start=day(4, "10:00"), visibility="public")
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 200

    etag = client.get("/calendar.ics").headers["ETag"]
    current = _reload(added)
    current.deleted_at = utc_now()
    db.session.commit()
    response = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert added.uid not in events_by_uid(response.data)


def test_no_304_is_promised_while_recent_changes_may_still_commit(app, client, make_activity, day):
    """Timestamps are taken at flush: just after a change, an older-stamped transaction may
    still be committing, so the validator must not let a client keep its copy yet."""
    app.config["FEED_SETTLE_SECONDS"] = 60
    make_activity(start=day(3, "10:00"), visibility="public")
    etag = client.get("/calendar.ics").headers["ETag"]
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 200

    db.session.execute(
        sa.update(Activity.__table__).values(updated_at=utc_now() - timedelta(minutes=5))
    )
    db.session.commit()
    etag = client.get("/calendar.ics").headers["ETag"]
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304


def test_a_settled_feed_is_served_whole_until_the_data_changes(
    app, client, make_activity, day, count_queries
):
    activity_id = make_activity(title="古い件名", start=day(3, "10:00"), visibility="public").id
    db.session.execute(
        sa.update(Activity.__table__).values(updated_at=utc_now() - timedelta(minutes=5))
    )
    db.session.commit()
    first = client.get("/calendar.ics").data
    fresh_request_state()
    with count_queries() as again:
        assert client.get("/calendar.ics").data == first
    assert again["n"] == 1  # the validator's probe; the body is this process's copy

    update_activity(db.session.get(Activity, activity_id), actor=None, title="新しい件名")
    db.session.commit()
    changed = client.get("/calendar.ics").get_data(as_text=True)
    assert "新しい件名" in changed and "古い件名" not in changed


# --- the per-activity cache -------------------------------------------------------------------


def test_the_vevent_cache_is_filled_without_touching_the_activity(client, make_activity, day):
    activity = make_activity(start=day(3, "10:00"), visibility="public")
    version, updated_at = activity.version, activity.updated_at

    built = client.get("/calendar.ics").data
    stored = _reload(activity)

    assert stored.ics_cache is not None and "BEGIN:VEVENT" in stored.ics_cache
    assert (stored.version, stored.updated_at) == (version, updated_at)
    assert client.get("/calendar.ics").data == built  # served from the cache, byte for byte
    update_activity(stored, actor=None, title="新しい件名")
    db.session.commit()
    assert _reload(activity).ics_cache is None
    assert "新しい件名" in client.get("/calendar.ics").get_data(as_text=True)


def test_a_cache_built_for_another_host_is_not_served(app, make_activity, day):
    activity = make_activity(start=day(3, "10:00"), visibility="public")
    first = app.test_client().get("/calendar.ics", base_url="https://council.example.jp")
    second = app.test_client().get("/calendar.ics", base_url="https://other.example.jp")

    assert f"https://council.example.jp/activities/{activity.id}" in first.get_data(as_text=True)
    assert f"https://other.example.jp/activities/{activity.id}" in second.get_data(as_text=True)
    assert "council.example.jp" not in second.get_data(as_text=True)
    assert first.headers["ETag"] != second.headers["ETag"]


def test_entries_cached_by_a_concurrent_request_are_still_served(
    client, make_activity, day, monkeypatch
):
    """A row that looked stale at the first read but was filled before the second (another
    request got there first) is read again, not dropped from the feed."""
    activities = [make_activity(start=day(n, "10:00"), visibility="public") for n in range(3)]
    client.get("/calendar.ics")  # fills the cache
    real_unpack = ical.unpack
    calls = {"n": 0}

    def first_read_sees_nothing(prefix, cached):
        calls["n"] += 1
        return None if calls["n"] <= 3 else real_unpack(prefix, cached)

    monkeypatch.setattr(ical, "unpack", first_read_sees_nothing)
    response = client.get("/calendar.ics")

    assert set(events_by_uid(response.data)) == {a.uid for a in activities}


# --- done-when 5: personal feeds ----------------------------------------------------------------


def test_a_members_feed_holds_what_the_member_may_see_and_nothing_else(
    client, make_user, make_activity, day, feed_url_of
):
    member = make_user(role="member", agency="関東総合通信局")  # an agency of kanto
    own_members = make_activity(block="kanto", start=day(2, "10:00"), visibility="members")
    other_public = make_activity(block="kinki", start=day(2, "11:00"), visibility="public")
    make_activity(block="kinki", start=day(2, "12:00"), visibility="members")
    make_activity(block="kanto", start=day(2, "13:00"), visibility="secretariat")
    make_activity(block="kinki", start=day(2, "14:00"), visibility="secretariat")

    response = client.get(feed_url_of(member))

    assert response.status_code == 200
    assert set(events_by_uid(response.data)) == {own_members.uid, other_public.uid}
    assert member.name in str(parse(response.data)["X-WR-CALNAME"])


def test_the_feed_follows_what_the_owner_may_see_now(
    client, make_user, make_activity, day, feed_url_of
):
    from council.directory.models import Agency, Membership

    member = make_user(role="member", agency="関東総合通信局")
    url = feed_url_of(member)
    activity = make_activity(block="kanto", start=day(2, "10:00"), visibility="members")
    first = client.get(url)
    assert activity.uid in events_by_uid(first.data)

    agency = db.session.scalar(sa.select(Agency).where(Agency.name == "関東総合通信局"))
    for membership in db.session.scalars(
        sa.select(Membership).where(Membership.agency_id == agency.id)
    ):
        membership.last_fy = 2025
    db.session.commit()
    response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert response.status_code == 200
    assert activity.uid not in events_by_uid(response.data)


def test_hq_and_secretariat_feeds(client, make_user, make_activity, day, feed_url_of):
    own_secret = make_activity(block="kanto", start=day(2, "10:00"), visibility="secretariat")
    other_secret = make_activity(block="kinki", start=day(2, "10:00"), visibility="secretariat")
    secretariat = make_user(role="secretariat", block="kanto")
    hq = make_user(role="hq")

    assert set(events_by_uid(client.get(feed_url_of(secretariat)).data)) == {own_secret.uid}
    assert set(events_by_uid(client.get(feed_url_of(hq)).data)) == {
        own_secret.uid,
        other_secret.uid,
    }


def test_after_regeneration_the_old_feed_url_is_404(client, make_user, login_as):
    member = make_user(role="member")
    login_as(member)

    first = client.post("/profile/feed-token")
    old_url = _feed_path(first.get_data(as_text=True))
    second = client.post("/profile/feed-token")
    new_url = _feed_path(second.get_data(as_text=True))

    assert first.status_code == second.status_code == 200
    assert old_url != new_url
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200


def test_unknown_stopped_and_deactivated_tokens_are_404(client, make_user, feed_url_of, login_as):
    from council.accounts.services import deactivate_user

    assert client.get("/feeds/" + "x" * 43 + ".ics").status_code == 404
    assert client.get("/feeds/" + "x" * 500 + ".ics").status_code == 404

    stopper = make_user(role="member")
    url = feed_url_of(stopper)
    login_as(stopper)
    assert client.post("/profile/feed-token/stop").status_code == 302
    assert client.get(url).status_code == 404

    leaver = make_user(role="member")
    url = feed_url_of(leaver)
    assert client.get(url).status_code == 200
    deactivate_user(leaver)
    db.session.commit()
    assert client.get(url).status_code == 404


def test_the_profile_page_offers_the_feed_and_shows_the_url_only_once(client, make_user, login_as):
    member = make_user(role="member")
    login_as(member)

    page = client.get("/profile").get_data(as_text=True)
    assert "個人用カレンダー" in page and "URLを発行する" in page
    issued = client.post("/profile/feed-token").get_data(as_text=True)
    assert "/feeds/" in issued and "URLをコピー" in issued
    later = client.get("/profile").get_data(as_text=True)
    assert "/feeds/" not in later
    assert "URLを再発行する" in later


def _feed_path(html: str) -> str:
    import re

    match = re.search(r'value="http://localhost(/feeds/[A-Za-z0-9_-]+\.ics)"', html)
    assert match, html[:2000]
    return match.group(1)


# --- one activity ------------------------------------------------------------------------------


def test_one_activity_downloads_as_a_calendar_for_those_who_may_see_it(
    client, make_activity, make_user, login_as
):
    public = make_activity(title="公開セミナー", start="2007-11-28 14:00", visibility="public")
    members = make_activity(title="幹事会", start="2007-11-28 10:00", visibility="members")

    response = client.get(f"/activities/{public.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="activity-{public.id}.ics"'
    )
    (event,) = parse(response.data).walk("VEVENT")
    assert str(event["UID"]) == public.uid
    assert event.decoded("DTSTART").strftime("%Y-%m-%d %H:%M") == "2007-11-28 14:00"

    assert client.get(f"/activities/{members.id}.ics").status_code == 404
    assert client.get("/activities/999999.ics").status_code == 404
    login_as(make_user(role="member", agency="関東総合通信局"))
    assert client.get(f"/activities/{members.id}.ics").status_code == 200


# --- done-when 6: query counts do not grow -------------------------------------------------------


@pytest.mark.parametrize("kind", ["public", "personal"])
def test_feed_query_counts_do_not_grow_with_the_data(
    kind, app, make_activity, make_user, day, feed_url_of, count_queries
):
    client = app.test_client()
    url = "/calendar.ics" if kind == "public" else feed_url_of(make_user(role="member"))

    def counts():
        fresh_request_state()
        with count_queries() as cold:
            response = client.get(url)
        fresh_request_state()
        with count_queries() as warm:
            client.get(url)
        fresh_request_state()
        with count_queries() as not_modified:
            client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        return cold["n"], warm["n"], not_modified["n"]

    for n in range(3):
        make_activity(title=f"少ない{n}", start=day(n, "10:00"), visibility="public")
    small = counts()
    for n in range(40):
        make_activity(
            title=f"多い{n}",
            start=day(n * 7 - 200, "10:00"),
            visibility=("public", "members", "secretariat")[n % 3],
        )
    large = counts()

    assert small == large
    assert large[2] <= 2
