"""Matrix cases for national events (全国): headquarters and the admin log and change them; a
block's secretariat reads them but is refused, like every other role, with nothing changed."""

import sqlalchemy as sa

from council.activities.models import Activity
from council.extensions import db
from tests.matrix.framework import Case

EDITORS = {"hq", "admin"}


def _event(w):
    w.objects["activity"] = w.factories["make_activity"](
        block=None,
        is_national=True,
        category="exhibition",
        title="地域クラスターフォーラム",
        visibility="public",
    )


def _fresh(w) -> Activity:
    return db.session.get(Activity, w.activity.id)


def _picture(w):
    a = _fresh(w)
    return (a.title, a.status, a.version, a.is_national, a.block_id)


def _count(w):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Activity))


def _form(**overrides):
    data = {
        "block": "national",
        "category": "exhibition",
        "kind": "",
        "title": "クラスタージャパン2007",
        "start_date": "2007-11-28",
        "start_time": "10:00",
        "venue": "東京",
        "visibility": "public",
    }
    return data | overrides


def _created(w):
    activity = db.session.scalar(
        sa.select(Activity).where(Activity.title == "クラスタージャパン2007")
    )
    assert activity is not None and activity.is_national and activity.block_id is None


def _renamed(w):
    assert _fresh(w).title == "改題した全国行事", "title not changed"


CASES = [
    Case(
        name="activities.new[national]",
        url=lambda w: "/activities/new",
        data=lambda w: _form(),
        allowed=EDITORS,
        state=_count,
        changed=_created,
    ),
    Case(
        name="activities.edit[national]",
        setup=_event,
        url=lambda w: f"/activities/{w.activity.id}/edit",
        data=lambda w: _form(title="改題した全国行事", version=str(w.activity.version)),
        allowed=EDITORS,
        state=_picture,
        changed=_renamed,
    ),
    Case(
        name="activities.cancel[national]",
        setup=_event,
        url=lambda w: f"/activities/{w.activity.id}/cancel",
        data=lambda w: {"version": str(w.activity.version), "reason": "会場の都合"},
        allowed=EDITORS,
        state=_picture,
    ),
]
