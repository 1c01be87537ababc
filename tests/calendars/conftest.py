"""Fixtures for calendar and feed tests: dates relative to today (feeds cover a window around
today), feed parsing, and personal-feed tokens."""

from datetime import timedelta

import icalendar
import pytest

from council.calendars.views import today_in_japan
from council.extensions import db


@pytest.fixture(autouse=True)
def _no_settling(app):
    """Validators are withheld for a minute after any change (see cache.is_settling); these
    tests change data and then revalidate at once. test_feeds covers the settling itself."""
    app.config["FEED_SETTLE_SECONDS"] = 0


@pytest.fixture
def day():
    """day(n) -> "YYYY-MM-DD" n days from today (Japan time); day(n, "10:00") adds a time."""
    today = today_in_japan()

    def at(n: int, time: str | None = None) -> str:
        text = (today + timedelta(days=n)).isoformat()
        return f"{text} {time}" if time else text

    return at


@pytest.fixture
def feed_url_of(app):
    """feed_url_of(user) -> the path of a freshly issued personal feed for `user`."""
    from council.calendars import services

    def issue(user) -> str:
        token = services.regenerate_feed_token(user)
        db.session.commit()
        return f"/feeds/{token}.ics"

    return issue


def fresh_request_state() -> None:
    """What a new request starts from in production: the tests keep one app context, so the
    session (and Flask-Login's cached user in g) would otherwise carry over between requests
    and make query counts depend on what an earlier request happened to load."""
    from flask import g

    db.session.remove()
    g.pop("_login_user", None)


def reload(activity):
    """The activity as the database holds it now, not as this session remembers it."""
    from council.activities.models import Activity

    db.session.expire_all()
    return db.session.get(Activity, activity.id)


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events_by_uid(data: bytes) -> dict:
    return {str(e["UID"]): e for e in parse(data).walk("VEVENT")}
