"""The public iCalendar feed: what it holds, its RFC 5545 details, how edits show in it."""

from datetime import date, datetime, timedelta

import vobject

from council.activities.services import update_activity
from council.extensions import db, utc_now
from council.fiscal import JST
from tests.calendars.conftest import events_by_uid, parse, reload

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
        reload(activity),
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

    current = reload(activity)
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
    activity = reload(activity)
    activity.visibility = "public"
    db.session.commit()
    sequence = int(events_by_uid(client.get("/calendar.ics").data)[activity.uid]["SEQUENCE"])

    current = reload(activity)
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
