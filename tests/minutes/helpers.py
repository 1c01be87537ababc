"""Helpers of the minutes tests: the pages' URLs, a filled-in minutes form, lookups."""

import sqlalchemy as sa

from council.extensions import db
from council.minutes.models import Minutes


def minutes_url(activity, suffix=""):
    return f"/activities/{activity.id}/minutes{suffix}"


def minutes_form(minutes=None, **overrides):
    data = {
        "attendees": "関東経済産業局 山田\n関東総合通信局 佐藤",
        "agenda": "開会\n各機関の施策説明\n閉会",
        "discussion": "## 施策説明\n各機関から平成20年度の施策について説明があった。",
        "decisions": "次回は2月に開催する。",
    }
    if minutes is not None:
        data["version"] = str(minutes.version)
    data.update(overrides)
    return data


def agency_id_of(name):
    from council.directory.models import Agency

    return db.session.scalar(sa.select(Agency.id).where(Agency.name == name))


def reload_minutes(minutes_id):
    db.session.expire_all()
    return db.session.get(Minutes, minutes_id)
