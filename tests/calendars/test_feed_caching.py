"""The feeds' conditional requests and caches: ETags, 304s, settling, the VEVENT cache, and
query counts that do not grow with the data."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from council import ical
from council.activities.models import Activity
from council.activities.services import update_activity
from council.calendars import feeds
from council.extensions import db, utc_now
from tests.calendars.conftest import events_by_uid, fresh_request_state, reload

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

    update_activity(reload(activity), actor=None, venue="新会場")
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
    current = reload(added)
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
    stored = reload(activity)

    assert stored.ics_cache is not None and "BEGIN:VEVENT" in stored.ics_cache
    assert (stored.version, stored.updated_at) == (version, updated_at)
    assert client.get("/calendar.ics").data == built  # served from the cache, byte for byte
    update_activity(stored, actor=None, title="新しい件名")
    db.session.commit()
    assert reload(activity).ics_cache is None
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
