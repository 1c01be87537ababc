"""The pure iCalendar builder: activities in, bytes out."""

from datetime import UTC, date, datetime, timedelta

import icalendar

from council import ical
from council.fiscal import JST


def _event(**fields) -> ical.FeedEvent:
    base = {
        "uid": "5f0c8c1e-0000-4000-8000-000000000001",
        "sequence": 2,
        "title": "関東地域ブロック協議会",
        "status": "planned",
        "starts_at": datetime(2007, 11, 28, 14, 0, tzinfo=JST),
        "ends_at": datetime(2007, 11, 28, 16, 0, tzinfo=JST),
        "is_all_day": False,
        "venue": "さいたま新都心合同庁舎1号館",
        "description": "",
        "status_reason": "",
        "category": "地域ブロック協議会・幹事会の開催",
        "block": "関東",
        "url": "https://council.example.jp/activities/1",
        "created_at": datetime(2007, 10, 1, 1, 0, tzinfo=UTC),
        "updated_at": datetime(2007, 11, 1, 1, 0, tzinfo=UTC),
    }
    return ical.FeedEvent(**{**base, **fields})


def _parse(text: str) -> icalendar.Event:
    return icalendar.Event.from_ical(text)


def test_a_timed_event_is_in_japan_time_and_utc_stamps():
    event = _parse(ical.build_event(_event()))
    assert event.decoded("DTSTART") == datetime(2007, 11, 28, 14, 0, tzinfo=JST)
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event.decoded("DTEND") == datetime(2007, 11, 28, 16, 0, tzinfo=JST)
    assert event.decoded("DTSTAMP") == datetime(2007, 11, 1, 1, 0, tzinfo=UTC)
    assert event.decoded("LAST-MODIFIED") == datetime(2007, 11, 1, 1, 0, tzinfo=UTC)
    assert int(event["SEQUENCE"]) == 2


def test_date_only_events_end_the_day_after_their_last_day():
    one_day = _parse(ical.build_event(_event(is_all_day=True, ends_at=None)))
    assert one_day.decoded("DTSTART") == date(2007, 11, 28)
    assert one_day.decoded("DTEND") == date(2007, 11, 29)
    three_days = _parse(
        ical.build_event(_event(is_all_day=True, ends_at=datetime(2007, 11, 30, 0, 0, tzinfo=JST)))
    )
    assert three_days.decoded("DTEND") == date(2007, 12, 1)


def test_an_event_without_an_end_time_gets_none_invented():
    assert "DTEND" not in _parse(ical.build_event(_event(ends_at=None)))
    backwards = _event(ends_at=datetime(2007, 11, 28, 13, 0, tzinfo=JST))
    assert "DTEND" not in _parse(ical.build_event(backwards))


def test_status_and_summary_prefixes():
    for status, summary, value in (
        ("planned", "関東地域ブロック協議会", "CONFIRMED"),
        ("held", "関東地域ブロック協議会", "CONFIRMED"),
        ("cancelled", "【中止】関東地域ブロック協議会", "CANCELLED"),
        ("postponed", "【延期】関東地域ブロック協議会", "TENTATIVE"),
    ):
        event = _parse(ical.build_event(_event(status=status)))
        assert (str(event["SUMMARY"]), str(event["STATUS"])) == (summary, value)


def test_a_cached_fragment_makes_the_same_calendar_as_a_fresh_build():
    events = [
        _event(uid=f"uid-{n}", starts_at=_event().starts_at + timedelta(days=n)) for n in range(5)
    ]
    fresh = ical.build_calendar("予定表", events)
    prefix = ical.cache_prefix("https://council.example.jp")
    cached = [ical.pack(prefix, ical.build_event(e)) for e in events]

    assert ical.assemble("予定表", [ical.unpack(prefix, c) for c in cached]) == fresh
    assert ical.unpack(ical.cache_prefix("https://other.example.jp"), cached[0]) is None
    assert ical.unpack(prefix, None) is None
    calendar = icalendar.Calendar.from_ical(fresh)
    assert len(calendar.walk("VEVENT")) == 5
    assert str(calendar["PRODID"]).startswith("-//Block Council//")
