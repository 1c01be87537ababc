"""Personal feeds: what a user's feed holds, its token (issued, regenerated, stopped), the
profile page that offers it, and one activity as a calendar file."""

import sqlalchemy as sa

from council.extensions import db
from tests.calendars.conftest import events_by_uid, parse

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
    client, make_activity, day, feed_url_of, member
):
    from council.directory.models import Agency, Membership

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


def test_hq_and_secretariat_feeds(client, make_activity, day, feed_url_of, secretariat, hq):
    own_secret = make_activity(block="kanto", start=day(2, "10:00"), visibility="secretariat")
    other_secret = make_activity(block="kinki", start=day(2, "10:00"), visibility="secretariat")

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
    client, make_activity, login_as, member
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
    login_as(member)
    assert client.get(f"/activities/{members.id}.ics").status_code == 200
