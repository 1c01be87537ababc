"""One news record follows each public council event: same title, date and place, updated
with it, withdrawn when it is cancelled or no longer public."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from council import fiscal
from council.activities.services import cancel_activity, update_activity
from council.extensions import db, utc_now
from council.portal.models import News


def _soon() -> str:
    day = fiscal.to_jst(utc_now()).date() + timedelta(days=14)
    return f"{day.isoformat()} 13:30"


def _news_of(activity):
    return db.session.scalars(sa.select(News).where(News.activity_id == activity.id)).all()


def test_a_public_seminar_becomes_news_and_follows_its_changes(make_activity, client):
    activity = make_activity(
        block="kyushu",
        category="training",
        title="燃料電池 技術研修会",
        start=_soon(),
        venue="福岡市 博多区",
        visibility="public",
    )
    [news] = _news_of(activity)
    assert (news.title, news.place, news.status) == (
        "燃料電池 技術研修会",
        "福岡市 博多区",
        "published",
    )
    assert news.news_on == fiscal.to_jst(activity.starts_at).date()
    assert news.block_id == activity.block_id
    assert client.get(f"/portal/news/{news.id}").status_code == 200

    new_start = activity.starts_at + timedelta(days=3)
    update_activity(
        activity,
        actor=None,
        title="燃料電池 技術研修会(第2回)",
        venue="北九州市",
        starts_at=new_start,
    )
    db.session.commit()
    [news] = _news_of(activity)
    assert (news.title, news.place) == ("燃料電池 技術研修会(第2回)", "北九州市")
    assert news.news_on == fiscal.to_jst(new_start).date()

    cancel_activity(activity, actor=None, reason="台風のため")
    db.session.commit()
    [news] = _news_of(activity)
    assert news.status == "withdrawn"
    assert client.get(f"/portal/news/{news.id}").status_code == 404
    assert "燃料電池 技術研修会" not in client.get("/portal/news.atom").get_data(as_text=True)


def test_making_it_members_only_withdraws_it_and_public_again_restores_it(make_activity):
    activity = make_activity(
        block="kinki", category="results", title="成果発表会", start=_soon(), visibility="public"
    )
    update_activity(activity, actor=None, visibility="members")
    db.session.commit()
    assert [n.status for n in _news_of(activity)] == ["withdrawn"]
    update_activity(activity, actor=None, visibility="public")
    db.session.commit()
    assert [n.status for n in _news_of(activity)] == ["published"]


def test_members_only_meetings_and_old_events_make_no_news(make_activity):
    meeting = make_activity(block="kanto", category="council", start=_soon(), visibility="public")
    private = make_activity(
        block="kanto", category="briefing", title="内部説明会", start=_soon(), visibility="members"
    )
    old = make_activity(
        block="kanto",
        category="briefing",
        title="平成19年度 公募説明会",
        start="2007-11-28 14:00",
        visibility="public",
    )
    for activity in (meeting, private, old):
        assert _news_of(activity) == []


def test_news_edits_are_audited(make_activity):
    from council.audit.models import AuditEntry

    activity = make_activity(
        block="kyushu", category="exhibition", title="展示会", start=_soon(), visibility="public"
    )
    [news] = _news_of(activity)
    entries = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "News", AuditEntry.object_id == news.id
        )
    ).all()
    assert [e.action for e in entries] == ["create"]
    assert entries[0].changes["title"] == [None, "展示会"]
    assert isinstance(news.created_at, datetime)
