"""Fixtures for minutes tests: a held kanto council meeting and its minutes (the secretariat
and the member are the root role fixtures)."""

import pytest

from council.extensions import db
from council.minutes import services

PARTICIPANTS = ("関東総合通信局", "関東農政局")


ORGANIZERS = ("関東経済産業局",)


@pytest.fixture
def meeting(make_activity):
    return make_activity(
        title="関東地域ブロック協議会",
        start="2007-11-28 14:00",
        end="2007-11-28 16:00",
        venue="さいたま新都心合同庁舎1号館",
        status="held",
        participants=23,
        organizers=ORGANIZERS,
        participants_of=PARTICIPANTS,
    )


@pytest.fixture
def make_minutes(meeting, secretariat):
    """make_minutes(status="draft"|"circulated"|"approved", **record fields)."""
    from datetime import date

    def factory(status="draft", activity=None, action_items=(), **fields):
        activity = activity or meeting
        fields.setdefault("discussion", "## 報告\n各機関から施策の説明があった。")
        fields.setdefault("agenda", "開会\n施策説明\n閉会")
        minutes = services.create_minutes(
            activity, actor=secretariat, action_items=action_items, **fields
        )
        db.session.commit()
        if status in ("circulated", "approved"):
            services.circulate_minutes(
                minutes,
                actor=secretariat,
                expected_version=minutes.version,
                deadline=date(2099, 12, 1),
            )
            db.session.commit()
        if status == "approved":
            services.approve_minutes(minutes, actor=secretariat, expected_version=minutes.version)
            db.session.commit()
        return minutes

    return factory
