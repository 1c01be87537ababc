"""Issue 17, item 9: a member whose agency sits on no council now (no membership at all, or only
lapsed ones) sees exactly what the public sees, through every output; and a visibility clause
that would come out empty fails loudly instead of filtering nothing."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from council import fiscal, permissions
from council.accounts.services import issue_api_token
from council.calendars.services import regenerate_feed_token
from council.directory.models import Agency, Membership
from council.extensions import db, utc_now
from council.minutes.models import Minutes

AGENCY = "関東総合通信局"
PUBLIC = "公開の補助金説明会ゼータ"
HIDDEN = {
    "members": "関東の幹事会ゼータ",
    "other_block": "近畿の幹事会ゼータ",
    "secretariat": "関東事務局打合せゼータ",
    "hq": "連携施策群WGゼータ",
    "deleted": "取り消した公開説明会ゼータ",
}


@pytest.fixture(params=["none", "lapsed"])
def stranded_member(request, make_user, make_activity):
    """A member of an agency with no current seat, and one activity of every visibility."""
    agency = db.session.scalar(sa.select(Agency).where(Agency.name == AGENCY))
    memberships = db.session.scalars(
        sa.select(Membership).where(Membership.agency_id == agency.id)
    ).all()
    assert memberships  # the seed gives this agency a seat on the kanto council
    for membership in memberships:
        if request.param == "none":
            db.session.delete(membership)
        else:
            membership.last_fy = fiscal.current_fiscal_year() - 2
    db.session.commit()
    user = make_user(role="member", agency=AGENCY)
    day = date.today() + timedelta(days=7)
    start = f"{day.isoformat()} 14:00"
    common = {"start": start, "status": "planned"}
    make_activity(title=PUBLIC, category="briefing", visibility="public", **common)
    meeting = make_activity(
        title=HIDDEN["members"], visibility="members", participants_of=[AGENCY], **common
    )
    make_activity(title=HIDDEN["other_block"], block="kinki", visibility="members", **common)
    make_activity(title=HIDDEN["secretariat"], visibility="secretariat", **common)
    make_activity(title=HIDDEN["hq"], block=None, kind="wg", visibility="members", **common)
    deleted = make_activity(title=HIDDEN["deleted"], visibility="public", **common)
    deleted.deleted_at = utc_now()
    db.session.add(Minutes(activity_id=meeting.id, status="approved", discussion="議事ゼータ"))
    db.session.commit()
    return {"user": user, "meeting": meeting, "deleted": deleted, "day": day}


def _only_public(text: str) -> None:
    assert PUBLIC in text
    for key, title in HIDDEN.items():
        assert title not in text, key


def test_lists_calendar_and_drill_downs(stranded_member, client, login_as):
    login_as(stranded_member["user"])
    _only_public(client.get("/activities/?q=ゼータ").get_data(as_text=True))
    _only_public(client.get("/activities/").get_data(as_text=True))
    day = stranded_member["day"]
    _only_public(
        client.get(f"/calendar?view=list&year={day.year}&month={day.month}").get_data(as_text=True)
    )
    year = fiscal.fiscal_year_of(day)
    for measure in ("planned", "held"):
        response = client.get(f"/reports/fy/{year}/activities?measure={measure}")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        for key, title in HIDDEN.items():
            assert title not in text, key
    assert PUBLIC in client.get(f"/reports/fy/{year}/activities?measure=planned").get_data(
        as_text=True
    )


def test_detail_minutes_and_export(stranded_member, client, login_as):
    login_as(stranded_member["user"])
    meeting, deleted = stranded_member["meeting"], stranded_member["deleted"]
    assert client.get(f"/activities/{meeting.id}").status_code in (403, 404)
    assert client.get(f"/activities/{meeting.id}/minutes").status_code in (403, 404)
    assert client.get(f"/activities/{meeting.id}.ics").status_code in (403, 404)
    assert client.get(f"/activities/{deleted.id}").status_code in (403, 404)
    response = client.get("/activities/export.csv")
    assert response.status_code == 200
    _only_public(response.get_data().decode("utf-8-sig"))


def test_search(stranded_member, client, login_as):
    login_as(stranded_member["user"])
    response = client.get("/search", query_string={"q": "ゼータ"})
    assert response.status_code == 200
    text = re.sub(r"</?mark>", "", response.get_data(as_text=True))
    _only_public(text)
    assert "議事ゼータ" not in text  # nor the approved minutes of the block's meeting


def test_personal_feed(stranded_member, client):
    token = regenerate_feed_token(stranded_member["user"])
    db.session.commit()
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    _only_public(response.get_data(as_text=True))


def test_api(stranded_member, client):
    token = issue_api_token(stranded_member["user"], "test")
    db.session.commit()
    response = client.get("/api/v1/activities", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    titles = {item["title"] for item in response.get_json()["activities"]}
    assert PUBLIC in titles
    assert not titles & set(HIDDEN.values())


def test_the_clauses_themselves(stranded_member):
    user = stranded_member["user"]
    from council.activities.models import Activity

    titles = set(
        db.session.scalars(
            sa.select(Activity.title).where(permissions.visible_activities_clause(user))
        )
    )
    assert PUBLIC in titles and not titles & set(HIDDEN.values())
    minutes = db.session.scalars(
        sa.select(Minutes.id).join(Activity).where(permissions.visible_minutes_clause(user))
    ).all()
    assert minutes == []


@pytest.mark.parametrize("bad", [None, True, "1=1", 1])
def test_a_clause_that_is_not_sql_fails_loudly(bad):
    @permissions.sql_clause
    def broken(user):
        return bad

    with pytest.raises(TypeError):
        broken(None)


def test_every_visibility_clause_is_checked():
    for name in (
        "visible_activities_clause",
        "visible_minutes_clause",
        "manageable_users_clause",
        "visible_audit_clause",
    ):
        assert getattr(getattr(permissions, name), "is_checked_clause", False), name
